using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Emulator.Formats;
using Emulator.Kernels.Float;
using Emulator.Kernels.Simd;
using Emulator.Kernels.Table;

namespace Emulator.Kernels;

/// <summary>
/// Block-format kernels bit-identical to <see cref="BlockFormat.Quantize(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, in RoundingOptions, long)"/>
/// and <see cref="BlockFormat.Encode(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{uint}, Span{uint}, in RoundingOptions, long)"/>
/// for 1xB blocks along the last axis with a float element format and a float scale format (MX with a NaN-capable
/// power-of-two scale such as E8M0, NVFP4 with its tensor scale). Per tile of blocks: vector amax and NaN/Inf detection per
/// block, the block scale as the reference computes it, x scaled in float32, the vectorized float element kernel (any
/// rounding mode; stochastic words keyed by the global element index), then the scale multiplied back. Any other block
/// format (2-D tiles, integer elements, exponent scales) runs the reference.
/// </summary>
public static class BlockKernels
{
    private const int Tile = 4096;

    /// <summary>Whether <paramref name="format"/> runs the vectorized block kernel (otherwise the reference runs).</summary>
    public static bool IsVectorized(BlockFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.BlockRows != 1 || format.BlockCols > Tile || format.ScaleIsExponent) return false;
        if (format.Element is TableFormat te)
        {
            // The table kernel returns (float)v: the multiply-back equals the reference's only for float32 values; the clamp
            // to ±max of the power-of-two path is the table's own end clamp only when no value lies below -max.
            if (!TableData.For(te).ValuesAreFloat32 || te.MinSubnormal < Math.ScaleB(1.0, -64)) return false;
            if (format.Rule.IsPowerOfTwo() && te.MinFinite < -te.MaxFinite) return false;
        }
        else if (format.Element is not FloatFormat fe || !FloatPlan.Supports(fe) || fe.MinSubnormal < Math.ScaleB(1.0, -64)) return false;
        if (format.Rule.IsPowerOfTwo())
        {
            var (min, max) = format.ScaleExponentRange;
            return format.Scale.HasNaN && min >= -127 && max <= 127;
        }
        return true;
    }

    /// <summary>Fake-quantizes a row-major tensor of <paramref name="shape"/> (blocks along the last axis; in place allowed),
    /// as <see cref="BlockFormat.Quantize(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, in RoundingOptions, long)"/>
    /// with index offset <see cref="KernelOptions.IndexOffset"/>. Returns the tensor scale used.</summary>
    public static TensorScale Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, BlockFormat format,
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
        TensorScale ts = format.HasTensorScale ? format.TensorScaleFor(Amax(x, options.MaxLanes)) : TensorScale.None;
        Run(x, shape, y, default, default, format, ts, rounding, options);
        return ts;
    }

    /// <summary>Encodes a row-major tensor as <see cref="BlockFormat.Encode(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{uint}, Span{uint}, in RoundingOptions, long)"/>:
    /// element codes in tensor order, one scale code per block. Returns the tensor scale used.</summary>
    public static TensorScale Encode(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> elementCodes, Span<uint> scaleCodes,
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
        TensorScale ts = format.HasTensorScale ? format.TensorScaleFor(Amax(x, options.MaxLanes)) : TensorScale.None;
        Run(x, shape, default, elementCodes, scaleCodes, format, ts, rounding, options);
        return ts;
    }

    /// <summary>The largest magnitude of <paramref name="x"/>, NaN if any element is NaN (as <see cref="BlockFormat.Amax"/>).</summary>
    internal static float Amax(ReadOnlySpan<float> x, int maxLanes)
    {
        var s = BlockStats.Of(x, maxLanes);
        return s.HasNaN ? float.NaN : s.HasInf ? float.PositiveInfinity : s.FiniteAmax;
    }

    // Per block of a tile: the float32 factor applied before the element rounding, the float32 factors applied after it, the
    // scale code, and whether the block's outputs are the NaN block's (or come from the reference).
    private enum BlockKind : byte { Vector, NaN, Reference }

    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, Span<uint> elementCodes, Span<uint> scaleCodes,
        BlockFormat format, TensorScale ts, in RoundingOptions rounding, in KernelOptions options)
    {
        bool encode = y.IsEmpty && x.Length > 0;
        int length = shape[^1];
        int bcols = format.BlockCols;
        int chunks = length == 0 ? 0 : (length + bcols - 1) / bcols;
        long rows = length == 0 ? 0 : x.Length / length;
        long blockCount = rows * chunks;
        if (blockCount == 0) return;
        int lanes = options.MaxLanes;
        var elementOptions = rounding with { Overflow = OverflowPolicy.Saturate };
        var element = (ScalarFormat)format.Element;
        var table = element as TableFormat;
        var elementPlan = table is null ? new FloatPlan((FloatFormat)element, elementOptions) : default;
        uint elementZero = element.Encode(0.0, default, 0u);
        var scaleRounding = new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate);
        bool pow2 = format.Rule.IsPowerOfTwo();
        var scales = new ScaleTables(format, scaleRounding);
        bool fuseFloor = format.Rule == ScaleRule.Floor && lanes >= 16 && Vector512.IsHardwareAccelerated;
        float elementMax = (float)element.MaxFinite, inverseElementMax = 1f / elementMax, scaleMax = (float)format.Scale.MaxFinite;

        float[] t = ArrayPool<float>.Shared.Rent(Tile);
        float[] amaxes = ArrayPool<float>.Shared.Rent(Tile);
        float[] post = ArrayPool<float>.Shared.Rent(Tile);
        uint[] blockScaleCodes = ArrayPool<uint>.Shared.Rent(Tile);
        int[] sizes = ArrayPool<int>.Shared.Rent(Tile);
        BlockKind[] kinds = ArrayPool<BlockKind>.Shared.Rent(Tile);
        bool[] fused = ArrayPool<bool>.Shared.Rent(Tile);
        int[] scratchIdx = ArrayPool<int>.Shared.Rent(bcols);
        uint[] scratchCodes = ArrayPool<uint>.Shared.Rent(bcols);
        float[] scratchY = ArrayPool<float>.Shared.Rent(bcols);
        try
        {
            int tileStart = 0, chunk = 0;
            long b = 0;
            while (b < blockCount)
            {
                // Pass 1: the blocks that fit the tile (they follow each other in flat order): amax with NaN / Inf.
                long tileFirstBlock = b;
                int tileLen = 0, tileBlocks = 0;
                for (; b < blockCount; b++)
                {
                    int n = Math.Min(bcols, length - chunk * bcols);
                    if (tileLen + n > Tile) break;
                    fused[tileBlocks] = false;
                    if (fuseFloor && (n & 15) == 0
                        && BlockVectors.FloorBlock512(x.Slice(tileStart + tileLen, n), t.AsSpan(tileLen, n), scales, elementMax, out int fk, out bool flushed))
                    {
                        // Floor rule, Vector512: amax, exponent and scaled x in one step.
                        fused[tileBlocks] = true;
                        kinds[tileBlocks] = flushed ? BlockKind.Reference : BlockKind.Vector;
                        post[tileBlocks] = scales.Multiplier(fk);
                        if (encode) scaleCodes[(int)b] = scales.ExponentCode(fk);
                    }
                    else
                    {
                        var stats = BlockStats.Of(x.Slice(tileStart + tileLen, n), lanes);
                        amaxes[tileBlocks] = stats.HasNaN ? float.NaN : stats.HasInf ? float.PositiveInfinity : stats.FiniteAmax;
                    }
                    sizes[tileBlocks++] = n;
                    tileLen += n;
                    if (++chunk == chunks) chunk = 0;
                }

                // Pass 2: block scales and x scaled to the element range.
                if (!pow2)
                {
                    for (int j = 0; j < tileBlocks; j++)
                    {
                        float d = amaxes[j] * (ts.Encode * inverseElementMax);
                        post[j] = Math.Clamp(MathF.Min(d, float.MaxValue), -scaleMax, scaleMax);
                    }
                    scales.EncodeScales(post.AsSpan(0, tileBlocks), blockScaleCodes.AsSpan(0, tileBlocks), lanes);
                }
                for (int j = 0, pos = 0; j < tileBlocks; pos += sizes[j], j++)
                {
                    int n = sizes[j];
                    if (fused[j])
                    {
                        if (kinds[j] != BlockKind.Vector) t.AsSpan(pos, n).Clear();
                        continue;
                    }
                    float amax = amaxes[j];
                    BlockKind kind = BlockKind.Vector;
                    uint scaleCode;
                    float factor = 0f, post1 = float.NaN;
                    if (pow2)
                    {
                        if (!float.IsFinite(amax))
                        {
                            kind = BlockKind.NaN;
                            scaleCode = scales.NaNCode;
                        }
                        else
                        {
                            int k = scales.Exponent(amax);
                            scaleCode = scales.ExponentCode(k);
                            factor = scales.Factor(k);
                            post1 = scales.Multiplier(k);
                        }
                    }
                    else
                    {
                        scaleCode = blockScaleCodes[j];
                        double sv = scales.Decode(scaleCode);
                        if (double.IsNaN(sv)) kind = BlockKind.NaN;
                        else
                        {
                            float product = (float)sv * ts.Decode;
                            factor = product == 0f ? float.MaxValue : MathF.Min(1f / product, float.MaxValue);
                            post1 = (float)sv;
                            // NaN elements with a finite scale, or a NaN factor (NaN tensor scale): the reference's block routine.
                            if (float.IsNaN(amax) || float.IsNaN(factor)) kind = BlockKind.Reference;
                        }
                    }
                    Span<float> tb = t.AsSpan(pos, n);
                    if (kind == BlockKind.Vector)
                    {
                        ReadOnlySpan<float> xb = x.Slice(tileStart + pos, n);
                        bool flushed = pow2 ? BlockVectors.ScalePow2(xb, tb, factor, elementMax, lanes)
                            : BlockVectors.ScaleClamp(xb, tb, factor, elementMax, lanes);
                        if (flushed) kind = BlockKind.Reference;
                    }
                    if (kind != BlockKind.Vector) tb.Clear();
                    if (encode) scaleCodes[(int)(tileFirstBlock + j)] = scaleCode;
                    kinds[j] = kind;
                    post[j] = post1;
                }

                // Pass 3: the element rounding of the whole tile (global indices for stochastic words).
                var ko = new KernelOptions { IndexOffset = options.IndexOffset + tileStart, MaxLanes = lanes };
                Span<float> tt = t.AsSpan(0, tileLen);
                var src = MemoryMarshal.Cast<float, uint>(tt);
                if (table is not null)
                {
                    if (encode) TableDispatch.Encode<uint, Io32>(src, elementCodes.Slice(tileStart, tileLen), table, elementOptions, ko);
                    else TableDispatch.Quantize(src, src, table, elementOptions, ko);
                }
                else if (encode)
                    RuleDispatch.Run<FloatEncodeOp, FloatPlan, uint, Io32, uint, Io32>(elementOptions.Mode, src, elementCodes.Slice(tileStart, tileLen), elementPlan, elementOptions, ko);
                else
                    RuleDispatch.Run<FloatQuantizeOp, FloatPlan, uint, Io32, uint, Io32>(elementOptions.Mode, src, src, elementPlan, elementOptions, ko);

                // Pass 4: scales multiplied back; NaN blocks; blocks left to the reference.
                for (int j = 0, pos = 0; j < tileBlocks; pos += sizes[j], j++)
                {
                    int n = sizes[j];
                    int start = tileStart + pos;
                    switch (kinds[j])
                    {
                        case BlockKind.Vector:
                            if (!encode) BlockVectors.MultiplyBack(tt.Slice(pos, n), y.Slice(start, n), post[j], ts.Decode, pow2, lanes);
                            break;
                        case BlockKind.NaN:
                            if (encode) elementCodes.Slice(start, n).Fill(elementZero);
                            else y.Slice(start, n).Fill(float.NaN);
                            break;
                        default:
                            Reference(format, x.Slice(start, n), start, encode ? elementCodes.Slice(start, n) : default,
                                encode ? default : y.Slice(start, n), ts, rounding, options.IndexOffset, scratchIdx, scratchCodes, scratchY);
                            break;
                    }
                }
                tileStart += tileLen;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(t);
            ArrayPool<float>.Shared.Return(amaxes);
            ArrayPool<float>.Shared.Return(post);
            ArrayPool<uint>.Shared.Return(blockScaleCodes);
            ArrayPool<int>.Shared.Return(sizes);
            ArrayPool<BlockKind>.Shared.Return(kinds);
            ArrayPool<bool>.Shared.Return(fused);
            ArrayPool<int>.Shared.Return(scratchIdx);
            ArrayPool<uint>.Shared.Return(scratchCodes);
            ArrayPool<float>.Shared.Return(scratchY);
        }
    }

    // A block whose float32 scaling is not exact enough (a nonzero element scaled to zero): the reference's block routine.
    private static void Reference(BlockFormat format, ReadOnlySpan<float> xb, int start, Span<uint> codesOut, Span<float> yOut,
        TensorScale ts, in RoundingOptions rounding, long indexOffset, int[] idx, uint[] codes, float[] ys)
    {
        int n = xb.Length;
        for (int j = 0; j < n; j++) idx[j] = start + j;
        uint scaleCode = format.EncodeBlock(xb, idx.AsSpan(0, n), codes, ts, rounding, indexOffset);
        if (!codesOut.IsEmpty) { codes.AsSpan(0, n).CopyTo(codesOut); return; }
        format.DecodeBlock(codes.AsSpan(0, n), scaleCode, ys, ts.Decode);
        for (int j = 0; j < n; j++) yOut[j] = float.IsNaN(xb[j]) ? float.NaN : ys[j];
    }
}
