using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Table;

/// <summary>
/// float32 -> table format (FORMATS.md section 3's tables) on a register. Deterministic modes whose code is monotone in
/// the input take <c>Decide</c> (the code is the count of precomputed decision thresholds below the key); the
/// general kernel (stochastic modes, toward-zero across 0, tables over 256 values): a binary search of the order key over the
/// thresholds (one <see cref="ILanes{TSelf}.Lookup"/> per step: a permute for 16-entry tables) gives the lower index i with
/// v_i &lt;= x &lt; v_i+1; the key compared with the interval's exact-value and midpoint keys gives nu's relation to 1/2; the
/// candidate toward zero is i for x &gt;= 0 and i + 1 for x &lt; 0 (parity from it), and the rule struct decides.
/// Stochastic(N) evaluates the rule's inequality floor(nu 2^N) + R_N &gt;= 2^N as dist + R_N 2^-N w &gt;= w in float32
/// (dist = x - lo, or hi - x for x &lt; 0); lanes within the error band of w are rare and take the reference.
/// </summary>
internal static class TableKernel
{
    /// <summary>Every rule but stochastic(N): nu vs 1/2 from the midpoint keys, the rule struct decides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Fast<TV, TRule, TL>(TV x, TV random, in TablePlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule where TL : struct, ITableLookup
    {
        TableData t = p.Data;
        TV one = TV.Create(1);
        TV idx = Locate<TV, TL>(x, t, out TV neg, out TV key, out TV settled);
        TV above = TV.GreaterThan(key, Get<TV, TL>(idx, t.AboveMid)); // x > mid
        TV below = TV.GreaterThan(Get<TV, TL>(idx, t.BelowMid), key); // x < mid
        var lanes = new RoundingLanes<TV>
        {
            Negative = neg,
            Random = random,
            AboveHalf = TV.Select(neg, below, above),
            AtHalf = TV.AndNot(TV.Create(uint.MaxValue), above | below),
            Inexact = TV.Create(uint.MaxValue),
            LowerOdd = TV.Create(0) - ((idx ^ neg) & one),            // parity of the candidate toward zero
        };
        TV up = TRule.RoundsUp(lanes, p.StochasticShift);
        return Finish<TV, TL>(x, idx + TV.AndNot((up ^ neg) & one, settled), t, codes);
    }

    /// <summary>Stochastic(N): floor(nu 2^N) + R_N &gt;= 2^N as dist + R_N 2^-N w &gt;= w in float32; lanes within the error
    /// band are <paramref name="rare"/>. Not inlined into the loop: the JIT's inline budget of the loop method runs out
    /// (and leaves calls to tiny lane operations), while compiled on its own every lane operation is inlined.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV FastStochastic<TV, TL>(TV x, TV random, in TablePlan p, bool codes, out TV rare)
        where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TableData t = p.Data;
        TV idx = Locate<TV, TL>(x, t, out TV neg, out _, out TV settled);
        TV lo = Get<TV, TL>(idx, t.Lo), hi = Get<TV, TL>(idx, t.Hi);
        TV dist = TV.Select(neg, TV.SubtractF(hi, x), TV.SubtractF(x, lo));
        TV r = TV.MultiplyF(TV.UInt32ToSingle(TV.ShiftRightLogical(random, p.StochasticShift)), TV.Create(p.RandomScale));
        TV sum = TV.AddF(dist, TV.MultiplyF(r, Get<TV, TL>(idx, t.Width)));
        TV up = TV.GreaterThanOrEqualF(sum, Get<TV, TL>(idx, t.Upper));
        rare = TV.AndNot(TV.AndNot(TV.Create(uint.MaxValue), up | TV.GreaterThanOrEqualF(Get<TV, TL>(idx, t.Lower), sum)), settled);
        return Finish<TV, TL>(x, idx + TV.AndNot((up ^ neg) & TV.Create(1), settled), t, codes);
    }

    /// <summary>The sign mask, the order key (±0 together), the lower index i (v_i &lt;= x &lt; v_i+1) and the lanes whose
    /// code is i without rounding (x == v_i, beyond either end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Locate<TV, TL>(TV x, TableData t, out TV neg, out TV key, out TV settled) where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        neg = TV.ShiftRightArithmetic(x, 31);
        key = x ^ (neg | TV.Create(0x8000_0000));
        key -= TV.Equal(key, TV.Create(0x7FFF_FFFF));                 // -0 joins +0
        TV idx = Search<TV, TL>(key, t.Thresholds, t.Steps);
        settled = TV.Equal(key, Get<TV, TL>(idx, t.ExactKeys)) | TV.Equal(idx, TV.Create(t.Last)) | TV.GreaterThan(TV.Create(t.KeyLow), key);
        return idx;
    }

    /// <summary>NaN lanes, and the code or its float32 value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Finish<TV, TL>(TV x, TV code, TableData t, bool codes) where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TV nan = TV.GreaterThan(x & TV.Create(0x7FFF_FFFF), TV.Create(0x7F80_0000));
        if (codes) return TV.Select(nan, TV.Create(t.NaNCode), code);
        return TV.Select(nan, TV.Create(t.NaNValue), Get<TV, TL>(code, t.Values));
    }

    /// <summary>Deterministic modes where the code is a non-decreasing function of the input: the code is the number of
    /// decision thresholds below the key (a binary search, one lookup per step), NaN selected.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decide<TV, TL>(TV x, in TablePlan p, bool codes) where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TV key = x ^ (TV.ShiftRightArithmetic(x, 31) | TV.Create(0x8000_0000));
        return Finish<TV, TL>(x, Search<TV, TL>(key, p.Decisions!, p.Data.Steps), p.Data, codes);
    }

    /// <summary>The number of thresholds below the key (entries hold key - 1; entry 0 is unused): a binary search, one
    /// lookup per step (unrolled for 16-entry tables; a compare-and-count over 15 thresholds measured slower).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Search<TV, TL>(TV key, LaneTable thresholds, int steps) where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TV idx = TV.Create(0);
        if (TL.Is16)
        {
            idx = Step<TV, TL>(key, thresholds, idx, 8);
            idx = Step<TV, TL>(key, thresholds, idx, 4);
            idx = Step<TV, TL>(key, thresholds, idx, 2);
            return Step<TV, TL>(key, thresholds, idx, 1);
        }
        for (int s = steps - 1; s >= 0; s--) idx = Step<TV, TL>(key, thresholds, idx, 1u << s);
        return idx;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Step<TV, TL>(TV key, LaneTable thresholds, TV idx, uint bit) where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TV cand = idx | TV.Create(bit);
        return TV.Select(TV.GreaterThan(key, Get<TV, TL>(cand, thresholds)), cand, idx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Get<TV, TL>(TV index, LaneTable table) where TV : struct, ILanes<TV> where TL : struct, ITableLookup =>
        TL.Is16 ? TV.Permute16(index, table.V0) : TV.Lookup(index, table);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ConvertStochastic<TV, TL>(TV x, TV random, in TablePlan p, bool codes)
        where TV : struct, ILanes<TV> where TL : struct, ITableLookup
    {
        TV result = FastStochastic<TV, TL>(x, random, p, codes, out TV rare);
        return TV.Any(rare) ? ReferenceLanes.Fix(x, random, result, rare, p.Format, p.Options, codes) : result;
    }

    /// <summary>Code -> float32: one lookup (codes beyond the values decode as NaN, as the reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decode<TV, TL>(TV code, TableData t) where TV : struct, ILanes<TV> where TL : struct, ITableLookup =>
        Get<TV, TL>(code, t.Values);
}
