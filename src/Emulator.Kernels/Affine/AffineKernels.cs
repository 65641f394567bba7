using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Emulator.Formats;
using Emulator.Kernels.Randomness;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>
/// Span kernels for <see cref="AffineQuantizer"/> (per tensor, per channel, per group), bit-identical to its scalar
/// <c>Encode</c>/<c>Quantize</c>: q = clamp(round(x / s) + z) with x / s rounded exactly. The tensor is walked in runs that
/// share one (s, z); each run is vectorized in float64 lanes: the quotient comes from a multiply by 1/s, and an exact
/// FMA remainder x - F s proves F = floor(x / s) (a vector whose remainders fail the proof is redone with a division).
/// </summary>
public static class AffineKernels
{
    /// <summary>Fake-quantizes a row-major tensor of shape <paramref name="shape"/> (in place allowed); NaN stays NaN.</summary>
    public static void Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, AffineQuantizer quantizer,
        in RoundingOptions rounding = default, in KernelOptions options = default)
    {
        Validate(x.Length, y.Length, nameof(y), shape, quantizer, options);
        if (x.Overlaps(y, out int offset) && offset != 0)
            throw new ArgumentException($"y overlaps x shifted by {offset} elements; in-place operation needs y to start where x starts", nameof(y));
        Run(x, shape, MemoryMarshal.Cast<float, uint>(y), quantizer, rounding, options, codes: false);
    }

    /// <summary>Encodes a row-major tensor to integer codes (two's complement in the format's bits).</summary>
    public static void Encode(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> codes, AffineQuantizer quantizer,
        in RoundingOptions rounding = default, in KernelOptions options = default)
    {
        Validate(x.Length, codes.Length, nameof(codes), shape, quantizer, options);
        Run(x, shape, codes, quantizer, rounding, options, codes: true);
    }

    private static void Validate(int length, int outputLength, string outputName, ReadOnlySpan<int> shape, AffineQuantizer quantizer, in KernelOptions options)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        options.Validate();
        if (outputLength < length) throw new ArgumentException($"{outputName} has length {outputLength}; it must be at least {length}", outputName);
        if (shape.IsEmpty) throw new ArgumentException("shape must have at least one dimension", nameof(shape));
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 1) throw new ArgumentOutOfRangeException(nameof(shape), d, "every dimension must be at least 1");
            count *= d;
        }
        if (count != length) throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] holds {count} elements but x has {length}", nameof(shape));
        if (quantizer.Granularity == QuantizationGranularity.PerChannel && quantizer.Axis >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(shape), quantizer.Axis, $"axis {quantizer.Axis} is beyond the shape's {shape.Length} dimensions");
        int needed = AffineQuantizer.ParameterCount(quantizer.Granularity, shape, quantizer.Axis, Math.Max(quantizer.GroupSize, 1));
        if (needed != quantizer.Scales.Count)
            throw new ArgumentException($"this shape needs {needed} scales; the quantizer has {quantizer.Scales.Count}", nameof(shape));
    }

    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> output, AffineQuantizer q, in RoundingOptions rounding, in KernelOptions options, bool codes)
    {
        int n = x.Length;
        long inner = 1;
        if (q.Granularity == QuantizationGranularity.PerChannel)
            for (int d = q.Axis + 1; d < shape.Length; d++) inner *= shape[d];
        int last = shape[^1];
        for (int start = 0; start < n;)
        {
            int run = q.Granularity switch
            {
                QuantizationGranularity.PerTensor => n - start,
                QuantizationGranularity.PerChannel => (int)(inner - start % inner),
                _ => Math.Min((start % last / q.GroupSize + 1) * q.GroupSize, last) - start % last,
            };
            int p = q.ParameterIndex(start, shape);
            var plan = new AffinePlan(q, p, rounding);
            if (plan.FastOk)
            {
                // float32 fast path with a proof per lane; exact float64 registers for the rest.
                var ko = options with { IndexOffset = options.IndexOffset + start, Threads = 1 };
                var src = MemoryMarshal.Cast<float, uint>(x.Slice(start, run));
                if (codes) RuleDispatch.Run<AffineEncodeOp, AffinePlan, uint, Io32, uint, Io32>(src, output.Slice(start, run), plan, rounding, ko);
                else RuleDispatch.Run<AffineQuantizeOp, AffinePlan, uint, Io32, uint, Io32>(src, output.Slice(start, run), plan, rounding, ko);
            }
            else
            {
                var segment = new Segment(q, p, rounding, options.IndexOffset + start, codes, x.Slice(start, run), output.Slice(start, run));
                RoundingRules.Dispatch(rounding.Mode, ref segment);
            }
            start += run;
        }
    }

    /// <summary>One run of elements sharing scale and zero point; visited with the mode's rule.</summary>
    private readonly ref struct Segment : IRuleVisitor
    {
        private readonly AffineQuantizer _q;
        private readonly IntegerFormat _format;
        private readonly int _p;
        private readonly RoundingOptions _rounding;
        private readonly long _first;
        private readonly bool _codes;
        private readonly ReadOnlySpan<float> _x;
        private readonly Span<uint> _output;

        public Segment(AffineQuantizer q, int p, in RoundingOptions rounding, long first, bool codes, ReadOnlySpan<float> x, Span<uint> output)
        {
            _q = q; _format = q.Format; _p = p; _rounding = rounding; _first = first; _codes = codes; _x = x; _output = output;
        }

        private uint Scalar(float x, long index)
        {
            long k = _q.QuantizeToInteger(x, _p, _rounding, _rounding.RandomWord(index));
            if (_codes) return _format.CodeOf(k);
            return float.IsNaN(x) ? BitConverter.SingleToUInt32Bits(float.NaN) : BitConverter.SingleToUInt32Bits((float)_q.Dequantize(k, _p));
        }

        public void Visit<TRule>() where TRule : struct, IRoundingRule
        {
            ReadOnlySpan<float> x = _x;
            Span<uint> output = _output;
            int n = x.Length, width = Vector<float>.Count;
            if (!Vector.IsHardwareAccelerated || n < width)
            {
                for (int i = 0; i < n; i++) output[i] = Scalar(x[i], _first + i);
                return;
            }
            var c = new Constants(_q, _p, _rounding);
            Span<uint> random = TRule.IsStochastic ? stackalloc uint[LoopDriver.Tile] : default;
            for (int t = 0; t < n; t += LoopDriver.Tile)
            {
                int len = Math.Min(LoopDriver.Tile, n - t);
                if (TRule.IsStochastic) PhiloxBatch.Fill(_rounding.Seed, _rounding.Stream, _first + t, random[..len]);
                ref float src = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), t);
                ref uint dst = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), t);
                ref uint rnd = ref MemoryMarshal.GetReference(random);
                int i = 0;
                for (; i + width <= len; i += width)
                {
                    Vector<uint> r = TRule.IsStochastic ? Vector.LoadUnsafe(ref rnd, (nuint)i) : default;
                    Vector<uint> result = Convert<TRule>(Vector.LoadUnsafe(ref src, (nuint)i), r, c, _codes);
                    result.StoreUnsafe(ref dst, (nuint)i);
                }
                for (; i < len; i++) Unsafe.Add(ref dst, i) = Scalar(Unsafe.Add(ref src, i), _first + t + i);
            }
        }
    }

    /// <summary>One Vector&lt;float&gt; of elements in place (float bits in, codes or float bits out), exactly.</summary>
    internal static void ConvertExact<TRule>(Span<uint> x, ReadOnlySpan<uint> random, AffineQuantizer q, int p, in RoundingOptions rounding, bool codes)
        where TRule : struct, IRoundingRule
    {
        var c = new Constants(q, p, rounding);
        var v = Vector.AsVectorSingle(new Vector<uint>(x));
        Convert<TRule>(v, new Vector<uint>(random), c, codes).CopyTo(x);
    }

    private readonly struct Constants
    {
        public readonly Vector<double> S, Inverse, Z, Min, Max;
        public readonly Vector<uint> CodeMask;
        public readonly int StochasticShift;

        public Constants(AffineQuantizer q, int p, in RoundingOptions rounding)
        {
            double s = q.Scales[p];
            S = new Vector<double>(s);
            Inverse = new Vector<double>(1.0 / s);
            Z = new Vector<double>(q.ZeroPoints[p]);
            Min = new Vector<double>(q.Format.MinInt);
            Max = new Vector<double>(q.Format.MaxInt);
            CodeMask = new Vector<uint>(q.Format.Bits == 32 ? uint.MaxValue : (1u << q.Format.Bits) - 1);
            StochasticShift = 32 - rounding.StochasticBits;
        }
    }

    /// <summary>floor(a / s) and the exact remainder a - F s in [0, s), for a &gt;= 0 and a / s &lt; 2^40.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DivideFloor(Vector<double> a, in Constants c, Vector<long> ignore, out Vector<double> floor, out Vector<double> rem)
    {
        floor = Vector.Floor(a * c.Inverse);
        rem = Vector.FusedMultiplyAdd(-floor, c.S, a); // exact whenever floor is the true floor
        Vector<long> bad = Vector.AndNot(Vector.LessThan(rem, Vector<double>.Zero) | Vector.GreaterThanOrEqual(rem, c.S), ignore);
        if (bad != Vector<long>.Zero)
        {
            // Division gives floor or floor + 1; the FMA remainder is then exact and tells which.
            floor = Vector.Floor(a / c.S);
            rem = Vector.FusedMultiplyAdd(-floor, c.S, a);
            Vector<long> over = Vector.LessThan(rem, Vector<double>.Zero);
            floor = Vector.ConditionalSelect(over, floor - Vector<double>.One, floor);
            rem = Vector.ConditionalSelect(over, rem + c.S, rem);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Half<TRule>(Vector<double> xd, in Constants c, out Vector<double> floor, out Vector<ulong> above, out Vector<ulong> at,
        out Vector<ulong> inexact, out Vector<ulong> odd, out Vector<ulong> top, out Vector<long> neg, out Vector<long> special)
        where TRule : struct, IRoundingRule
    {
        Vector<double> a = Vector.Abs(xd);
        neg = Vector.LessThan(xd, Vector<double>.Zero);
        Vector<long> nan = ~Vector.Equals(xd, xd);
        Vector<long> huge = Vector.GreaterThanOrEqual(a * c.Inverse, new Vector<double>(1099511627776.0));
        special = nan | huge;
        Vector<double> safeA = Vector.ConditionalSelect(special, Vector<double>.Zero, a);
        DivideFloor(safeA, c, special, out floor, out Vector<double> rem);
        Vector<double> twice = rem + rem;
        above = Vector.AsVectorUInt64(Vector.GreaterThan(twice, c.S));
        at = Vector.AsVectorUInt64(Vector.Equals(twice, c.S));
        inexact = Vector.AsVectorUInt64(~Vector.Equals(rem, Vector<double>.Zero));
        odd = Vector.AsVectorUInt64(-(Vector.ConvertToInt64(floor) & Vector<long>.One));
        if (TRule.NeedsTop32)
        {
            DivideFloor(rem * 4294967296.0, c, special, out Vector<double> t32, out _);
            top = Vector.ConvertToUInt64(t32);
        }
        else top = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Convert<TRule>(Vector<float> x, Vector<uint> random, in Constants c, bool codes) where TRule : struct, IRoundingRule
    {
        Vector.Widen(x, out Vector<double> lo, out Vector<double> hi);
        Half<TRule>(lo, c, out var fLo, out var aboveLo, out var atLo, out var inexLo, out var oddLo, out var topLo, out var negLo, out var specialLo);
        Half<TRule>(hi, c, out var fHi, out var aboveHi, out var atHi, out var inexHi, out var oddHi, out var topHi, out var negHi, out var specialHi);
        var r = new RoundingLanes<LanesVector>
        {
            AboveHalf = new(Vector.Narrow(aboveLo, aboveHi)),
            AtHalf = new(Vector.Narrow(atLo, atHi)),
            Inexact = new(Vector.Narrow(inexLo, inexHi)),
            LowerOdd = new(Vector.Narrow(oddLo, oddHi)),
            Top32 = new(Vector.Narrow(topLo, topHi)),
            Negative = new(Vector.Narrow(Vector.AsVectorUInt64(negLo), Vector.AsVectorUInt64(negHi))),
            Random = new(random),
        };
        Vector<uint> up = TRule.RoundsUp(r, c.StochasticShift).V;
        Vector.Widen(up & Vector<uint>.One, out Vector<ulong> upLo, out Vector<ulong> upHi);
        Vector<double> qLo = Finish(lo, fLo, upLo, negLo, specialLo, c);
        Vector<double> qHi = Finish(hi, fHi, upHi, negHi, specialHi, c);
        if (codes)
            return Vector.AsVectorUInt32(Vector.Narrow(Vector.ConvertToInt64(qLo), Vector.ConvertToInt64(qHi))) & c.CodeMask;
        Vector<float> value = Vector.Narrow((qLo - c.Z) * c.S, (qHi - c.Z) * c.S);
        return Vector.AsVectorUInt32(Vector.ConditionalSelect(Vector.Equals(x, x), value, new Vector<float>(float.NaN)));
    }

    /// <summary>q = clamp(±(F + up) + z) in float64 (exact: every term is an integer below 2^53).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Finish(Vector<double> xd, Vector<double> floor, Vector<ulong> up, Vector<long> neg, Vector<long> special, in Constants c)
    {
        Vector<double> n = floor + Vector.ConvertToDouble(up);
        n = Vector.ConditionalSelect(special, new Vector<double>(2199023255552.0), n); // |x / s| >= 2^40: beyond any range
        n = Vector.ConditionalSelect(~Vector.Equals(xd, xd), Vector<double>.Zero, n);   // NaN -> 0
        Vector<double> k = Vector.ConditionalSelect(neg, -n, n);
        return Vector.Min(Vector.Max(k + c.Z, c.Min), c.Max);
    }
}
