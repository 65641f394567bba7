using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Float;

/// <summary>The float32 -> binary float conversion of FORMATS.md sections 1 and 2 on a register of lanes.</summary>
internal static class FloatKernel
{
    /// <summary>
    /// Rounds the float32 lanes <paramref name="x"/> to the format; returns codes when <paramref name="codes"/> is true,
    /// otherwise the float32 bits of the rounded values (the decoded codes). <paramref name="random"/> holds each lane's
    /// Philox word (stochastic rules only).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Convert<TV, TRule>(TV x, TV random, in FloatPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0);
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);

        // Pattern path: the discarded part is the low D bits of the float32 pattern; adding the rule's increment carries
        // into the kept bits exactly when the rule rounds up (a carry out of the mantissa moves to the next binade).
        TV rounded = TV.AndNot(a + TRule.PatternIncrement(a, neg, random, p.Pattern), TV.Create(p.LowMask));
        TV mag = codes ? TV.ShiftRightLogical(rounded, p.D) - TV.Create(p.Rebias) : rounded;

        // Scaled path for |x| below the boundary (rare in practice): S = |x| 2^-Q0 exactly, F = floor(S), nu = S - F.
        TV small = TV.GreaterThan(TV.Create(p.Boundary), a);
        if (TV.Any(small)) mag = TV.Select(small, Small<TV, TRule>(a, neg, random, p, codes), mag);

        TV result = mag;
        if (p.Signed)
        {
            TV signBit = TV.Create(codes ? p.CodeSignBit : 0x8000_0000u);
            TV signMask = p.HasNegativeZero ? neg : TV.AndNot(neg, TV.Equal(mag, zero));
            result = mag | (signMask & signBit);
        }

        // Overflow, Inf and NaN inputs all land above the largest finite magnitude; unsigned formats also fix negatives.
        TV special = TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        if (!p.Signed) special |= TV.AndNot(neg, TV.Equal(a, zero));
        if (TV.Any(special)) result = Special(a, neg, result, special, p, codes);
        return result;
    }

    /// <summary>The pattern path and the sign (small formats with subnormals such as fp4/fp6: the per-lane-shift integer path
    /// for every lane; other small formats: the scaled path inline); <paramref name="rare"/> marks lanes that need
    /// <see cref="Convert"/> (overflow, Inf, NaN, and otherwise lanes below the boundary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule>(TV x, TV random, in FloatPlan p, bool codes, out TV rare)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV mag;
        if (p.Unified)
        {
            mag = Unified<TV, TRule>(a, neg, random, p, codes);
            rare = TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        }
        else if (p.InlineSmall)
        {
            mag = Pattern<TV, TRule>(a, neg, random, p, codes);
            TV small = TV.GreaterThan(TV.Create(p.Boundary), a);
            if (TV.Any(small)) mag = TV.Select(small, SmallCore<TV, TRule>(a, neg, random, p, codes), mag);
            rare = TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        }
        else
        {
            mag = Pattern<TV, TRule>(a, neg, random, p, codes);
            rare = TV.GreaterThan(TV.Create(p.Boundary), a) | TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        }
        // Unsigned formats: every negative input has one answer (NaN or the smallest value); -0, NaN and -Inf are rare above.
        if (!p.Signed) return TV.Select(TV.AndNot(neg, TV.Equal(a, TV.Create(0))), TV.Create(codes ? p.NegativeCode : p.NegativeValue), mag);
        TV signMask = p.HasNegativeZero ? neg : TV.AndNot(neg, TV.Equal(mag, TV.Create(0)));
        return mag | (signMask & TV.Create(codes ? p.CodeSignBit : 0x8000_0000u));
    }

    /// <summary>The pattern path: magnitude code or float32 bits of lanes at or above the boundary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Pattern<TV, TRule>(TV a, TV neg, TV random, in FloatPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV rounded = TV.AndNot(a + TRule.PatternIncrement(a, neg, random, p.Pattern), TV.Create(p.LowMask));
        return codes ? TV.ShiftRightLogical(rounded, p.D) - TV.Create(p.Rebias) : rounded;
    }

    /// <summary>
    /// Small formats with subnormals (<see cref="FloatPlan.Unified"/>), every finite lane in one integer path: the float32
    /// significand sig (implicit bit included; zero and float32 subnormals have exponent field 0 and scale 2^-149) holds the
    /// value sig 2^(e - 150); the kept step is 2^(e - 150 + sh) with sh = D in the normal range and D + (emin field - e)
    /// below it. kept = sig &gt;&gt; sh, low = the discarded bits; a count of 25 or more gives the same kept (0), nu &lt; 1/2 and
    /// inexactness as the true count, so kept and low use min(sh, 25), while floor(nu 2^32) uses the true count.
    /// Inf and NaN land above the largest finite magnitude (rare).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Unified<TV, TRule>(TV a, TV neg, TV random, in FloatPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0), one = TV.Create(1);
        TV e = TV.ShiftRightLogical(a, 23);
        TV eClamp = TV.Max(e, TV.Create(p.MinNormalField));
        TV sig = (a & TV.Create(0x007F_FFFF)) | TV.ShiftLeft(TV.Min(e, one), 23);
        TV sh = eClamp + TV.Create((uint)p.D) - TV.Max(e, one);
        TV shc = TV.Min(sh, TV.Create(25));
        TV lowMask = TV.ShiftLeftVariable(one, shc) - one;
        TV kept = TV.ShiftRightLogicalVariable(sig, shc);
        TV n;
        if (!TRule.NeedsTop32)
        {
            // sig < 2^24 and the increment < 2^25: no wrap.
            n = TV.ShiftRightLogicalVariable(sig + TRule.VariableIncrement(sig, kept, lowMask, neg, random), shc);
        }
        else
        {
            TV low = sig & lowMask;
            TV half = lowMask ^ TV.ShiftRightLogical(lowMask, 1);
            var r = new RoundingLanes<TV>
            {
                Negative = neg,
                Random = random,
                AboveHalf = TV.GreaterThan(low, half),
                AtHalf = TV.Equal(low, half),
                Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.Equal(low, zero)),
                LowerOdd = TV.Equal(kept & one, one),
            };
            // floor(nu 2^32): low << (32 - sh) for sh <= 32, sig >> (sh - 32) beyond (the other shift's count wraps to >= 32: 0).
            r.Top32 = TV.ShiftLeftVariable(low, TV.Create(32) - sh) | TV.ShiftRightLogicalVariable(sig, sh - TV.Create(32));
            n = kept - TRule.RoundsUp(r, p.StochasticShift); // up is all-ones: subtracting adds one; a carry moves to the next binade
        }
        if (codes) return TV.ShiftLeft(eClamp, p.M) + n - TV.Create(p.CodeBase);
        return TV.MultiplyF(TV.Int32ToSingle(n), TV.ShiftLeft(eClamp - TV.Create((uint)p.M), 23)); // n 2^(eClamp - 127 - M)
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Special<TV>(TV a, TV neg, TV result, TV special, in FloatPlan p, bool codes) where TV : struct, ILanes<TV>
    {
        TV zero = TV.Create(0);
        TV ovfValue = TV.Select(neg, TV.Create(codes ? p.OverflowNegCode : p.OverflowNegValue), TV.Create(codes ? p.OverflowPosCode : p.OverflowPosValue));
        result = TV.Select(special, ovfValue, result);
        TV inf = TV.Create(0x7F80_0000);
        TV isInf = TV.Equal(a, inf);
        result = TV.Select(isInf, TV.Select(neg, TV.Create(codes ? p.InfNegCode : p.InfNegValue), TV.Create(codes ? p.InfPosCode : p.InfPosValue)), result);
        if (!p.Signed)
            result = TV.Select(TV.AndNot(neg, TV.Equal(a, zero)), TV.Create(codes ? p.NegativeCode : p.NegativeValue), result);
        TV isNaN = TV.GreaterThan(a, inf);
        return TV.Select(isNaN, TV.Select(neg, TV.Create(codes ? p.NaNNegCode : p.NaNNegValue), TV.Create(codes ? p.NaNPosCode : p.NaNPosValue)), result);
    }

    /// <summary>Magnitude code or float32 bits of lanes below the boundary, where the step is the fixed 2^Q0.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Small<TV, TRule>(TV a, TV neg, TV random, in FloatPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule => SmallCore<TV, TRule>(a, neg, random, p, codes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SmallCore<TV, TRule>(TV a, TV neg, TV random, in FloatPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0), one = TV.Create(1);
        TV s = TV.MultiplyF(TV.MultiplyF(a, TV.Create(p.Scale1)), TV.Create(p.Scale2));
        TV floorS = TV.TruncateToInt32(s);
        TV nu = TV.SubtractF(s, TV.Int32ToSingle(floorS));
        TV halfF = TV.Create(0x3F00_0000);
        var r = new RoundingLanes<TV>
        {
            Negative = neg,
            Random = random,
            AboveHalf = TV.GreaterThanF(nu, halfF),
            AtHalf = TV.EqualF(nu, halfF),
            // nu == 0 with F == 0 and x != 0 means S underflowed (positive Q0): the exact nu is tiny but nonzero.
            Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.EqualF(nu, zero)) | TV.AndNot(TV.Equal(floorS, zero), TV.Equal(a, zero)),
            LowerOdd = p.ExponentZeroIsNormal ? zero : TV.Equal(floorS & one, one), // the lower code is F (E8M0: always code 0)
        };
        if (TRule.NeedsTop32) r.Top32 = TV.TruncateToUInt32(TV.MultiplyF(nu, TV.Create(0x4F80_0000))); // nu * 2^32
        TV n = floorS - TRule.RoundsUp(r, p.StochasticShift); // up is all-ones: subtracting adds one
        if (codes)
            return p.Subnormals ? n : p.ExponentZeroIsNormal ? TV.Max(n, one) - one : TV.ShiftLeft(n, p.M);
        if (p.ExponentZeroIsNormal) n = TV.Max(n, one);
        return TV.MultiplyF(TV.Int32ToSingle(n), TV.Create(p.Pow2Q0));
    }
}
