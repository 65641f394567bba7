using System.Numerics.Tensors;
using Emulator.Formats;
using Emulator.Kernels;

namespace Emulator.Quantization;

/// <summary>
/// A scalar format behind a scale s (and, for integers, a zero point z): the values a quantizer can produce are
/// s · Q(x / s) for floats, posits, tables and HiFloat8 (x / s rounded to float32 once, Q the format's own rounding, the
/// product rounded to float32), and (clamp(round(x / s) + z) − z) · s for integers with x / s exact
/// (<see cref="AffineQuantizer"/>). Every path is the vectorized kernel, bit-identical to the Formats reference.
/// </summary>
internal sealed class ScalarGrid(ScalarFormat format)
{
    public ScalarFormat Format { get; } = format;

    public IntegerFormat? Integer { get; } = format as IntegerFormat is { FractionBits: 0 } i ? i : null;

    /// <summary>The largest positive grid value at scale 1 (Qp of LSQ).</summary>
    public double Qp => Integer is { } i ? i.MaxInt : Format.MaxFinite;

    /// <summary>The magnitude of the most negative grid value at scale 1 (Qn of LSQ; 0 for unsigned).</summary>
    public double Qn => Integer is { } i ? -i.MinInt : -Format.MinFinite;

    /// <summary>y = fake-quantized x for one scale s and zero point z (integers) over the whole span.</summary>
    public void Quantize(ReadOnlySpan<float> x, float scale, long zeroPoint, Span<float> y, in RoundingOptions rounding, long indexOffset)
    {
        if (Integer is { } i)
        {
            var q = AffineQuantizer.PerTensor(i, scale, zeroPoint);
            AffineKernels.Quantize(x, [x.Length], y, q, rounding, new KernelOptions { IndexOffset = indexOffset });
            return;
        }
        TensorPrimitives.Divide(x, scale, y);
        QuantizeKernels.Quantize(y, y, Format, rounding, new KernelOptions { IndexOffset = indexOffset });
        TensorPrimitives.Multiply(y, scale, y);
    }
}
