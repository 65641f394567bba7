using System.Diagnostics;
using Emulator.Nn.Autograd;
using Emulator.Nn.Data;
using Emulator.Nn.Modules;
using Emulator.Nn.Optim;

namespace Emulator.Nn.Training;

/// <summary>The measurements of one epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches (as computed during training).</param>
/// <param name="TrainAccuracy">Fraction of training images classified correctly during the epoch, 0..1.</param>
/// <param name="TestLoss">Mean cross-entropy on the test split after the epoch (eval mode).</param>
/// <param name="TestAccuracy">Fraction of test images classified correctly after the epoch, 0..1.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (evaluation excluded).</param>
/// <param name="ImagesPerSecond">Training images per second of the epoch.</param>
/// <param name="EvalSeconds">Wall time of the evaluation after the epoch.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double Seconds, double ImagesPerSecond, double EvalSeconds, double LearningRate);

/// <summary>Progress within an epoch, reported after every step.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps in the epoch.</param>
/// <param name="Loss">Mean training loss so far in the epoch.</param>
/// <param name="Accuracy">Training accuracy so far in the epoch, 0..1.</param>
/// <param name="ImagesPerSecond">Training images per second so far in the epoch.</param>
public readonly record struct StepProgress(int Epoch, int Step, int StepsPerEpoch, double Loss, double Accuracy, double ImagesPerSecond);

/// <summary>
/// Supervised training of a classifier: per step a <see cref="DisposeScope"/>, forward (<see cref="Module.Call"/>, so
/// hooks run), cross-entropy, backward, an <see cref="Sgd"/> step, then the schedule's step (<see cref="CosineAnnealingLR"/>
/// over all steps, stepped per batch as in PyTorch); after each epoch an evaluation in eval mode under
/// <see cref="GradMode.NoGrad"/>. Gradients are zeroed in place (no allocation per step). The data order and
/// augmentation are keyed by (seed, epoch), so a run is reproducible bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly Module _model;

    /// <summary>A trainer of <paramref name="model"/> with a recipe (validated).</summary>
    public Trainer(Module model, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        Options = options.Validated();
        Optimizer = new Sgd(model.Parameters(), options.LearningRate, options.Momentum, weightDecay: options.WeightDecay, nesterov: options.Nesterov);
    }

    /// <summary>The optimizer (its state is saved with checkpoints).</summary>
    public Sgd Optimizer { get; }

    /// <summary>The learning-rate schedule once the run's length is known (<see cref="Fit"/> or <see cref="PlanSteps"/>); null for a constant rate.</summary>
    public LrScheduler? Scheduler { get; private set; }

    /// <summary>The recipe.</summary>
    public TrainOptions Options { get; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Called after every training step.</summary>
    public Action<StepProgress>? OnStep { get; set; }

    /// <summary>Called after every epoch with its metrics.</summary>
    public Action<EpochMetrics>? OnEpoch { get; set; }

    /// <summary>Trains for <see cref="TrainOptions.Epochs"/> epochs, evaluating on <paramref name="test"/> after each.</summary>
    /// <exception cref="ArgumentException">The data sets are empty or their images differ in shape.</exception>
    public IReadOnlyList<EpochMetrics> Fit(Dataset train, Dataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Count == 0) throw new ArgumentException("the training set is empty", nameof(train));
        if (!train.SampleShape.AsSpan().SequenceEqual(test.SampleShape))
            throw new ArgumentException($"training images are {string.Join("x", train.SampleShape)}, test images {string.Join("x", test.SampleShape)}", nameof(test));
        int steps = train.BatchCount(Options.BatchSize, Options.DropLast);
        if (steps == 0) throw new ArgumentException($"the training set has {train.Count} images, fewer than one batch of {Options.BatchSize} with drop-last", nameof(train));
        PlanSteps((long)steps * Options.Epochs);
        var history = new List<EpochMetrics>();
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            var m = TrainEpoch(train, epoch, steps);
            var eval = Stopwatch.StartNew();
            var (testLoss, testAccuracy) = Evaluate(_model, test, Options.EvalBatchSize);
            var metrics = m with { TestLoss = testLoss, TestAccuracy = testAccuracy, EvalSeconds = eval.Elapsed.TotalSeconds };
            history.Add(metrics);
            OnEpoch?.Invoke(metrics);
        }
        return history;
    }

    private EpochMetrics TrainEpoch(Dataset train, int epoch, int steps)
    {
        _model.Train();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int step = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in train.Batches(Options.BatchSize, Options.Seed, epoch, Options.DropLast, shuffle: true, Options.Augment))
        {
            var (loss, right) = TrainStep(batch.X, batch.Y);
            lossSum += loss * batch.Count;
            correct += right;
            seen += batch.Count;
            step++;
            OnStep?.Invoke(new StepProgress(epoch + 1, step, steps, lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new EpochMetrics(epoch + 1, lossSum / seen, (double)correct / seen, double.NaN, double.NaN, seconds, seen / seconds, 0, _lastLr);
    }

    private double _lastLr;

    /// <summary>
    /// One optimizer step on a batch (inside its own <see cref="DisposeScope"/>): forward, cross-entropy, backward, SGD at
    /// the scheduled learning rate. Returns the batch's mean loss and how many images the forward pass classified correctly.
    /// </summary>
    public (float Loss, int Correct) TrainStep(Tensor x, int[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (Options.Schedule == LrSchedule.Cosine && Scheduler is null)
            throw new InvalidOperationException("TrainStep: the cosine schedule needs the run's length: call PlanSteps(totalSteps) first (Fit does)");
        using var scope = DisposeScope.Begin();
        var logits = _model.Call(x);
        var loss = Functional.CrossEntropy(logits, y, labelSmoothing: (float)Options.LabelSmoothing);
        Optimizer.ZeroGrad(setToNone: false);
        loss.Backward();
        _lastLr = Optimizer.LearningRate;
        Optimizer.Step();
        Scheduler?.Step();
        Steps++;
        return (loss.Item(), CountCorrect(logits, y));
    }

    /// <summary>Creates the schedule over <paramref name="totalSteps"/> steps (<see cref="Fit"/> does it for its epochs;
    /// call it before using <see cref="TrainStep"/> directly).</summary>
    public void PlanSteps(long totalSteps)
    {
        if (totalSteps is < 1 or > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"total steps must be in 1..{int.MaxValue}");
        if (Options.Schedule == LrSchedule.Cosine && Scheduler is null) Scheduler = new CosineAnnealingLR(Optimizer, (int)totalSteps);
    }

    /// <summary>Mean cross-entropy and accuracy (0..1) of a model on a data set, in eval mode without gradient recording
    /// (the model's training mode is restored afterwards).</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) return (double.NaN, double.NaN);
        bool wasTraining = model.Training;
        model.Eval();
        double lossSum = 0;
        long correct = 0;
        try
        {
            using var noGrad = GradMode.NoGrad();
            foreach (var (x, y) in data.Batches(batchSize, shuffle: false))
            {
                using var scope = DisposeScope.Begin();
                var logits = model.Call(x);
                lossSum += (double)Functional.CrossEntropy(logits, y).Item() * y.Length;
                correct += CountCorrect(logits, y);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>How many rows of logits [B, K] have their (first) maximum at the label.</summary>
    public static int CountCorrect(Tensor logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        int b = labels.Length, k = logits.Numel / Math.Max(b, 1), correct = 0;
        ReadOnlySpan<float> d = logits.Data;
        for (int r = 0; r < b; r++)
        {
            var row = d.Slice(r * k, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            if (best == labels[r]) correct++;
        }
        return correct;
    }
}
