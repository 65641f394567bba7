using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.HiFloat;

/// <summary>
/// Constants of the float32 -> HiFloat8 kernel: the code of 2^E and the mantissa shift of binade E (E = -22..15, one
/// 64-entry <see cref="LaneTable"/>, entry = code | shift &lt;&lt; 8, built from the reference), and the special codes and
/// values (overflow per sign under the options' mode and policy, ±Inf, NaN) taken from the reference itself.
/// </summary>
internal readonly struct HiFloat8Plan
{
    private static readonly LaneTable Binades = BuildBinades();

    public readonly int StochasticShift;
    public readonly LaneTable BinadeCodes;
    public readonly uint OverflowPosCode, OverflowNegCode, InfPosCode, InfNegCode, NaNCode;
    public readonly uint OverflowPosValue, OverflowNegValue, InfPosValue, InfNegValue, NaNValue;

    public HiFloat8Plan(HiFloat8Format f, in RoundingOptions options)
    {
        StochasticShift = 32 - options.StochasticBits;
        BinadeCodes = Binades;
        OverflowPosCode = f.Encode(65536.0, options, 0u);
        OverflowNegCode = f.Encode(-65536.0, options, 0u);
        InfPosCode = f.Encode(double.PositiveInfinity, options, 0u);
        InfNegCode = f.Encode(double.NegativeInfinity, options, 0u);
        NaNCode = f.Encode(double.NaN, options, 0u);
        OverflowPosValue = Value(f, OverflowPosCode);
        OverflowNegValue = Value(f, OverflowNegCode);
        InfPosValue = Value(f, InfPosCode);
        InfNegValue = Value(f, InfNegCode);
        NaNValue = Value(f, NaNCode);
    }

    /// <summary>Discarded float32 mantissa bits in binade E: 3 mantissa bits for |E| &lt;= 3, 2 up to 7, 1 up to 15, none for
    /// the denormal binades E &lt;= -16.</summary>
    public static int Shift(int e)
    {
        int ae = Math.Abs(e);
        return 20 + (ae >= 4 ? 1 : 0) + (ae >= 8 ? 1 : 0) + (ae >= 16 ? 1 : 0);
    }

    private static LaneTable BuildBinades()
    {
        var f = new HiFloat8Format(FormatInfo.Named("hifloat8"));
        var entries = new uint[38];
        for (int e = -22; e <= 15; e++)
            entries[e + 22] = f.Encode(Math.ScaleB(1.0, e), default, 0u) | (uint)Shift(e) << 8;
        return new LaneTable(entries, 0);
    }

    private static uint Value(HiFloat8Format f, uint code) => BitConverter.SingleToUInt32Bits((float)f.Decode(code));
}

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

internal struct HiFloat8QuantizeOp : IElementOp<HiFloat8Plan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in HiFloat8Plan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in HiFloat8Plan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct HiFloat8EncodeOp : IElementOp<HiFloat8Plan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in HiFloat8Plan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in HiFloat8Plan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: true);
}

/// <summary>HiFloat8 code -> float32: one lookup in the 256 reference values (two 256-bit gathers per Vector512).</summary>
internal struct HiFloat8DecodeOp : IElementOp<DecodeTablePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in DecodeTablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TV.Lookup(input, plan.Table);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in DecodeTablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TV.Lookup(input, plan.Table);
}
