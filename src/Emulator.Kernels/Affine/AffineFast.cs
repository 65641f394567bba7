using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>
/// Constants of the float32 fast path of one (s, z) run of an affine quantizer. The quotient
/// t = |x| * float32(1/s) is within t * 2^-22 of |x| / s; a lane whose t lies within t * 2^-20 of an integer or a
/// half-integer (or is huge, zero from underflow, or NaN) is rare: its register is recomputed exactly in float64 lanes.
/// </summary>
internal readonly struct AffinePlan
{
    public readonly AffineQuantizer Quantizer;
    public readonly int Parameter;
    public readonly RoundingOptions Options;
    public readonly uint Inverse, ZeroPoint, MinBiased, MaxBiased, CodeMask;
    public readonly double Scale;
    public readonly int StochasticShift;
    public readonly uint TwoToMinusN;
    public readonly bool FastOk;

    public AffinePlan(AffineQuantizer q, int p, in RoundingOptions options)
    {
        Quantizer = q; Parameter = p; Options = options;
        double s = q.Scales[p];
        Scale = s;
        StochasticShift = 32 - options.StochasticBits;
        TwoToMinusN = BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, -options.StochasticBits));
        float inv = (float)(1.0 / s);
        Inverse = BitConverter.SingleToUInt32Bits(inv);
        FastOk = float.IsNormal(inv) && inv < 1e30f && inv > 1e-30f && q.Format.Bits <= 31;
        ZeroPoint = unchecked((uint)(int)q.ZeroPoints[p]);
        MinBiased = unchecked((uint)(int)q.Format.MinInt) ^ 0x8000_0000u;
        MaxBiased = unchecked((uint)(int)q.Format.MaxInt) ^ 0x8000_0000u;
        CodeMask = q.Format.Bits == 32 ? uint.MaxValue : (1u << q.Format.Bits) - 1;
    }

    /// <summary>The scalar reference for one element (code, or float32 bits of the dequantized value).</summary>
    public uint Reference(uint xBits, uint randomWord, bool codes)
    {
        float x = BitConverter.UInt32BitsToSingle(xBits);
        long k = Quantizer.QuantizeToInteger(x, Parameter, Options, randomWord);
        if (codes) return Quantizer.Format.CodeOf(k);
        return BitConverter.SingleToUInt32Bits(float.IsNaN(x) ? float.NaN : (float)Quantizer.Dequantize(k, Parameter));
    }
}

