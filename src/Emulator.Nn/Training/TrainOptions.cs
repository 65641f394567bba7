using System.Globalization;
using Emulator.Nn.Data;

namespace Emulator.Nn.Training;

/// <summary>Learning-rate schedules the trainer knows.</summary>
public enum LrSchedule
{
    /// <summary>The base rate throughout.</summary>
    Constant,
    /// <summary>Cosine annealing from the base rate to 0 over all steps of the run (stepped per batch).</summary>
    Cosine,
}

/// <summary>
/// A training recipe: epochs, batch size, SGD hyperparameters, schedule, label smoothing, augmentation and seed. The
/// defaults are issue 14's Fashion-MNIST recipe: 5 epochs, batch 128, SGD momentum 0.9, lr 0.05 with cosine decay
/// over all steps, weight decay 5e-4.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>Passes over the training set, 1..100000.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Images per step, 1..65536.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Images per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 1000;

    /// <summary>The base learning rate (&gt; 0).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>SGD momentum in [0, 1).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 weight decay (coupled, as PyTorch's SGD), &gt;= 0.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    public LrSchedule Schedule { get; init; } = LrSchedule.Cosine;

    /// <summary>Label smoothing of the cross-entropy, in [0, 1).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Seeded training augmentation (null: none).</summary>
    public Augmentation? Augment { get; init; }

    /// <summary>Drop the last, smaller batch of an epoch.</summary>
    public bool DropLast { get; init; }

    /// <summary>The seed of the initialisation, the data order and the augmentation.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks every field; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one, its value and the valid range.</summary>
    public TrainOptions Validated()
    {
        if (Epochs is < 1 or > 100000) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be in 1..100000");
        if (BatchSize is < 1 or > 65536) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be in 1..65536");
        if (EvalBatchSize is < 1 or > 65536) throw new ArgumentOutOfRangeException(nameof(EvalBatchSize), EvalBatchSize, "evaluation batch size must be in 1..65536");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be positive and finite");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "momentum must be in [0, 1)");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be >= 0 and finite");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "label smoothing must be in [0, 1)");
        if (Nesterov && Momentum == 0) throw new ArgumentOutOfRangeException(nameof(Nesterov), Nesterov, "Nesterov momentum needs momentum > 0");
        return this;
    }

    /// <summary>One line for reports.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Epochs} epochs, batch {BatchSize}, SGD lr {LearningRate:G6} ({Schedule.ToString().ToLowerInvariant()}), momentum {Momentum:G6}{(Nesterov ? " (Nesterov)" : "")}, weight decay {WeightDecay:G6}" +
        $"{(LabelSmoothing > 0 ? $", label smoothing {LabelSmoothing:G6}" : "")}{(Augment is { IsIdentity: false } a ? $", augmentation {a}" : "")}, seed {Seed}");
}
