using System.Numerics;
using System.Runtime.InteropServices;
using Emulator.Formats;
using Emulator.Kernels.Float;
using Emulator.Kernels.HiFloat;
using Emulator.Kernels.Integer;
using Emulator.Kernels.Posit;
using Emulator.Kernels.Simd;
using Emulator.Kernels.Table;

namespace Emulator.Kernels;

/// <summary>
/// Span kernels bit-identical to the scalar <see cref="ScalarFormat"/> reference: quantize (fake-quantize float32 to the
/// format and back), encode to codes, decode codes. Vectorized for <see cref="FloatFormat"/> (every special-code policy,
/// values within float32), <see cref="IntegerFormat"/> (integers and fixed point), <see cref="PositFormat"/> (every n &lt;= 32),
/// <see cref="TableFormat"/> (NF4, AF4, codebooks) and <see cref="HiFloat8Format"/>; any other scalar format runs the
/// scalar reference element by element, with the same element indices. Allocation-free on one thread.
/// </summary>
public static class QuantizeKernels
{
    /// <summary>Whether <paramref name="format"/> has a vectorized kernel (otherwise the scalar reference runs).</summary>
    public static bool IsVectorized(ScalarFormat format) => format switch
    {
        FloatFormat f => FloatPlan.Supports(f),
        IntegerFormat => true,
        PositFormat p => PositPlan.Supports(p),
        TableFormat => true,
        HiFloat8Format => true,
        _ => false,
    };

    /// <summary>
    /// y[i] = format.Quantize(x[i], rounding, options.IndexOffset + i) for every i (in place allowed: y may be x).
    /// </summary>
    public static void Quantize(ReadOnlySpan<float> x, Span<float> y, ScalarFormat format, in RoundingOptions rounding = default, in KernelOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        CheckLengths(x.Length, y.Length, nameof(y));
        CheckOverlap(x, y);
        options.Validate();
        var src = MemoryMarshal.Cast<float, uint>(x);
        var dst = MemoryMarshal.Cast<float, uint>(y[..x.Length]);
        switch (format)
        {
            case FloatFormat f when FloatPlan.Supports(f):
                RuleDispatch.Run<FloatQuantizeOp, FloatPlan, uint, Io32, uint, Io32>(src, dst, PlanFor(f, rounding), rounding, options);
                break;
            case IntegerFormat i:
                RuleDispatch.Run<IntegerQuantizeOp, IntegerPlan, uint, Io32, uint, Io32>(src, dst, new IntegerPlan(i, rounding), rounding, options);
                break;
            case PositFormat p when PositPlan.Supports(p):
                RuleDispatch.Run<PositQuantizeOp, PositPlan, uint, Io32, uint, Io32>(src, dst, new PositPlan(p, rounding), rounding, options);
                break;
            case TableFormat t:
                TableDispatch.Quantize(src, dst, t, rounding, options);
                break;
            case HiFloat8Format h:
                RuleDispatch.Run<HiFloat8QuantizeOp, HiFloat8Plan, uint, Io32, uint, Io32>(src, dst, new HiFloat8Plan(h, rounding), rounding, options);
                break;
            default:
                for (int k = 0; k < x.Length; k++) y[k] = format.Quantize(x[k], rounding, options.IndexOffset + k);
                break;
        }
    }

    /// <summary>Encodes to 8-bit codes (formats of at most 8 bits). Returns how many NaN inputs had no NaN code (encoded as +0's code).</summary>
    public static int Encode(ReadOnlySpan<float> x, Span<byte> codes, ScalarFormat format, in RoundingOptions rounding = default, in KernelOptions options = default) =>
        Encode<byte, Io8>(x, codes, format, rounding, options, 8);

    /// <summary>Encodes to 16-bit codes (formats of at most 16 bits). Returns how many NaN inputs had no NaN code.</summary>
    public static int Encode(ReadOnlySpan<float> x, Span<ushort> codes, ScalarFormat format, in RoundingOptions rounding = default, in KernelOptions options = default) =>
        Encode<ushort, Io16>(x, codes, format, rounding, options, 16);

