using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Table;

/// <summary>
/// float32 -> table format (FORMATS.md section 3's tables) on a register: a binary search of the order key over the
/// thresholds (one <see cref="ILanes{TSelf}.Lookup"/> per step: a permute for 16-entry tables) gives the lower index i with
/// v_i &lt;= x &lt; v_i+1; the key compared with the interval's exact-value and midpoint keys gives nu's relation to 1/2; the
/// candidate toward zero is i for x &gt;= 0 and i + 1 for x &lt; 0 (parity from it), and the rule struct decides.
/// Stochastic(N) evaluates the rule's inequality floor(nu 2^N) + R_N &gt;= 2^N as dist + R_N 2^-N w &gt;= w in float32
/// (dist = x - lo, or hi - x for x &lt; 0); lanes within the error band of w are rare and take the reference.
/// </summary>
internal static class TableKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule>(TV x, TV random, in TablePlan p, bool codes, out TV rare)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TableData t = p.Data;
        TV zero = TV.Create(0), one = TV.Create(1);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV key = x ^ (neg | TV.Create(0x8000_0000));
        key -= TV.Equal(key, TV.Create(0x7FFF_FFFF));                 // -0 joins +0

        TV idx = zero;
        for (int s = t.Steps - 1; s >= 0; s--)
        {
            TV cand = idx | TV.Create(1u << s);
            idx = TV.Select(TV.GreaterThan(key, TV.Lookup(cand, t.Thresholds)), cand, idx);
        }

        TV settled = TV.Equal(key, TV.Lookup(idx, t.ExactKeys)) | TV.Equal(idx, TV.Create(t.Last)) | TV.GreaterThan(TV.Create(t.KeyLow), key);
        TV above = TV.GreaterThan(key, TV.Lookup(idx, t.AboveMid));     // x > mid
        TV below = TV.GreaterThan(TV.Lookup(idx, t.BelowMid), key);     // x < mid
        TV up;
        rare = zero;
        if (TRule.NeedsTop32)
        {
            TV lo = TV.Lookup(idx, t.Lo), hi = TV.Lookup(idx, t.Hi);
            TV dist = TV.Select(neg, TV.SubtractF(hi, x), TV.SubtractF(x, lo));
            TV r = TV.MultiplyF(TV.UInt32ToSingle(TV.ShiftRightLogical(random, p.StochasticShift)), TV.Create(p.RandomScale));
            TV sum = AddF(dist, TV.MultiplyF(r, TV.Lookup(idx, t.Width)));
            up = TV.GreaterThanOrEqualF(sum, TV.Lookup(idx, t.Upper));
            rare = TV.AndNot(TV.AndNot(TV.Create(uint.MaxValue), up | TV.GreaterThanOrEqualF(TV.Lookup(idx, t.Lower), sum)), settled);
        }
        else
        {
            var lanes = new RoundingLanes<TV>
            {
                Negative = neg,
                Random = random,
                AboveHalf = TV.Select(neg, below, above),
                AtHalf = TV.AndNot(TV.Create(uint.MaxValue), above | below),
                Inexact = TV.Create(uint.MaxValue),
                LowerOdd = zero - ((idx ^ neg) & one),                   // parity of the candidate toward zero
            };
            up = TRule.RoundsUp(lanes, p.StochasticShift);
        }
        TV code = idx + TV.AndNot((up ^ neg) & one, settled);           // away from zero is i + 1 for x >= 0, i for x < 0
        TV nan = TV.GreaterThan(x & TV.Create(0x7FFF_FFFF), TV.Create(0x7F80_0000));
        if (codes) return TV.Select(nan, TV.Create(t.NaNCode), code);
        return TV.Select(nan, TV.Create(t.NaNValue), TV.Lookup(code, t.Values));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV AddF<TV>(TV a, TV b) where TV : struct, ILanes<TV> =>
        TV.SubtractF(a, b ^ TV.Create(0x8000_0000));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Convert<TV, TRule>(TV x, TV random, in TablePlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV result = Fast<TV, TRule>(x, random, p, codes, out TV rare);
        return TV.Any(rare) ? ReferenceLanes.Fix(x, random, result, rare, p.Format, p.Options, codes) : result;
    }

    /// <summary>Code -> float32: one lookup (codes beyond the values decode as NaN, as the reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decode<TV>(TV code, TableData t) where TV : struct, ILanes<TV> => TV.Lookup(code, t.Values);
}

internal struct TableQuantizeOp : IElementOp<TablePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Fast<TV, TRule>(input, random, plan, codes: false, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct TableEncodeOp : IElementOp<TablePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Fast<TV, TRule>(input, random, plan, codes: true, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Convert<TV, TRule>(input, random, plan, codes: true);
}

internal struct TableDecodeOp : IElementOp<TablePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TableKernel.Decode(input, plan.Data);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Decode(input, plan.Data);
}
