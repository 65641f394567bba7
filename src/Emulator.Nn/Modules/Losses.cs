namespace Emulator.Nn.Modules;

/// <summary>
/// Cross-entropy from logits and class indices (<c>nn.CrossEntropyLoss</c>): the options of
/// <see cref="Functional.CrossEntropy"/> held in an object. Not a <see cref="Module"/> (it takes two inputs).
/// </summary>
public sealed class CrossEntropyLoss
{
    /// <summary>A loss with PyTorch's defaults (mean, ignore_index −100, no label smoothing).</summary>
    public CrossEntropyLoss(LossReduction reduction = LossReduction.Mean, float labelSmoothing = 0f, int ignoreIndex = -100)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: label_smoothing must be in 0..1");
        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Mean, Sum or None.</summary>
    public LossReduction Reduction { get; }

    /// <summary>ε of the smoothed target (1 − ε)·onehot + ε/C.</summary>
    public float LabelSmoothing { get; }

    /// <summary>Targets with this value contribute nothing.</summary>
    public int IgnoreIndex { get; }

    /// <summary>The loss of logits [N, C] (or [N, C, d...], or [C]) against class indices.</summary>
    public Tensor Forward(Tensor input, ReadOnlySpan<int> target) =>
        Functional.CrossEntropy(input, target, Reduction, LabelSmoothing, IgnoreIndex);
}

/// <summary>Squared error (<c>nn.MSELoss</c>). Not a <see cref="Module"/> (it takes two inputs).</summary>
public sealed class MSELoss(LossReduction reduction = LossReduction.Mean)
{
    /// <summary>Mean, Sum or None.</summary>
    public LossReduction Reduction { get; } = reduction;

    /// <summary>The loss of input against target (equal shapes).</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}
