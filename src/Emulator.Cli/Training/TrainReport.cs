using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using Emulator.Cli.IO;
using Emulator.Nn.Checkpoints;
using Emulator.Nn.Data;
using Emulator.Nn.Modules;
using Emulator.Nn.Training;

namespace Emulator.Cli.Training;

/// <summary>Everything a finished training run reports.</summary>
/// <param name="ModelName">The zoo name.</param>
/// <param name="Model">The trained model.</param>
/// <param name="Trainer">The trainer (optimizer and schedule state for the checkpoint).</param>
/// <param name="Data">The data used (source, normalisation).</param>
/// <param name="Options">The recipe.</param>
/// <param name="Threads">Nn threads.</param>
/// <param name="Epochs">Per-epoch metrics.</param>
/// <param name="TotalSeconds">Wall time of training and evaluation.</param>
public sealed record TrainRun(string ModelName, Module Model, Trainer Trainer, DataSplits Data, TrainOptions Options, int Threads, IReadOnlyList<EpochMetrics> Epochs, double TotalSeconds);

/// <summary>Writes a training run's outputs, each atomically: the checkpoint (<c>model.safetensors</c> with PyTorch names
/// and the input normalisation, <c>optimizer.safetensors</c>), <c>metrics.json</c>, <c>training.svg</c> and (when
/// ScottPlot's native renderer loads) <c>training.png</c>.</summary>
public static class TrainReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the outputs into <paramref name="dir"/> (created if needed); returns the files written and a warning when the PNG could not be drawn.</summary>
    public static (IReadOnlyList<string> Files, string? Warning) Write(string dir, TrainRun run)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"--out '{dir}': cannot create the directory: {e.Message}");
        }
        var files = new List<string> { Checkpoint.ModelFileName, Checkpoint.OptimizerFileName, "metrics.json", "training.svg" };
        string? warning = null;
        byte[]? png = null;
        try { png = Png(run.Epochs, run.ModelName); files.Add("training.png"); }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or PlatformNotSupportedException)
        {
            warning = $"training.png not written: ScottPlot's native renderer could not load ({EmuApp.OneLine(e.InnerException?.Message ?? e.Message)}); training.svg has the same curves";
        }
        SaveCheckpoint(dir, run);
        using var outputs = new AtomicOutputs();
        outputs.Add(Path.Combine(dir, "metrics.json"), "--out", Metrics(run, files));
        outputs.Add(Path.Combine(dir, "training.svg"), "--out", Encoding.UTF8.GetBytes(Svg(run.Epochs, run.ModelName)));
        if (png is not null) outputs.Add(Path.Combine(dir, "training.png"), "--out", png);
        outputs.Commit();
        return (files, warning);
    }

    /// <summary>The checkpoint (<see cref="Checkpoint.Save"/>): the state dict with PyTorch names, the optimizer and
    /// schedule state, the position after the last epoch, the input normalisation, and the run's model, data source and seed.</summary>
    public static void SaveCheckpoint(string dir, TrainRun run)
    {
        var meta = new Dictionary<string, string>
        {
            ["model"] = run.ModelName,
            ["dataSource"] = run.Data.DataSource,
            ["seed"] = run.Options.Seed.ToString(Inv),
            ["testAccuracy"] = run.Epochs.Count > 0 ? run.Epochs[^1].TestAccuracy.ToString("R", Inv) : "",
        };
        Checkpoint.Save(dir, run.Model, new TrainingPosition(run.Epochs.Count, 0), run.Trainer.Optimizer, run.Trainer.Scheduler, run.Data.Mean, run.Data.Std, meta);
    }

    /// <summary>metrics.json: test accuracy (fraction 0..1), per-epoch loss/accuracy/time/throughput, data source, recipe, seed, threads.</summary>
    public static byte[] Metrics(TrainRun run, IReadOnlyList<string> files)
    {
        var o = run.Options;
        var last = run.Epochs.Count > 0 ? run.Epochs[^1] : null;
        var doc = new Dictionary<string, object?>
        {
            ["model"] = run.ModelName,
            ["parameters"] = run.Model.ParameterCount(),
            ["testAccuracy"] = Num(last?.TestAccuracy),
            ["testLoss"] = Num(last?.TestLoss),
            ["dataSource"] = run.Data.DataSource,
            ["dataset"] = run.Data.Name,
            ["trainImages"] = run.Data.Train.Count,
            ["testImages"] = run.Data.Test.Count,
            ["imageShape"] = run.Data.Train.SampleShape,
            ["classes"] = run.Data.Train.NumClasses,
            ["normalization"] = new Dictionary<string, object> { ["mean"] = run.Data.Mean, ["std"] = run.Data.Std },
            ["recipe"] = new Dictionary<string, object?>
            {
                ["epochs"] = o.Epochs,
                ["batchSize"] = o.BatchSize,
                ["optimizer"] = "sgd",
                ["learningRate"] = o.LearningRate,
                ["momentum"] = o.Momentum,
                ["weightDecay"] = o.WeightDecay,
                ["nesterov"] = o.Nesterov,
                ["schedule"] = o.Schedule.ToString().ToLowerInvariant(),
                ["labelSmoothing"] = o.LabelSmoothing,
                ["augmentation"] = o.Augment?.ToString() ?? "none",
                ["dropLast"] = o.DropLast,
                ["loss"] = "cross-entropy",
            },
            ["seed"] = o.Seed,
            ["threads"] = run.Threads,
            ["totalSeconds"] = run.TotalSeconds,
            ["epochs"] = run.Epochs.Select(e => new Dictionary<string, object?>
            {
                ["epoch"] = e.Epoch,
                ["trainLoss"] = Num(e.TrainLoss),
                ["trainAccuracy"] = Num(e.TrainAccuracy),
                ["testLoss"] = Num(e.TestLoss),
                ["testAccuracy"] = Num(e.TestAccuracy),
                ["seconds"] = e.Seconds,
                ["imagesPerSecond"] = Num(e.ImagesPerSecond),
                ["evalSeconds"] = e.EvalSeconds,
                ["learningRate"] = e.LearningRate,
            }).ToList(),
            ["files"] = files,
            ["environment"] = new Dictionary<string, object>
            {
                ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
                ["processors"] = Environment.ProcessorCount,
                ["vector512"] = Vector512.IsHardwareAccelerated,
                ["vector256"] = Vector256.IsHardwareAccelerated,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(doc, new JsonSerializerOptions { WriteIndented = true });
    }

    private static double? Num(double? v) => v is { } d && double.IsFinite(d) ? d : null;

    private static (double[] X, double[] TrainLoss, double[] TestLoss, double[] TrainAcc, double[] TestAcc) Curves(IReadOnlyList<EpochMetrics> epochs) =>
        (epochs.Select(e => (double)e.Epoch).ToArray(), epochs.Select(e => e.TrainLoss).ToArray(), epochs.Select(e => e.TestLoss).ToArray(),
         epochs.Select(e => 100 * e.TrainAccuracy).ToArray(), epochs.Select(e => 100 * e.TestAccuracy).ToArray());

    /// <summary>The loss and accuracy curves as SVG (our own code: never depends on a native library).</summary>
    public static string Svg(IReadOnlyList<EpochMetrics> epochs, string model)
    {
        var (x, trainLoss, testLoss, trainAcc, testAcc) = Curves(epochs);
        return SvgChart.Render(
        [
            new SvgPanel($"{model}: loss", "epoch", "cross-entropy", [new("train", x, trainLoss, "#1f77b4"), new("test", x, testLoss, "#ff7f0e")]),
            new SvgPanel($"{model}: accuracy", "epoch", "accuracy (%)", [new("train", x, trainAcc, "#1f77b4"), new("test", x, testAcc, "#ff7f0e")]),
        ]);
    }

    /// <summary>The same curves as a PNG drawn by ScottPlot (throws when its native renderer cannot load).</summary>
    public static byte[] Png(IReadOnlyList<EpochMetrics> epochs, string model)
    {
        var (x, trainLoss, testLoss, trainAcc, testAcc) = Curves(epochs);
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        void Line(double[] ys, string name, int color, bool right)
        {
            var s = plot.Add.Scatter(x, ys);
            s.LegendText = name;
            s.Color = palette.GetColor(color);
            s.LineWidth = 2;
            s.MarkerSize = 6;
            if (right) s.Axes.YAxis = plot.Axes.Right;
        }
        Line(trainLoss, "train loss", 0, false);
        Line(testLoss, "test loss", 1, false);
        Line(trainAcc, "train accuracy (%)", 2, true);
        Line(testAcc, "test accuracy (%)", 3, true);
        plot.Title($"{model}: loss and accuracy");
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy");
        plot.Axes.Right.Label.Text = "accuracy (%)";
        plot.ShowLegend();
        return plot.GetImageBytes(1000, 600, ScottPlot.ImageFormat.Png);
    }
}
