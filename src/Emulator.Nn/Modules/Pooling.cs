namespace Emulator.Nn.Modules;

/// <summary>2-D max pooling (<c>nn.MaxPool2d</c>); see <see cref="Functional.MaxPool2d"/>.</summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step (the kernel size unless given).</summary>
    public Size2 Stride { get; }

    /// <summary>−∞ padding on both sides.</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing of the window's taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Ceiling in the output size.</summary>
    public bool CeilMode { get; }

    /// <summary>A max-pooling layer.</summary>
    public MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    {
        KernelSize = kernelSize.AtLeast(1, nameof(MaxPool2d), nameof(kernelSize));
        Stride = (stride ?? kernelSize).AtLeast(1, nameof(MaxPool2d), nameof(stride));
        Padding = (padding ?? 0).AtLeast(0, nameof(MaxPool2d), nameof(padding));
        Dilation = (dilation ?? 1).AtLeast(1, nameof(MaxPool2d), nameof(dilation));
        CeilMode = ceilMode;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}

/// <summary>2-D average pooling (<c>nn.AvgPool2d</c>); see <see cref="Functional.AvgPool2d"/>.</summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step (the kernel size unless given).</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on both sides.</summary>
    public Size2 Padding { get; }

    /// <summary>Ceiling in the output size.</summary>
    public bool CeilMode { get; }

    /// <summary>Count padding in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>A fixed divisor, or null.</summary>
    public int? DivisorOverride { get; }

    /// <summary>An average-pooling layer.</summary>
    public AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false, bool countIncludePad = true,
        int? divisorOverride = null)
    {
        KernelSize = kernelSize.AtLeast(1, nameof(AvgPool2d), nameof(kernelSize));
        Stride = (stride ?? kernelSize).AtLeast(1, nameof(AvgPool2d), nameof(stride));
        Padding = (padding ?? 0).AtLeast(0, nameof(AvgPool2d), nameof(padding));
        if (divisorOverride == 0) throw new ArgumentOutOfRangeException(nameof(divisorOverride), 0, "AvgPool2d: divisor_override must be non-zero");
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
        DivisorOverride = divisorOverride;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
}

/// <summary>2-D adaptive average pooling to a fixed output size (<c>nn.AdaptiveAvgPool2d</c>); see
/// <see cref="Functional.AdaptiveAvgPool2d"/>.</summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>The output plane (OH, OW).</summary>
    public Size2 OutputSize { get; }

    /// <summary>An adaptive average-pooling layer.</summary>
    public AdaptiveAvgPool2d(Size2 outputSize) => OutputSize = outputSize.AtLeast(1, nameof(AdaptiveAvgPool2d), nameof(outputSize));

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize);
}