    /// <summary>Encodes to 32-bit codes. Returns how many NaN inputs had no NaN code.</summary>
    public static int Encode(ReadOnlySpan<float> x, Span<uint> codes, ScalarFormat format, in RoundingOptions rounding = default, in KernelOptions options = default) =>
        Encode<uint, Io32>(x, codes, format, rounding, options, 32);

    /// <summary>Decodes 8-bit codes to float32 (every code must be below 2^Bits).</summary>
    public static void Decode(ReadOnlySpan<byte> codes, Span<float> y, ScalarFormat format, in KernelOptions options = default) =>
        Decode<byte, Io8>(codes, y, format, options, 8);

    /// <summary>Decodes 16-bit codes to float32.</summary>
    public static void Decode(ReadOnlySpan<ushort> codes, Span<float> y, ScalarFormat format, in KernelOptions options = default) =>
        Decode<ushort, Io16>(codes, y, format, options, 16);

    /// <summary>Decodes 32-bit codes to float32.</summary>
    public static void Decode(ReadOnlySpan<uint> codes, Span<float> y, ScalarFormat format, in KernelOptions options = default) =>
        Decode<uint, Io32>(codes, y, format, options, 32);

    // The last plan built on this thread: repeated calls with the same format and options (small arrays in a loop) skip
    // rebuilding it. Plans are immutable values, so a stale entry is never used for a different (format, options).
    [ThreadStatic] private static FloatFormat? t_floatFormat;
    [ThreadStatic] private static RoundingOptions t_floatOptions;
    [ThreadStatic] private static FloatPlan t_floatPlan;

    private static ref readonly FloatPlan PlanFor(FloatFormat f, in RoundingOptions rounding)
    {
        if (!ReferenceEquals(t_floatFormat, f) || !t_floatOptions.Equals(rounding))
        {
            t_floatPlan = new FloatPlan(f, rounding);
            t_floatFormat = f;
            t_floatOptions = rounding;
        }
        return ref t_floatPlan;
    }

    private static int Encode<T, TIo>(ReadOnlySpan<float> x, Span<T> codes, ScalarFormat format, in RoundingOptions rounding, in KernelOptions options, int storageBits)
        where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T> where TIo : struct, ILaneIo<T>
    {
        ArgumentNullException.ThrowIfNull(format);
        CheckLengths(x.Length, codes.Length, nameof(codes));
        CheckStorage(format, storageBits);
        options.Validate();
        var src = MemoryMarshal.Cast<float, uint>(x);
        var dst = codes[..x.Length];
        switch (format)
        {
            case FloatFormat f when FloatPlan.Supports(f):
                RuleDispatch.Run<FloatEncodeOp, FloatPlan, uint, Io32, T, TIo>(src, dst, PlanFor(f, rounding), rounding, options);
                break;
            case IntegerFormat i:
                RuleDispatch.Run<IntegerEncodeOp, IntegerPlan, uint, Io32, T, TIo>(src, dst, new IntegerPlan(i, rounding), rounding, options);
                break;
            case PositFormat p when PositPlan.Supports(p):
                RuleDispatch.Run<PositEncodeOp, PositPlan, uint, Io32, T, TIo>(src, dst, new PositPlan(p, rounding), rounding, options);
                break;
            case TableFormat t:
                TableDispatch.Encode<T, TIo>(src, dst, t, rounding, options);
                break;
            case HiFloat8Format h:
                RuleDispatch.Run<HiFloat8EncodeOp, HiFloat8Plan, uint, Io32, T, TIo>(src, dst, new HiFloat8Plan(h, rounding), rounding, options);
                break;
            default:
                for (int k = 0; k < x.Length; k++) dst[k] = T.CreateTruncating(format.Encode(x[k], rounding, options.IndexOffset + k));
                break;
        }
        return format.HasNaN ? 0 : CountNaN(x);
    }

