using System.Numerics;
using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The register-tiled micro-kernels of the float32-lane accumulator (<see cref="Float32LaneRounding"/>): an MR x 16 tile of
/// scaled accumulators (TV.Count columns per call) advanced over kc steps of packed panels, every addition rounded into the
/// format. Returns whether any lane left the format's finite range (the caller recomputes that tile exactly).
/// </summary>
internal static unsafe class NarrowAccumulatorKernel
{
    /// <summary>Rows of the register tile.</summary>
    public const int MR = 8;
    /// <summary>Columns of a packed B panel and of the tile.</summary>
    public const int NR = 16;

    /// <summary>
    /// Sequential order: acc[r, c] = round(acc + a[p, r] * b[p, c]) for p = 0..kc-1, with a (packed p * MR + r) and b
    /// (packed p * NR + c) already scaled; acc is row-major with row stride NR, columns [j, j + TV.Count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Sequential<TV, TRange, TRule>(int kc, float* a, float* b, float* acc, int j, Float32LaneRounding plan)
        where TV : struct, ILanes<TV> where TRange : struct, IRangeCheck where TRule : struct, IRoundingRule
    {
        // No call inside the hot loop (it would make the JIT spill every register there): a step with a midpoint lane
        // stores its sums and leaves the loop; the fix-up runs with nothing live in registers, then the loop resumes.
        PatternConstants pc = plan.Pattern;
        uint* sums = stackalloc uint[MR * NR];
        ulong* masks = stackalloc ulong[MR];
        uint* seenStore = stackalloc uint[NR];
        TV.Store(TV.Create(0), ref *seenStore, 0);
        int p = 0;
        while (true)
        {
            TV c0 = Load<TV>(acc, 0 * NR + j), c1 = Load<TV>(acc, 1 * NR + j), c2 = Load<TV>(acc, 2 * NR + j), c3 = Load<TV>(acc, 3 * NR + j);
            TV c4 = Load<TV>(acc, 4 * NR + j), c5 = Load<TV>(acc, 5 * NR + j), c6 = Load<TV>(acc, 6 * NR + j), c7 = Load<TV>(acc, 7 * NR + j);
            TV bias = TV.Create(plan.Bias), low = TV.Create(plan.LowMask), abs = TV.Create(0x7FFF_FFFFu), zero = TV.Create(0);
            TV seen = TV.Load(ref *seenStore, 0);
            bool tie = false;
            for (; p < kc; p++)
            {
                float* ap = a + p * MR;
                TV bv = Load<TV>(b, p * NR + j);
                TV t0 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[0]), bv, c0) + bias;
                TV t1 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[1]), bv, c1) + bias;
                TV t2 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[2]), bv, c2) + bias;
                TV t3 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[3]), bv, c3) + bias;
                TV t4 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[4]), bv, c4) + bias;
                TV t5 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[5]), bv, c5) + bias;
                TV t6 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[6]), bv, c6) + bias;
                TV t7 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[7]), bv, c7) + bias;
                // Nearest modes: a lane whose t = s + half has zero low bits had s on a midpoint. Directed modes: t = s, and
                // zero low bits mean s is on the format's grid (the exact sum may lie on either side).
                TV ties = TV.Min(TV.Min(TV.Min(t0 & low, t1 & low), TV.Min(t2 & low, t3 & low)),
                    TV.Min(TV.Min(t4 & low, t5 & low), TV.Min(t6 & low, t7 & low)));
                if (TV.Any(TV.Equal(ties, zero)))
                {
                    TV.Store(t0, ref *sums, 0 * NR); TV.Store(t1, ref *sums, 1 * NR); TV.Store(t2, ref *sums, 2 * NR); TV.Store(t3, ref *sums, 3 * NR);
                    TV.Store(t4, ref *sums, 4 * NR); TV.Store(t5, ref *sums, 5 * NR); TV.Store(t6, ref *sums, 6 * NR); TV.Store(t7, ref *sums, 7 * NR);
                    masks[0] = TV.MaskBits(TV.Equal(t0 & low, zero)); masks[1] = TV.MaskBits(TV.Equal(t1 & low, zero));
                    masks[2] = TV.MaskBits(TV.Equal(t2 & low, zero)); masks[3] = TV.MaskBits(TV.Equal(t3 & low, zero));
                    masks[4] = TV.MaskBits(TV.Equal(t4 & low, zero)); masks[5] = TV.MaskBits(TV.Equal(t5 & low, zero));
                    masks[6] = TV.MaskBits(TV.Equal(t6 & low, zero)); masks[7] = TV.MaskBits(TV.Equal(t7 & low, zero));
                    tie = true;
                    break;
                }
                c0 = Round<TV, TRule>(t0, low, pc); c1 = Round<TV, TRule>(t1, low, pc); c2 = Round<TV, TRule>(t2, low, pc); c3 = Round<TV, TRule>(t3, low, pc);
                c4 = Round<TV, TRule>(t4, low, pc); c5 = Round<TV, TRule>(t5, low, pc); c6 = Round<TV, TRule>(t6, low, pc); c7 = Round<TV, TRule>(t7, low, pc);
                if (TRange.Enabled)
                    seen = TV.Max(seen, TV.Max(TV.Max(TV.Max(c0 & abs, c1 & abs), TV.Max(c2 & abs, c3 & abs)),
                        TV.Max(TV.Max(c4 & abs, c5 & abs), TV.Max(c6 & abs, c7 & abs))));
            }
            Store(c0, acc, 0 * NR + j); Store(c1, acc, 1 * NR + j); Store(c2, acc, 2 * NR + j); Store(c3, acc, 3 * NR + j);
            Store(c4, acc, 4 * NR + j); Store(c5, acc, 5 * NR + j); Store(c6, acc, 6 * NR + j); Store(c7, acc, 7 * NR + j);
            TV.Store(seen, ref *seenStore, 0);
            if (!tie) break;
            FixStep(masks, sums, acc + j, a + p * MR, b + p * NR + j, plan);
            TV lowMask = TV.Create(plan.LowMask);
            for (int r = 0; r < MR; r++) Store(Round<TV, TRule>(TV.Load(ref *sums, (nuint)(r * NR)), lowMask, pc), acc, r * NR + j);
            if (TRange.Enabled) TV.Store(TV.Max(TV.Load(ref *seenStore, 0), MaxMagnitude<TV>(acc + j)), ref *seenStore, 0);
            p++;
        }
        return TV.Any(TV.GreaterThan(TV.Load(ref *seenStore, 0), TV.Create(plan.MaxBits)));
    }

    /// <summary>
    /// The rounding of a step, by a directed rule of the one rule family (<see cref="IRoundingRule.PatternIncrement"/> on
    /// the float32 bit pattern, then the low D bits cleared): nearest modes look at t = s + half and truncate it
    /// (<see cref="TowardZeroRule"/>: off the midpoints every nearest mode is a truncation of s + half); directed modes look
    /// at t = s and take their own rule. Never called on special lanes before they are fixed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Round<TV, TRule>(TV t, TV low, in PatternConstants c) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TV.AndNot(t + TRule.PatternIncrement(t, TV.ShiftRightArithmetic(t, 31), default, c), low);

    /// <summary>Whether a kernel tracks the largest accumulator magnitude (off when a bound proves no overflow).</summary>
    public interface IRangeCheck
    {
        /// <summary>Whether to track.</summary>
        static abstract bool Enabled { get; }
    }

    /// <summary>Track the largest magnitude every step.</summary>
    public struct Tracked : IRangeCheck
    {
        /// <inheritdoc />
        public static bool Enabled => true;
    }

    /// <summary>The tile is proven in range: no tracking.</summary>
    public struct Bounded : IRangeCheck
    {
        /// <inheritdoc />
        public static bool Enabled => false;
    }

    /// <summary>
    /// Fixes the special lanes of a step: masks[r] marks them in row r, sums[r * NR + l] holds t (s + half, or s), acc (row
    /// stride NR) the accumulators before the step, a the step's MR values of A, b its lanes of B. Writes the correct result
    /// (low bits zero) over t, so rounding sums by the rule gives the new accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FixStep(ulong* masks, uint* sums, float* acc, float* a, float* b, Float32LaneRounding plan)
    {
        uint bias = plan.Bias;
        for (int r = 0; r < MR; r++)
            for (ulong m = masks[r]; m != 0; m &= m - 1)
            {
                int l = BitOperations.TrailingZeroCount(m);
                sums[r * NR + l] = plan.FixTie(acc[r * NR + l], a[r], b[l], sums[r * NR + l] - bias);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV MaxMagnitude<TV>(float* acc) where TV : struct, ILanes<TV>
    {
        TV abs = TV.Create(0x7FFF_FFFFu), m = TV.Create(0);
        for (int r = 0; r < MR; r++) m = TV.Max(m, Load<TV>(acc, r * NR) & abs);
        return m;
    }

    /// <summary>
    /// Chunked order: partial[r, c] = fma(a, b, partial) over unscaled packed panels; at the end of each chunk (global step
    /// <paramref name="t0"/> + p + 1 a multiple of <paramref name="chunk"/>, or the last step <paramref name="k"/>)
    /// acc = round(acc + partial * sigma) and partial = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Chunked<TV, TRule>(int kc, float* a, float* b, float* acc, float* partial, int j, int t0, int chunk, int k,
        Float32LaneRounding plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        // Accumulators and chunk sums stay in registers; a chunk end with a special lane stores them, leaves the loop for
        // the fix-up (nothing live in registers across the call) and resumes with the next chunk.
        PatternConstants pc = plan.Pattern;
        uint* sums = stackalloc uint[MR * NR];
        uint* seenStore = stackalloc uint[NR];
        TV.Store(TV.Create(0), ref *seenStore, 0);
        int p = 0;
        while (true)
        {
            TV c0 = Load<TV>(acc, 0 * NR + j), c1 = Load<TV>(acc, 1 * NR + j), c2 = Load<TV>(acc, 2 * NR + j), c3 = Load<TV>(acc, 3 * NR + j);
            TV c4 = Load<TV>(acc, 4 * NR + j), c5 = Load<TV>(acc, 5 * NR + j), c6 = Load<TV>(acc, 6 * NR + j), c7 = Load<TV>(acc, 7 * NR + j);
            TV q0 = Load<TV>(partial, 0 * NR + j), q1 = Load<TV>(partial, 1 * NR + j), q2 = Load<TV>(partial, 2 * NR + j), q3 = Load<TV>(partial, 3 * NR + j);
            TV q4 = Load<TV>(partial, 4 * NR + j), q5 = Load<TV>(partial, 5 * NR + j), q6 = Load<TV>(partial, 6 * NR + j), q7 = Load<TV>(partial, 7 * NR + j);
            TV bias = TV.Create(plan.Bias), low = TV.Create(plan.LowMask), abs = TV.Create(0x7FFF_FFFFu), zero = TV.Create(0);
            TV sigma = Broadcast<TV>(plan.Sigma);
            TV seen = TV.Load(ref *seenStore, 0);
            bool tie = false;
            while (p < kc)
            {
                int end = Math.Min(kc, p + (chunk - (t0 + p) % chunk));
                for (; p < end; p++)
                {
                    float* ap = a + p * MR;
                    TV bv = Load<TV>(b, p * NR + j);
                    q0 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[0]), bv, q0); q1 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[1]), bv, q1);
                    q2 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[2]), bv, q2); q3 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[3]), bv, q3);
                    q4 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[4]), bv, q4); q5 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[5]), bv, q5);
                    q6 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[6]), bv, q6); q7 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[7]), bv, q7);
                }
                if ((t0 + p) % chunk != 0 && t0 + p != k) break; // the chunk continues in the next block
                TV t0v = TV.FusedMultiplyAddF(q0, sigma, c0) + bias, t1v = TV.FusedMultiplyAddF(q1, sigma, c1) + bias;
                TV t2v = TV.FusedMultiplyAddF(q2, sigma, c2) + bias, t3v = TV.FusedMultiplyAddF(q3, sigma, c3) + bias;
                TV t4v = TV.FusedMultiplyAddF(q4, sigma, c4) + bias, t5v = TV.FusedMultiplyAddF(q5, sigma, c5) + bias;
                TV t6v = TV.FusedMultiplyAddF(q6, sigma, c6) + bias, t7v = TV.FusedMultiplyAddF(q7, sigma, c7) + bias;
                TV ties = TV.Min(TV.Min(TV.Min(t0v & low, t1v & low), TV.Min(t2v & low, t3v & low)),
                    TV.Min(TV.Min(t4v & low, t5v & low), TV.Min(t6v & low, t7v & low)));
                if (TV.Any(TV.Equal(ties, zero)))
                {
                    TV.Store(t0v, ref *sums, 0 * NR); TV.Store(t1v, ref *sums, 1 * NR); TV.Store(t2v, ref *sums, 2 * NR); TV.Store(t3v, ref *sums, 3 * NR);
                    TV.Store(t4v, ref *sums, 4 * NR); TV.Store(t5v, ref *sums, 5 * NR); TV.Store(t6v, ref *sums, 6 * NR); TV.Store(t7v, ref *sums, 7 * NR);
                    tie = true;
                    break;
                }
                c0 = Round<TV, TRule>(t0v, low, pc); c1 = Round<TV, TRule>(t1v, low, pc); c2 = Round<TV, TRule>(t2v, low, pc); c3 = Round<TV, TRule>(t3v, low, pc);
                c4 = Round<TV, TRule>(t4v, low, pc); c5 = Round<TV, TRule>(t5v, low, pc); c6 = Round<TV, TRule>(t6v, low, pc); c7 = Round<TV, TRule>(t7v, low, pc);
                seen = TV.Max(seen, TV.Max(TV.Max(TV.Max(c0 & abs, c1 & abs), TV.Max(c2 & abs, c3 & abs)),
                    TV.Max(TV.Max(c4 & abs, c5 & abs), TV.Max(c6 & abs, c7 & abs))));
                q0 = q1 = q2 = q3 = q4 = q5 = q6 = q7 = zero;
            }
            Store(c0, acc, 0 * NR + j); Store(c1, acc, 1 * NR + j); Store(c2, acc, 2 * NR + j); Store(c3, acc, 3 * NR + j);
            Store(c4, acc, 4 * NR + j); Store(c5, acc, 5 * NR + j); Store(c6, acc, 6 * NR + j); Store(c7, acc, 7 * NR + j);
            Store(q0, partial, 0 * NR + j); Store(q1, partial, 1 * NR + j); Store(q2, partial, 2 * NR + j); Store(q3, partial, 3 * NR + j);
            Store(q4, partial, 4 * NR + j); Store(q5, partial, 5 * NR + j); Store(q6, partial, 6 * NR + j); Store(q7, partial, 7 * NR + j);
            TV.Store(seen, ref *seenStore, 0);
            if (!tie) break;
            FixStep(TV.Count, sums, acc + j, partial + j, plan);
            TV lowMask = TV.Create(plan.LowMask);
            for (int r = 0; r < MR; r++)
            {
                Store(Round<TV, TRule>(TV.Load(ref *sums, (nuint)(r * NR)), lowMask, pc), acc, r * NR + j);
                Store(TV.Create(0), partial, r * NR + j);
            }
            TV.Store(TV.Max(TV.Load(ref *seenStore, 0), MaxMagnitude<TV>(acc + j)), ref *seenStore, 0);
        }
        return TV.Any(TV.GreaterThan(TV.Load(ref *seenStore, 0), TV.Create(plan.MaxBits)));
    }

    /// <summary>The chunk form of <see cref="FixStep(ulong*, uint*, float*, float*, float*, Float32LaneRounding)"/>: sums holds
    /// t = fma(partial, sigma, acc) + bias per lane; the addend is partial * sigma (every lane checked).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FixStep(int lanes, uint* sums, float* acc, float* partial, Float32LaneRounding plan)
    {
        for (int r = 0; r < MR; r++)
            for (int l = 0; l < lanes; l++)
            {
                uint t = sums[r * NR + l];
                if ((t & plan.LowMask) == 0) sums[r * NR + l] = plan.FixTie(acc[r * NR + l], partial[r * NR + l], plan.Sigma, t - plan.Bias);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load<TV>(float* p, int offset) where TV : struct, ILanes<TV> => TV.Load(ref *(uint*)p, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(TV v, float* p, int offset) where TV : struct, ILanes<TV> => TV.Store(v, ref *(uint*)p, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Broadcast<TV>(float x) where TV : struct, ILanes<TV> => TV.Create(BitConverter.SingleToUInt32Bits(x));
}
