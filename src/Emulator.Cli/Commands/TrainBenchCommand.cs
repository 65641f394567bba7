using System.CommandLine;
using System.Globalization;
using Emulator.Cli.Training;
using Emulator.Nn.Models;
using Emulator.Nn.Training;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu bench train</c>: training throughput of zoo models at 1 and 2 threads, side by side with PyTorch in the same run.</summary>
public static class TrainBenchCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var models = new Option<string>("--models") { Description = "Comma-separated zoo models", DefaultValueFactory = _ => "fashion-cnn,mlp" };
        var threads = new Option<int[]>("--threads") { Description = "Thread counts (default 1 2)", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int>("--steps") { Description = "Time only the first N steps of the epoch (default 0: the whole epoch)", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "MNIST-layout directory (default: the full Fashion-MNIST when installed, else the embedded subset)" };
        var noTorch = new Option<bool>("--no-torch") { Description = "Skip the PyTorch reference" };
        var json = BenchCommand.Json();
        var command = new Command("train",
            "Training speed: one epoch of each model (batch 128, SGD momentum 0.9, lr 0.05 cosine, weight decay 5e-4) at each thread count:\n" +
            "images/s, achieved GFLOP/s (a step = 3x the forward FLOPs of the convolutions and linear layers), managed bytes allocated per step\n" +
            "after warm-up, and PyTorch's images/s from perf/reference/train_fashion.py in the same run when python3 with torch is present\n" +
            "(Debian: apt-get install python3-torch python3-numpy).\n\n" +
            "Examples:\n  emu bench train\n  emu bench train --models fashion-cnn --threads 1 --steps 100 --json train.json")
        { models, threads, steps, data, noTorch, json };
        command.SetAction(parse =>
        {
            string[] names = parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string n in names)
                if (!Zoo.Names.Contains(n)) throw new CliException($"--models: '{n}' is unknown; valid: {string.Join(", ", Zoo.Names)}");
            int[] counts = parse.GetValue(threads) is { Length: > 0 } t ? t : [1, 2];
            foreach (int c in counts)
                if (c is < 1 or > 1024) throw new CliException($"--threads {c}: must be in 1..1024");
            int n0 = parse.GetValue(steps);
            if (n0 < 0) throw new CliException($"--steps {n0}: must be >= 0");
            string? dataDir = parse.GetValue(data);
            var splits = TrainData.Load(dataDir);
            string? torchDir = dataDir ?? (splits.DataSource.StartsWith("embedded", StringComparison.Ordinal) ? null : Nn.Data.FashionMnist.PackageDirectory);
            context.Error.WriteLine($"data: {splits.DataSource}");
            string? python = parse.GetValue(noTorch) ? null : TorchReference.FindPython();
            if (!parse.GetValue(noTorch) && python is null) context.Error.WriteLine("PyTorch reference skipped: no python3 with torch and numpy (apt-get install python3-torch python3-numpy)");

            var rows = new List<Row>();
            foreach (string name in names)
            {
                var recipe = Zoo.Recipe(name) with { Epochs = 1 };
                foreach (int c in counts)
                {
                    if (Zoo.IsAvailable(name))
                    {
                        var r = TrainBench.Run(name, () => Zoo.Create(name, splits.Train.SampleShape, splits.Train.NumClasses, recipe.Seed), splits.Train, recipe, c, n0);
                        rows.Add(new Row(name, "Emulator.Nn", c, r.Steps, r.ImagesPerSecond, r.EpochSeconds, r.GflopsPerSecond, r.AllocatedBytesPerStep, r.PoolBytesPerStep));
                        context.Error.WriteLine(string.Create(Inv, $"{name} Emulator.Nn threads {c}: {r.ImagesPerSecond:F0} images/s, {r.GflopsPerSecond:F2} GFLOP/s, {r.AllocatedBytesPerStep:F0} B/step"));
                    }
                    else context.Error.WriteLine($"{name}: not available in this build yet (Emulator.Nn skipped)");
                    if (python is not null && name is "fashion-cnn" or "mlp")
                    {
                        var tr = TorchReference.Run(python, name, splits, torchDir, c, n0, recipe.BatchSize, recipe.LearningRate);
                        double flops = ForwardFlops(name, splits);
                        rows.Add(new Row(name, tr.Framework, c, tr.Steps, tr.ImagesPerSecond, splits.Train.Count / tr.ImagesPerSecond, 3 * flops * tr.ImagesPerSecond / 1e9, double.NaN, double.NaN));
                        context.Error.WriteLine(string.Create(Inv, $"{name} {tr.Framework} threads {c}: {tr.ImagesPerSecond:F0} images/s"));
                    }
                }
            }
            Print(context, rows);
            if (parse.GetValue(json) is { } path)
                BenchCommand.WriteJson(path, rows.Select(r => new
                {
                    model = r.Model, framework = r.Framework, threads = r.Threads, steps = r.Steps, imagesPerSecond = r.ImagesPerSecond, epochSeconds = r.EpochSeconds,
                    gflops = Num(r.Gflops), allocatedBytesPerStep = Num(r.AllocatedPerStep), poolBytesPerStep = Num(r.PoolPerStep),
                    timeRatioToPyTorch = Num(RatioToTorch(rows, r)), speedupOverOneThread = Num(Speedup(rows, r)), dataSource = splits.DataSource,
                }));
            return 0;
        });
        return command;
    }

    private sealed record Row(string Model, string Framework, int Threads, int Steps, double ImagesPerSecond, double EpochSeconds, double Gflops, double AllocatedPerStep, double PoolPerStep);

    /// <summary>Forward FLOPs per image of the PyTorch twin (the same net as ours when it is built; else counted from the architecture).</summary>
    private static double ForwardFlops(string name, Nn.Data.DataSplits splits)
    {
        if (Zoo.IsAvailable(name) && FlopCounter.ForwardFlops(Zoo.Create(name, splits.Train.SampleShape, splits.Train.NumClasses, 0), splits.Train.SampleShape) is { } f) return f;
        // fashion-cnn before the zoo has it: conv 1->16 5x5 at 28x28, conv 16->32 5x5 at 14x14, linear 1568->128, 128->10
        return name == "fashion-cnn" ? 2.0 * (28 * 28 * 16 * 25 + 14 * 14 * 32 * 16 * 25 + 1568 * 128 + 128 * 10) : double.NaN;
    }

    /// <summary>Our epoch time over PyTorch's at the same thread count (below 1: faster than PyTorch).</summary>
    private static double RatioToTorch(List<Row> rows, Row r) =>
        r.Framework != "Emulator.Nn" ? double.NaN
        : rows.FirstOrDefault(t => t.Model == r.Model && t.Threads == r.Threads && t.Framework != "Emulator.Nn") is { } t ? t.ImagesPerSecond / r.ImagesPerSecond : double.NaN;

    /// <summary>Throughput over the same framework's one-thread throughput.</summary>
    private static double Speedup(List<Row> rows, Row r) =>
        rows.FirstOrDefault(o => o.Model == r.Model && o.Framework == r.Framework && o.Threads == 1) is { } one ? r.ImagesPerSecond / one.ImagesPerSecond : double.NaN;

    private static double? Num(double v) => double.IsFinite(v) ? v : null;

    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, Inv) : "-";

    private static void Print(CliContext context, List<Row> rows)
    {
        var table = new Table().AddColumns("model", "framework", "threads", "steps", "images/s", "epoch s", "GFLOP/s", "alloc B/step", "pool B/step", "time / PyTorch", "speedup vs 1 thread");
        foreach (var r in rows)
            table.AddRow(r.Model, Markup.Escape(r.Framework), r.Threads.ToString(Inv), r.Steps.ToString(Inv), F(r.ImagesPerSecond, "F0"), F(r.EpochSeconds, "F1"), F(r.Gflops, "F2"),
                F(r.AllocatedPerStep, "F0"), F(r.PoolPerStep, "F0"), F(RatioToTorch(rows, r), "F2"), F(Speedup(rows, r), "F2"));
        context.Console.Write(table);
    }
}
