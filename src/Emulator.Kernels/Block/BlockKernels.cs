using Emulator.Formats;
using Emulator.Kernels.Float;
using Emulator.Kernels.Table;

namespace Emulator.Kernels;

/// <summary>
/// Block-format kernels bit-identical to <see cref="BlockFormat.Quantize(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, in RoundingOptions, long)"/>
/// and <see cref="BlockFormat.Encode(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{uint}, Span{uint}, in RoundingOptions, long)"/>
/// for 1xB blocks along the last axis and R x C tiles over the last two axes, with float, integer / fixed-point or table
/// (NF4, AF4, codebooks of float32 values) elements and any scale (power-of-two rules with a float or exponent scale: MX,
/// BFP; amax-over-max with a tensor scale: NVFP4 1-D and 2-D, blockwise NF4). One pass per block: amax in registers, the scale as the reference computes it, then scale, element rounding
/// (any mode; stochastic words keyed by the global element index) and the scale multiplied back in registers. Threads take
/// deterministic runs of whole blocks, so results never depend on <see cref="KernelOptions.Threads"/>.
/// </summary>
public static class BlockKernels
{
    /// <summary>Whether <paramref name="format"/> runs the vectorized block kernel (otherwise the reference runs).</summary>
    public static bool IsVectorized(BlockFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.BlockSize > BlockDriver.Tile) return false;
        return format.Element switch
        {
            // Scaled values below float32's normal range round the same as the exact ones while the element's step is coarse.
            FloatFormat fe => FloatPlan.Supports(fe) && fe.MinSubnormal >= Math.ScaleB(1.0, -64),
            IntegerFormat ie => ie.FractionBits <= 64,
            // The table kernel returns (float)v: the multiply-back equals the reference's fl32(v * s) when every value is a float32.
            TableFormat te => TableData.For(te).ValuesAreFloat32 && te.MinSubnormal >= Math.ScaleB(1.0, -64),
            _ => false,
        };
    }

    /// <summary>Fake-quantizes a row-major tensor of <paramref name="shape"/> (in place allowed), as
    /// <see cref="BlockFormat.Quantize(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, in RoundingOptions, long)"/>
    /// with index offset <see cref="KernelOptions.IndexOffset"/>. Returns the tensor scale used.</summary>
    public static unsafe TensorScale Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, BlockFormat format,
        in RoundingOptions rounding = default, in KernelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        options.Validate();
        if (!IsVectorized(format)) return format.Quantize(x, shape, y, rounding, options.IndexOffset);
        BlockLayout layout = format.Layout(shape);
        if (x.Length != layout.ElementCount)
            throw new ArgumentException($"x has length {x.Length}; the shape [{string.Join(", ", layout.Shape)}] has {layout.ElementCount} elements", nameof(x));
        if (y.Length < x.Length) throw new ArgumentException($"y has length {y.Length}; it must be at least {x.Length}", nameof(y));
        if (x.Overlaps(y, out int offset) && offset != 0)
            throw new ArgumentException($"y overlaps x shifted by {offset} elements; in-place operation needs y to start where x starts", nameof(y));
        TensorScale ts = format.HasTensorScale ? format.TensorScaleFor(TensorAmax.Of(x, options.MaxLanes, options.Threads)) : TensorScale.None;
        if (x.IsEmpty) return ts;
        var call = new BlockCall(format, layout, ts, rounding, options.IndexOffset, options.MaxLanes);
        fixed (float* px = x)
        fixed (float* py = y)
            BlockDriver.Run(call, px, (uint*)py, null, codes: false, options.Threads);
        return ts;
    }

    /// <summary>Encodes a row-major tensor as <see cref="BlockFormat.Encode(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{uint}, Span{uint}, in RoundingOptions, long)"/>:
    /// element codes in tensor order, one scale code per block. Returns the tensor scale used.</summary>
    public static unsafe TensorScale Encode(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> elementCodes, Span<uint> scaleCodes,
        BlockFormat format, in RoundingOptions rounding = default, in KernelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        options.Validate();
        if (!IsVectorized(format)) return format.Encode(x, shape, elementCodes, scaleCodes, rounding, options.IndexOffset);
        BlockLayout layout = format.Layout(shape);
        if (x.Length != layout.ElementCount)
            throw new ArgumentException($"x has length {x.Length}; the shape [{string.Join(", ", layout.Shape)}] has {layout.ElementCount} elements", nameof(x));
        if (elementCodes.Length < x.Length)
            throw new ArgumentException($"elementCodes has length {elementCodes.Length}; it must be at least {x.Length}", nameof(elementCodes));
        if (scaleCodes.Length < layout.BlockCount)
            throw new ArgumentException($"scaleCodes has length {scaleCodes.Length}; the tensor has {layout.BlockCount} blocks", nameof(scaleCodes));
        TensorScale ts = format.HasTensorScale ? format.TensorScaleFor(TensorAmax.Of(x, options.MaxLanes, options.Threads)) : TensorScale.None;
        if (x.IsEmpty) return ts;
        var call = new BlockCall(format, layout, ts, rounding, options.IndexOffset, options.MaxLanes);
        fixed (float* px = x)
        fixed (uint* pc = elementCodes)
        fixed (uint* ps = scaleCodes)
            BlockDriver.Run(call, px, pc, ps, codes: true, options.Threads);
        return ts;
    }
}
