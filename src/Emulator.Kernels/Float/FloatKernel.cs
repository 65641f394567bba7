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

    /// <summary>The pattern path and the sign (plus, for formats whose subnormal range is wide such as fp4/fp6, the scaled
    /// path inline); <paramref name="rare"/> marks lanes that need <see cref="Convert"/> (overflow, Inf, NaN, and otherwise
    /// lanes below the boundary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule>(TV x, TV random, in FloatPlan p, bool codes, out TV rare)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV rounded = TV.AndNot(a + TRule.PatternIncrement(a, neg, random, p.Pattern), TV.Create(p.LowMask));
        TV mag = codes ? TV.ShiftRightLogical(rounded, p.D) - TV.Create(p.Rebias) : rounded;
        TV small = TV.GreaterThan(TV.Create(p.Boundary), a);
        if (p.InlineSmall)
        {
            if (TV.Any(small)) mag = TV.Select(small, SmallCore<TV, TRule>(a, neg, random, p, codes), mag);
            rare = TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        }
        else rare = small | TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        // Unsigned formats: every negative input has one answer (NaN or the smallest value); -0, NaN and -Inf are rare above.
        if (!p.Signed) return TV.Select(TV.AndNot(neg, TV.Equal(a, TV.Create(0))), TV.Create(codes ? p.NegativeCode : p.NegativeValue), mag);
        TV signMask = p.HasNegativeZero ? neg : TV.AndNot(neg, TV.Equal(mag, TV.Create(0)));
        return mag | (signMask & TV.Create(codes ? p.CodeSignBit : 0x8000_0000u));
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
