using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Emulator.Cli.Training;
using Emulator.Nn;
using Emulator.Nn.Data;
using Emulator.Nn.Modules;
using Emulator.Nn.Models;
using Emulator.Nn.Training;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu train</c>: trains a zoo model on Fashion-MNIST (or any MNIST-layout directory) and writes the
/// checkpoint, metrics and loss/accuracy curves.</summary>
public static class TrainCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model", "-m") { Description = $"Model: {string.Join(", ", Zoo.Names)}", DefaultValueFactory = _ => "fashion-cnn" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default: the model's recipe, 5 for fashion-cnn)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the recipe's, 128)" };
        var lr = new Option<double?>("--lr") { Description = "Base learning rate of SGD, decayed by a cosine over all steps (default: the recipe's, 0.05)" };
        var momentum = new Option<double?>("--momentum") { Description = "SGD momentum in [0, 1) (default: the recipe's, 0.9)" };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default: the recipe's, 5e-4)" };
        var data = new Option<string?>("--data") { Description = $"Directory in the MNIST layout (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz). Default: {FashionMnist.PackageDirectory} when installed, else the embedded subset" };
        var threads = new Option<int>("--threads") { Description = "Threads (the bits never depend on it)", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initialisation and the data order", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output directory (model.safetensors, optimizer.safetensors, metrics.json, training.svg, training.png)", DefaultValueFactory = _ => "train-out" };
        var command = new Command("train",
            "Train a model of the zoo with SGD and write the checkpoint (model.safetensors with PyTorch names, optimizer.safetensors), metrics.json\nand the loss/accuracy curves (training.svg, training.png).\n" +
            "Every report names the data used: the full Fashion-MNIST (Debian package dataset-fashion-mnist), a --data directory, or the embedded subset.\n\n" +
            "Examples:\n" +
            "  emu train                                          fashion-cnn, 5 epochs, batch 128, SGD 0.05 cosine -> ./train-out\n" +
            "  emu train --model mlp --epochs 2 --threads 2 --out mlp-run\n" +
            "  emu train --model fashion-cnn --data ~/mnist --seed 3")
        { model, epochs, batch, lr, momentum, weightDecay, data, threads, seed, output };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(model)!;
            if (!Zoo.Names.Contains(name)) throw new CliException($"--model '{name}': unknown; valid: {string.Join(", ", Zoo.Names)}");
            int t = parse.GetValue(threads);
            if (t is < 1 or > 1024) throw new CliException($"--threads {t}: must be in 1..1024");
            var recipe = Zoo.Recipe(name);
            recipe = recipe with
            {
                Epochs = parse.GetValue(epochs) ?? recipe.Epochs,
                BatchSize = parse.GetValue(batch) ?? recipe.BatchSize,
                LearningRate = parse.GetValue(lr) ?? recipe.LearningRate,
                Momentum = parse.GetValue(momentum) ?? recipe.Momentum,
                WeightDecay = parse.GetValue(weightDecay) ?? recipe.WeightDecay,
                Seed = parse.GetValue(seed),
            };
            Validate(recipe);
            string outDir = parse.GetValue(output)!;

            var splits = TrainData.Load(parse.GetValue(data));
            int previousThreads = NnSettings.Threads;
            NnSettings.Threads = t;
            try
            {
                Module net;
                try { net = Zoo.Create(name, splits.Train.SampleShape, splits.Train.NumClasses, recipe.Seed); }
                catch (ArgumentException e) { throw new CliException($"--model {name}: {EmuApp.OneLine(e.Message)}"); }
                context.Output.WriteLine($"model {name} ({net.ParameterCount().ToString("N0", Inv)} parameters); data: {splits.DataSource}; threads {t}");
                context.Output.WriteLine($"recipe: {recipe}; inputs normalised with mean {string.Join(",", splits.Mean.Select(v => v.ToString("R", Inv)))}, std {string.Join(",", splits.Std.Select(v => v.ToString("R", Inv)))}");
                var trainer = new Trainer(net, recipe);
                var clock = Stopwatch.StartNew();
                IReadOnlyList<EpochMetrics> history = Run(context, trainer, splits);
                var run = new TrainRun(name, net, trainer, splits, recipe, t, history, clock.Elapsed.TotalSeconds);
                var (files, warning) = TrainReport.Write(outDir, run);
                if (warning is not null) context.Error.WriteLine($"emu: warning: {warning}");
                var last = history[^1];
                context.Output.WriteLine(string.Create(Inv, $"test accuracy {100 * last.TestAccuracy:F2}% after {history.Count} epochs ({splits.DataSource}); wrote {string.Join(", ", files.Select(f => Path.Combine(outDir, f)))}"));
            }
            finally
            {
                NnSettings.Threads = previousThreads;
            }
            return 0;
        });
        return command;
    }

    private static void Validate(TrainOptions recipe)
    {
        try { recipe.Validated(); }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(TrainOptions.Epochs) => "--epochs",
                nameof(TrainOptions.BatchSize) => "--batch",
                nameof(TrainOptions.LearningRate) => "--lr",
                nameof(TrainOptions.Momentum) => "--momentum",
                nameof(TrainOptions.WeightDecay) => "--weight-decay",
                _ => e.ParamName ?? "option",
            };
            throw new CliException($"{option} {Convert.ToString(e.ActualValue, Inv)}: {EmuApp.OneLine(e.Message)}");
        }
    }

    private static string Line(EpochMetrics m, int epochs) => string.Create(Inv,
        $"epoch {m.Epoch}/{epochs}: train loss {m.TrainLoss:F4}, train accuracy {100 * m.TrainAccuracy:F2}%, test loss {m.TestLoss:F4}, test accuracy {100 * m.TestAccuracy:F2}%, {m.Seconds:F1} s, {m.ImagesPerSecond:N0} images/s");

    private static IReadOnlyList<EpochMetrics> Run(CliContext context, Trainer trainer, DataSplits splits)
    {
        int epochs = trainer.Options.Epochs;
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            trainer.OnEpoch = m => context.Output.WriteLine(Line(m, epochs));
            return trainer.Fit(splits.Train, splits.Test);
        }
        IReadOnlyList<EpochMetrics> history = [];
        context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                int steps = splits.Train.BatchCount(trainer.Options.BatchSize, trainer.Options.DropLast);
                var task = ctx.AddTask("training", maxValue: (double)steps * epochs);
                trainer.OnStep = p =>
                {
                    task.Increment(1);
                    if (p.Step % 10 == 0 || p.Step == p.StepsPerEpoch)
                        task.Description = string.Create(Inv, $"epoch {p.Epoch}/{epochs} loss {p.Loss:F4} acc {100 * p.Accuracy:F1}% {p.ImagesPerSecond:N0} img/s");
                };
                trainer.OnEpoch = m => ctx.Refresh();
                history = trainer.Fit(splits.Train, splits.Test);
            });
        foreach (var m in history) context.Output.WriteLine(Line(m, epochs));
        return history;
    }
}