    private static void Decode<T, TIo>(ReadOnlySpan<T> codes, Span<float> y, ScalarFormat format, in KernelOptions options, int storageBits)
        where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T> where TIo : struct, ILaneIo<T>
    {
        ArgumentNullException.ThrowIfNull(format);
        CheckLengths(codes.Length, y.Length, nameof(y));
        options.Validate();
        if (format.Bits < storageBits) CheckCodes(codes, T.CreateTruncating((1UL << format.Bits) - 1), format);
        var dst = MemoryMarshal.Cast<float, uint>(y[..codes.Length]);
        switch (format)
        {
            case FloatFormat f when FloatPlan.Supports(f):
                RuleDispatch.Run<FloatDecodeOp, FloatDecodePlan, T, TIo, uint, Io32>(codes, dst, new FloatDecodePlan(f), default, options);
                break;
            case IntegerFormat i:
                RuleDispatch.Run<IntegerDecodeOp, IntegerPlan, T, TIo, uint, Io32>(codes, dst, new IntegerPlan(i, default), default, options);
                break;
            case TableFormat t:
                TableDispatch.Decode<T, TIo>(codes, dst, t, options);
                break;
            case HiFloat8Format h:
                RuleDispatch.Run<HiFloat8DecodeOp, DecodeTablePlan, T, TIo, uint, Io32>(codes, dst, new DecodeTablePlan(h), default, options);
                break;
            case PositFormat p when p.Bits > 16:
                RuleDispatch.Run<PositDecodeOp, PositDecodePlan, T, TIo, uint, Io32>(codes, dst, new PositDecodePlan(p), default, options);
                break;
            case PositFormat p:
            {
                // One lookup per code in the format's decode table (codes were checked against 2^Bits above, or fill the storage).
                var table = new DecodeTablePlan(p).Table;
                for (int k = 0; k < codes.Length; k++) dst[k] = table[uint.CreateTruncating(codes[k])];
                break;
            }
            default:
                for (int k = 0; k < codes.Length; k++) y[k] = (float)format.Decode(uint.CreateTruncating(codes[k]));
                break;
        }
    }

    /// <summary>Number of NaN values in <paramref name="x"/>.</summary>
    public static int CountNaN(ReadOnlySpan<float> x)
    {
        int count = 0, k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(x);
            var notNaN = Vector<int>.Zero; // -1 per non-NaN lane
            foreach (var v in vectors) notNaN += Vector.Equals(v, v);
            count = vectors.Length * Vector<float>.Count + Vector.Sum(notNaN);
            k = vectors.Length * Vector<float>.Count;
        }
        for (; k < x.Length; k++) if (float.IsNaN(x[k])) count++;
        return count;
    }

    private static void CheckCodes<T>(ReadOnlySpan<T> codes, T max, ScalarFormat format) where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var limit = new Vector<T>(max);
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(codes);
            bool bad = false;
            foreach (var v in vectors) bad |= Vector.GreaterThanAny(v, limit);
            if (!bad) k = vectors.Length * Vector<T>.Count;
        }
        for (; k < codes.Length; k++)
            if (codes[k] > max)
                throw new ArgumentOutOfRangeException(nameof(codes), codes[k], $"codes[{k}] = {codes[k]} is not a code of '{format.Name}'; codes must be below 2^{format.Bits}");
    }

    private static void CheckLengths(int inputLength, int outputLength, string outputName)
    {
        if (outputLength < inputLength)
            throw new ArgumentException($"{outputName} has length {outputLength}; it must be at least the input length {inputLength}", outputName);
    }

    private static void CheckStorage(ScalarFormat format, int storageBits)
    {
        if (format.Bits > storageBits)
            throw new ArgumentException($"format '{format.Name}' has {format.Bits}-bit codes; they do not fit {storageBits}-bit storage (valid: formats of at most {storageBits} bits)", nameof(format));
    }

    private static void CheckOverlap(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Overlaps(y, out int offset) && offset != 0)
            throw new ArgumentException($"y overlaps x shifted by {offset} elements; in-place operation needs y to start where x starts", nameof(y));
    }
}
