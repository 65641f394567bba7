using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Posit;

/// <summary>
/// The float32 -> posit&lt;n,es&gt; conversion of FORMATS.md section 3 on a register of lanes: the kept bits are
/// regime | exponent | top fraction bits, the discarded ones the low D bits of exponent | mantissa (D per lane, from the
/// regime length);
/// the rule struct decides "up" from them (lowerOdd = lsb of the kept code), and adding one to the code carries through
/// fraction, exponent and regime exactly as the next posit. Lanes outside the fast scale range take the scalar reference.
/// </summary>
internal static class PositKernel
{
    /// <summary>Codes (<paramref name="codes"/> true) or float32 bits of the rounded values; <paramref name="rare"/> marks
    /// lanes whose result is wrong here (zero, float32 subnormals, Inf, NaN, saturation to minpos or maxpos).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule>(TV x, TV random, in PositPlan p, bool codes, out TV rare)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0);
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        rare = TV.GreaterThan(a - TV.Create(p.FastLow), TV.Create(p.FastRange));

        TV s = TV.ShiftRightLogical(a, 23) - TV.Create(127);          // unbiased exponent (two's complement)
        TV k = TV.ShiftRightArithmetic(s, p.Es);                       // regime value
        TV t = k ^ TV.ShiftRightArithmetic(k, 31);                     // regime run is 2 + t bits
        TV d = TV.Create(p.D0) + t;                                    // discarded bits of body, 0..29
        TV avail = TV.Create(p.AvailBase) - t;                         // bits after the regime
        TV pow = TV.ShiftLeftVariable(TV.Create(1), avail);
        TV regime = TV.Select(TV.ShiftRightArithmetic(k, 31), pow, TV.Create(p.TopBit) - pow - pow);
        TV body = TV.ShiftLeft((a & TV.Create(0x7F_FFFF)) | TV.ShiftLeft(s & TV.Create(p.EsMask), 23), p.Pre); // n > 26: room for D < 0
        TV kept = regime + TV.ShiftRightLogicalVariable(body, d);
        TV top = TV.ShiftLeftVariable(body, TV.Create(32) - d);        // floor(nu * 2^32), exact

        TV half = TV.Create(0x8000_0000);
        var r = new RoundingLanes<TV>
        {
            Negative = neg,
            Random = random,
            AboveHalf = TV.GreaterThan(top, half),
            AtHalf = TV.Equal(top, half),
            Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.Equal(top, zero)),
            Top32 = top,
            LowerOdd = zero - (kept & TV.Create(1)),
        };
        TV up = TRule.RoundsUp(r, p.StochasticShift); // all-ones: subtracting adds one
        if (codes)
        {
            TV code = kept - up;
            return ((code ^ neg) - neg) & TV.Create(p.Mask);
        }
        // The rounded body read back as a float32: a carry out of the exponent bits is the next regime (2^((k+1) 2^es)).
        TV rounded = TV.ShiftLeftVariable(TV.ShiftRightLogicalVariable(body, d) - up, d);
        rounded = TV.ShiftRightLogical(rounded, p.Pre);
        TV scale = TV.AndNot(s, TV.Create(p.EsMask)) + TV.ShiftRightLogical(rounded, 23);
        TV mag = TV.ShiftLeft(scale + TV.Create(127), 23) | (rounded & TV.Create(0x7F_FFFF));
        return mag | (x & half);
    }

    /// <summary>Every lane: the fast result, with rare lanes from the scalar reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Convert<TV, TRule>(TV x, TV random, in PositPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV result = Fast<TV, TRule>(x, random, p, codes, out TV rare);
        return TV.Any(rare) ? ReferenceLanes.Fix(x, random, result, rare, p.Format, p.Options, codes) : result;
    }
}
