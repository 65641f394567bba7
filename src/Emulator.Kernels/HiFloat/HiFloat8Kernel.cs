using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.HiFloat;

/// <summary>
/// float32 -> HiFloat8 on a register. HiF8's precision depends only on the binade, so the float32 exponent E gives the
/// discarded bit count D = 20 + [|E| &gt;= 4] + [|E| &gt;= 8] + [|E| &gt;= 16] (E = -22..15); nu is the low D bits of the
/// pattern and lowerOdd the lsb of the kept bits (the code's lsb: the mantissa's, or in the denormal binades the exponent's,
/// whose parity is the code's E + 23). Below 2^-22 the candidates are 0 and 2^-22 (nu = |x| 2^22 exactly in float32).
/// A rounded magnitude at or above 1.5 * 2^15 is overflow; the code is the binade's code plus the kept mantissa bits.
/// </summary>
internal static class HiFloat8Kernel
{
    private const uint MinDenormalBits = 0x3480_0000; // 2^-22
    private const uint OverflowBits = 0x4740_0000;    // 1.5 * 2^15, the candidate above max

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Convert<TV, TRule>(TV x, TV random, in HiFloat8Plan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0), one = TV.Create(1);
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV e = TV.ShiftRightLogical(a, 23) - TV.Create(127);
        TV es = TV.ShiftRightArithmetic(e, 31);
        TV ae = (e ^ es) - es;
        TV d = TV.Create(20) - TV.GreaterThan(ae, TV.Create(3)) - TV.GreaterThan(ae, TV.Create(7)) - TV.GreaterThan(ae, TV.Create(15));
        TV small = TV.GreaterThan(TV.Create(MinDenormalBits), a);
        TV kept = TV.AndNot(TV.ShiftRightLogicalVariable(a, d), small);
        // Below 2^-22: nu = |x| 2^22 (exact), floor(nu 2^32) = |x| 2^54 truncated (exact, below 2^32).
        TV top = TV.Select(small, TV.TruncateToUInt32(TV.MultiplyF(a, TV.Create(0x5A80_0000))), TV.ShiftLeftVariable(a, TV.Create(32) - d));
        TV half = TV.Create(0x8000_0000);
        var r = new RoundingLanes<TV>
        {
            Negative = neg,
            Random = random,
            AboveHalf = TV.GreaterThan(top, half),
            AtHalf = TV.Equal(top, half),
            // Below 2^-54 nu 2^32 truncates to 0, yet nu is nonzero.
            Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.Equal(top, zero)) | TV.AndNot(small, TV.Equal(a, zero)),
            Top32 = top,
            LowerOdd = zero - (kept & one),
        };
        TV up = TRule.RoundsUp(r, p.StochasticShift);
        TV rounded = TV.Select(small, up & TV.Create(MinDenormalBits), TV.ShiftLeftVariable(kept - up, d));
        TV isZero = TV.Equal(rounded, zero);                         // 0x00 only: no -0
        TV overflow = TV.GreaterThan(rounded, TV.Create(OverflowBits - 1));
        TV result;
        if (codes)
        {
            TV entry = TV.Lookup(TV.ShiftRightLogical(rounded, 23) - TV.Create(127 - 22), p.BinadeCodes);
            TV mag = (entry & TV.Create(0xFF)) + TV.ShiftRightLogicalVariable(rounded & TV.Create(0x7F_FFFF), TV.ShiftRightLogical(entry, 8));
            result = TV.AndNot(mag | (neg & TV.Create(0x80)), isZero);
            result = TV.Select(overflow, TV.Select(neg, TV.Create(p.OverflowNegCode), TV.Create(p.OverflowPosCode)), result);
        }
        else
        {
            result = TV.AndNot(rounded | (neg & half), isZero);
            result = TV.Select(overflow, TV.Select(neg, TV.Create(p.OverflowNegValue), TV.Create(p.OverflowPosValue)), result);
        }
        TV special = TV.GreaterThan(a, TV.Create(0x7F7F_FFFF));
        if (TV.Any(special)) result = Special(a, neg, result, p, codes);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Special<TV>(TV a, TV neg, TV result, in HiFloat8Plan p, bool codes) where TV : struct, ILanes<TV>
    {
        TV inf = TV.Create(0x7F80_0000);
        TV infResult = codes ? TV.Select(neg, TV.Create(p.InfNegCode), TV.Create(p.InfPosCode)) : TV.Select(neg, TV.Create(p.InfNegValue), TV.Create(p.InfPosValue));
        result = TV.Select(TV.Equal(a, inf), infResult, result);
        return TV.Select(TV.GreaterThan(a, inf), TV.Create(codes ? p.NaNCode : p.NaNValue), result);
    }
}
