using System.Runtime.CompilerServices;
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
    public static bool Sequential<TV>(int kc, float* a, float* b, float* acc, int j, Float32LaneRounding plan) where TV : struct, ILanes<TV>
    {
        TV c0 = Load<TV>(acc, 0 * NR + j), c1 = Load<TV>(acc, 1 * NR + j), c2 = Load<TV>(acc, 2 * NR + j), c3 = Load<TV>(acc, 3 * NR + j);
        TV c4 = Load<TV>(acc, 4 * NR + j), c5 = Load<TV>(acc, 5 * NR + j), c6 = Load<TV>(acc, 6 * NR + j), c7 = Load<TV>(acc, 7 * NR + j);
        TV half = TV.Create(plan.Half), low = TV.Create(plan.LowMask), abs = TV.Create(0x7FFF_FFFFu), zero = TV.Create(0);
        TV seen = zero;
        for (int p = 0; p < kc; p++)
        {
            float* ap = a + p * MR;
            TV bv = Load<TV>(b, p * NR + j);
            TV t0 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[0]), bv, c0) + half;
            TV t1 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[1]), bv, c1) + half;
            TV t2 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[2]), bv, c2) + half;
            TV t3 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[3]), bv, c3) + half;
            TV t4 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[4]), bv, c4) + half;
            TV t5 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[5]), bv, c5) + half;
            TV t6 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[6]), bv, c6) + half;
            TV t7 = TV.FusedMultiplyAddF(Broadcast<TV>(ap[7]), bv, c7) + half;
            // A lane whose s + half has zero low bits had s on a midpoint.
            TV ties = TV.Min(TV.Min(TV.Min(t0 & low, t1 & low), TV.Min(t2 & low, t3 & low)),
                TV.Min(TV.Min(t4 & low, t5 & low), TV.Min(t6 & low, t7 & low)));
            if (TV.Any(TV.Equal(ties, zero)))
            {
                t0 = Fix(t0, c0, ap[0], bv, plan); t1 = Fix(t1, c1, ap[1], bv, plan);
                t2 = Fix(t2, c2, ap[2], bv, plan); t3 = Fix(t3, c3, ap[3], bv, plan);
                t4 = Fix(t4, c4, ap[4], bv, plan); t5 = Fix(t5, c5, ap[5], bv, plan);
                t6 = Fix(t6, c6, ap[6], bv, plan); t7 = Fix(t7, c7, ap[7], bv, plan);
            }
            c0 = TV.AndNot(t0, low); c1 = TV.AndNot(t1, low); c2 = TV.AndNot(t2, low); c3 = TV.AndNot(t3, low);
            c4 = TV.AndNot(t4, low); c5 = TV.AndNot(t5, low); c6 = TV.AndNot(t6, low); c7 = TV.AndNot(t7, low);
            seen = TV.Max(seen, TV.Max(TV.Max(TV.Max(c0 & abs, c1 & abs), TV.Max(c2 & abs, c3 & abs)),
                TV.Max(TV.Max(c4 & abs, c5 & abs), TV.Max(c6 & abs, c7 & abs))));
        }
        Store(c0, acc, 0 * NR + j); Store(c1, acc, 1 * NR + j); Store(c2, acc, 2 * NR + j); Store(c3, acc, 3 * NR + j);
        Store(c4, acc, 4 * NR + j); Store(c5, acc, 5 * NR + j); Store(c6, acc, 6 * NR + j); Store(c7, acc, 7 * NR + j);
        return TV.Any(TV.GreaterThan(seen, TV.Create(plan.MaxBits)));
    }

    /// <summary>
    /// Chunked order: partial[r, c] = fma(a, b, partial) over unscaled packed panels; at the end of each chunk (global step
    /// <paramref name="t0"/> + p + 1 a multiple of <paramref name="chunk"/>, or the last step <paramref name="k"/>)
    /// acc = round(acc + partial * sigma) and partial = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Chunked<TV>(int kc, float* a, float* b, float* acc, float* partial, int j, int t0, int chunk, int k,
        Float32LaneRounding plan) where TV : struct, ILanes<TV>
    {
        TV c0 = Load<TV>(acc, 0 * NR + j), c1 = Load<TV>(acc, 1 * NR + j), c2 = Load<TV>(acc, 2 * NR + j), c3 = Load<TV>(acc, 3 * NR + j);
        TV c4 = Load<TV>(acc, 4 * NR + j), c5 = Load<TV>(acc, 5 * NR + j), c6 = Load<TV>(acc, 6 * NR + j), c7 = Load<TV>(acc, 7 * NR + j);
        TV q0 = Load<TV>(partial, 0 * NR + j), q1 = Load<TV>(partial, 1 * NR + j), q2 = Load<TV>(partial, 2 * NR + j), q3 = Load<TV>(partial, 3 * NR + j);
        TV q4 = Load<TV>(partial, 4 * NR + j), q5 = Load<TV>(partial, 5 * NR + j), q6 = Load<TV>(partial, 6 * NR + j), q7 = Load<TV>(partial, 7 * NR + j);
        TV half = TV.Create(plan.Half), low = TV.Create(plan.LowMask), abs = TV.Create(0x7FFF_FFFFu), zero = TV.Create(0);
        TV sigma = Broadcast<TV>(plan.Sigma);
        TV seen = zero;
        int p = 0;
        while (p < kc)
        {
            int t = t0 + p;
            int end = Math.Min(kc, p + (chunk - t % chunk));
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
            TV t0v = TV.FusedMultiplyAddF(q0, sigma, c0) + half, t1v = TV.FusedMultiplyAddF(q1, sigma, c1) + half;
            TV t2v = TV.FusedMultiplyAddF(q2, sigma, c2) + half, t3v = TV.FusedMultiplyAddF(q3, sigma, c3) + half;
            TV t4v = TV.FusedMultiplyAddF(q4, sigma, c4) + half, t5v = TV.FusedMultiplyAddF(q5, sigma, c5) + half;
            TV t6v = TV.FusedMultiplyAddF(q6, sigma, c6) + half, t7v = TV.FusedMultiplyAddF(q7, sigma, c7) + half;
            TV ties = TV.Min(TV.Min(TV.Min(t0v & low, t1v & low), TV.Min(t2v & low, t3v & low)),
                TV.Min(TV.Min(t4v & low, t5v & low), TV.Min(t6v & low, t7v & low)));
            if (TV.Any(TV.Equal(ties, zero)))
            {
                t0v = FixLanes(t0v, c0, q0, plan); t1v = FixLanes(t1v, c1, q1, plan); t2v = FixLanes(t2v, c2, q2, plan); t3v = FixLanes(t3v, c3, q3, plan);
                t4v = FixLanes(t4v, c4, q4, plan); t5v = FixLanes(t5v, c5, q5, plan); t6v = FixLanes(t6v, c6, q6, plan); t7v = FixLanes(t7v, c7, q7, plan);
            }
            c0 = TV.AndNot(t0v, low); c1 = TV.AndNot(t1v, low); c2 = TV.AndNot(t2v, low); c3 = TV.AndNot(t3v, low);
            c4 = TV.AndNot(t4v, low); c5 = TV.AndNot(t5v, low); c6 = TV.AndNot(t6v, low); c7 = TV.AndNot(t7v, low);
            seen = TV.Max(seen, TV.Max(TV.Max(TV.Max(c0 & abs, c1 & abs), TV.Max(c2 & abs, c3 & abs)),
                TV.Max(TV.Max(c4 & abs, c5 & abs), TV.Max(c6 & abs, c7 & abs))));
            q0 = q1 = q2 = q3 = q4 = q5 = q6 = q7 = zero;
        }
        Store(c0, acc, 0 * NR + j); Store(c1, acc, 1 * NR + j); Store(c2, acc, 2 * NR + j); Store(c3, acc, 3 * NR + j);
        Store(c4, acc, 4 * NR + j); Store(c5, acc, 5 * NR + j); Store(c6, acc, 6 * NR + j); Store(c7, acc, 7 * NR + j);
        Store(q0, partial, 0 * NR + j); Store(q1, partial, 1 * NR + j); Store(q2, partial, 2 * NR + j); Store(q3, partial, 3 * NR + j);
        Store(q4, partial, 4 * NR + j); Store(q5, partial, 5 * NR + j); Store(q6, partial, 6 * NR + j); Store(q7, partial, 7 * NR + j);
        return TV.Any(TV.GreaterThan(seen, TV.Create(plan.MaxBits)));
    }

    /// <summary>Replaces the midpoint lanes of t = s + half (s = fma(a, b, acc)) by the exact decision, as t' with the same low-bit clearing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Fix<TV>(TV t, TV acc, float a, TV b, Float32LaneRounding plan) where TV : struct, ILanes<TV>
    {
        uint* tl = stackalloc uint[TV.Count];
        uint* cl = stackalloc uint[TV.Count];
        uint* bl = stackalloc uint[TV.Count];
        TV.Store(t, ref *tl, 0); TV.Store(acc, ref *cl, 0); TV.Store(b, ref *bl, 0);
        for (int l = 0; l < TV.Count; l++)
            if ((tl[l] & plan.LowMask) == 0)
                tl[l] = plan.FixTie(BitConverter.UInt32BitsToSingle(cl[l]), a, BitConverter.UInt32BitsToSingle(bl[l]), tl[l] - plan.Half);
        return TV.Load(ref *tl, 0);
    }

    /// <summary><see cref="Fix{TV}"/> for a chunk addition acc + q * sigma (q per lane).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV FixLanes<TV>(TV t, TV acc, TV q, Float32LaneRounding plan) where TV : struct, ILanes<TV>
    {
        uint* tl = stackalloc uint[TV.Count];
        uint* cl = stackalloc uint[TV.Count];
        uint* ql = stackalloc uint[TV.Count];
        TV.Store(t, ref *tl, 0); TV.Store(acc, ref *cl, 0); TV.Store(q, ref *ql, 0);
        for (int l = 0; l < TV.Count; l++)
            if ((tl[l] & plan.LowMask) == 0)
                tl[l] = plan.FixTie(BitConverter.UInt32BitsToSingle(cl[l]), BitConverter.UInt32BitsToSingle(ql[l]), plan.Sigma, tl[l] - plan.Half);
        return TV.Load(ref *tl, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Load<TV>(float* p, int offset) where TV : struct, ILanes<TV> => TV.Load(ref *(uint*)p, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(TV v, float* p, int offset) where TV : struct, ILanes<TV> => TV.Store(v, ref *(uint*)p, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Broadcast<TV>(float x) where TV : struct, ILanes<TV> => TV.Create(BitConverter.SingleToUInt32Bits(x));
}