internal static class AffineFastKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule>(TV x, TV random, in AffinePlan p, bool codes, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0), one = TV.Create(1);
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV t = TV.MultiplyF(a, TV.Create(p.Inverse));
        TV err = TV.MultiplyF(t, TV.Create(0x3480_0000)); // t * 2^-22 (the error is below t * 2^-22.8)
        TV notSmall = TV.AndNot(TV.Create(uint.MaxValue), TV.GreaterThanF(TV.Create(0x4980_0000), t)); // not t < 2^20 (also NaN)
        TV n;
        if (typeof(INearestRule).IsAssignableFrom(typeof(TRule)))
        {
            // Nearest rules differ only at ties, and a lane whose t lies within err of a half-integer is rare: elsewhere
            // every nearest rule gives the integer nearest t, which t + 2^23 rounds to (to nearest even) in float32.
            TV magic = TV.Create(0x4B00_0000); // 2^23
            TV shifted = TV.SubtractF(t, TV.Create(0xCB00_0000)); // t + 2^23, exact for t < 2^22 up to that rounding
            n = shifted - magic;
            TV distance = TV.SubtractF(t, TV.SubtractF(shifted, magic)) & TV.Create(0x7FFF_FFFF); // |t - n|, exact
            // A zero t from underflow rounds to 0 like the exact quotient (below 1/2), so it is not rare here.
            rare = TV.GreaterThanOrEqualF(distance, TV.SubtractF(TV.Create(0x3F00_0000), err)) | notSmall;
        }
        else
        {
            // The other rules decide at integers (nu = 0: directed, odd, stochastic-equal; they read no nu vs 1/2) and
            // stochastic(N), specialized below, also at theta: rare near an integer.
            TV floorT = TV.TruncateToInt32(t);
            TV frac = TV.SubtractF(t, TV.Int32ToSingle(floorT));
            rare = TV.GreaterThanF(err, frac) | TV.GreaterThanF(err, TV.SubtractF(TV.Create(0x3F80_0000), frac)) | notSmall
                | TV.AndNot(TV.EqualF(t, zero), TV.Equal(a, zero)); // t underflowed
            var r = new RoundingLanes<TV>
            {
                Negative = neg,
                AboveHalf = TV.GreaterThanF(frac, TV.Create(0x3F00_0000)),
                AtHalf = zero, // not read by these rules
                Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.EqualF(frac, zero)),
                LowerOdd = TV.Equal(floorT & one, one),
            };
            TV up;
            if (typeof(TRule) == typeof(StochasticRule))
            {
                // floor(nu 2^N) + R_N >= 2^N  <=>  nu >= theta = 1 - R_N 2^-N: a threshold test, decided here unless frac is
                // within err (plus the float32 rounding of theta, below 2^-23) of theta.
                TV theta = TV.SubtractF(TV.Create(0x3F80_0000), TV.MultiplyF(TV.UInt32ToSingle(TV.ShiftRightLogical(random, p.StochasticShift)), TV.Create(p.TwoToMinusN)));
                TV distance = TV.SubtractF(frac, theta) & TV.Create(0x7FFF_FFFF);
                rare |= TV.GreaterThanF(TV.Create(0x3500_0000), distance) | TV.GreaterThanF(err, distance); // 2^-21 covers theta's rounding
                up = TV.GreaterThanOrEqualF(frac, theta);
            }
            else
            {
                r.Random = random;
                up = TRule.RoundsUp(r, p.StochasticShift);
            }
            n = floorT - up;
        }
        TV k = TV.Select(neg, zero - n, n) + TV.Create(p.ZeroPoint);
        TV bias = TV.Create(0x8000_0000u);
        TV q = TV.Min(TV.Max(k ^ bias, TV.Create(p.MinBiased)), TV.Create(p.MaxBiased)) ^ bias;
        if (codes) return q & TV.Create(p.CodeMask);
        return TV.Int32TimesDoubleToSingle(q - TV.Create(p.ZeroPoint), p.Scale);
    }

    /// <summary>Every lane exactly: the float64 vector path, or the scalar reference.</summary>
    public static TV Exact<TV, TRule>(TV x, TV random, in AffinePlan p, bool codes) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        Span<uint> xs = stackalloc uint[16], rs = stackalloc uint[16];
        TV.Store(x, ref xs[0], 0);
        TV.Store(random, ref rs[0], 0);
        int width = System.Numerics.Vector<uint>.Count, k = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && TV.Count % width == 0)
            for (; k < TV.Count; k += width)
                AffineKernels.ConvertExact<TRule>(xs.Slice(k, width), rs.Slice(k, width), p.Quantizer, p.Parameter, p.Options, codes);
        for (; k < TV.Count; k++) xs[k] = p.Reference(xs[k], rs[k], codes);
        return TV.Load(ref xs[0], 0);
    }
}

internal struct AffineQuantizeOp : IElementOp<AffinePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in AffinePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        AffineFastKernel.Fast<TV, TRule>(input, random, plan, codes: false, out rare);
    public static TV Apply<TV, TRule>(TV input, TV random, in AffinePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        AffineFastKernel.Exact<TV, TRule>(input, random, plan, codes: false);
}

internal struct AffineEncodeOp : IElementOp<AffinePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in AffinePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        AffineFastKernel.Fast<TV, TRule>(input, random, plan, codes: true, out rare);
    public static TV Apply<TV, TRule>(TV input, TV random, in AffinePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        AffineFastKernel.Exact<TV, TRule>(input, random, plan, codes: true);
}
