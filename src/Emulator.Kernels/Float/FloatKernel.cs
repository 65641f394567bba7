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
        TV zero = TV.Create(0), allOnes = TV.Create(uint.MaxValue), one = TV.Create(1);
        TV a = x & TV.Create(0x7FFF_FFFF);
        var r = new RoundingLanes<TV> { Negative = TV.ShiftRightArithmetic(x, 31), Random = random };

        // Pattern path: the discarded part is the low D bits of the float32 pattern; a carry moves to the next binade.
        TV rem = a & TV.Create(p.LowMask);
        TV lower = TV.AndNot(a, TV.Create(p.LowMask));
        TV half = TV.Create(p.Half);
        r.AboveHalf = TV.GreaterThan(rem, half);
        r.AtHalf = TV.Equal(rem, half);
        r.Inexact = TV.GreaterThan(rem, zero);
        r.LowerOdd = TV.Equal((TV.ShiftRightLogical(a, p.D) ^ TV.Create(p.Flip)) & one, one);
        if (TRule.NeedsTop32) r.Top32 = TV.ShiftLeft(rem, 32 - p.D);

        // Scaled path for |x| below the boundary: S = |x| 2^-Q0 exactly, F = floor(S), nu = S - F exactly.
        TV small = TV.GreaterThan(TV.Create(p.Boundary), a);
        bool anySmall = TV.Any(small);
        TV floorS = zero;
        if (anySmall)
        {
            TV s = TV.MultiplyF(TV.MultiplyF(a, TV.Create(p.Scale1)), TV.Create(p.Scale2));
            floorS = TV.TruncateToInt32(s);
            TV nu = TV.SubtractF(s, TV.Int32ToSingle(floorS));
            TV halfF = TV.Create(0x3F00_0000);
            // nu == 0 with F == 0 and x != 0 means S underflowed (positive Q0): the exact nu is tiny but nonzero.
            TV inexact = TV.AndNot(allOnes, TV.EqualF(nu, zero)) | TV.AndNot(TV.Equal(floorS, zero), TV.Equal(a, zero));
            r.AboveHalf = TV.Select(small, TV.GreaterThanF(nu, halfF), r.AboveHalf);
            r.AtHalf = TV.Select(small, TV.EqualF(nu, halfF), r.AtHalf);
            r.Inexact = TV.Select(small, inexact, r.Inexact);
            TV oddSmall = p.ExponentZeroIsNormal ? zero : TV.Equal(floorS & one, one); // the lower code is F (E8M0: always code 0)
            r.LowerOdd = TV.Select(small, oddSmall, r.LowerOdd);
            if (TRule.NeedsTop32)
                r.Top32 = TV.Select(small, TV.TruncateToUInt32(TV.MultiplyF(nu, TV.Create(0x4F80_0000))), r.Top32); // nu * 2^32
        }

        TV up = TRule.RoundsUp(r, p.StochasticShift);
        TV rounded = lower + (up & TV.Create(p.Step));
        TV mag;
        if (codes)
        {
            mag = TV.ShiftRightLogical(rounded, p.D) - TV.Create(p.Rebias);
            if (anySmall)
            {
                TV n = floorS - up; // up is all-ones: subtracting adds one
                TV codeSmall = p.Subnormals ? n
                    : p.ExponentZeroIsNormal ? TV.Max(n, one) - one
                    : TV.ShiftLeft(n, p.M);
                mag = TV.Select(small, codeSmall, mag);
            }
        }
        else
        {
            mag = rounded;
            if (anySmall)
            {
                TV n = floorS - up;
                if (p.ExponentZeroIsNormal) n = TV.Max(n, one);
                mag = TV.Select(small, TV.MultiplyF(TV.Int32ToSingle(n), TV.Create(p.Pow2Q0)), mag);
            }
        }

        TV neg = r.Negative;
        TV overflow = TV.GreaterThan(mag, TV.Create(codes ? p.MaxMagCode : p.MaxFiniteBits));
        TV result;
        if (p.Signed)
        {
            TV signBit = TV.Create(codes ? p.CodeSignBit : 0x8000_0000u);
            TV signMask = p.HasNegativeZero ? neg : TV.AndNot(neg, TV.Equal(mag, zero));
            result = mag | (signMask & signBit);
        }
        else result = mag;
        TV ovfValue = TV.Select(neg, TV.Create(codes ? p.OverflowNegCode : p.OverflowNegValue), TV.Create(codes ? p.OverflowPosCode : p.OverflowPosValue));
        result = TV.Select(overflow, ovfValue, result);
        TV inf = TV.Create(0x7F80_0000);
        TV isInf = TV.Equal(a, inf);
        result = TV.Select(isInf, TV.Select(neg, TV.Create(codes ? p.InfNegCode : p.InfNegValue), TV.Create(codes ? p.InfPosCode : p.InfPosValue)), result);
        if (!p.Signed)
            result = TV.Select(TV.AndNot(neg, TV.Equal(a, zero)), TV.Create(codes ? p.NegativeCode : p.NegativeValue), result);
        TV isNaN = TV.GreaterThan(a, inf);
        result = TV.Select(isNaN, TV.Select(neg, TV.Create(codes ? p.NaNNegCode : p.NaNNegValue), TV.Create(codes ? p.NaNPosCode : p.NaNPosValue)), result);
        return result;
    }
}
