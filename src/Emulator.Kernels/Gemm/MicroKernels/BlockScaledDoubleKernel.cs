using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The block-scaled micro-kernel for elements that do not fit int8 (FP8, E3M2): elements packed as their integers N (value =
/// N * 2^Q) in float64, per block exact sums S in float64 and one exact rounding of S * X_A * X_B to float32.
/// <para>Exactness. Every N of an 8-bit format has at most 8 significant bits, so each product N_a * N_b is exact in
/// float64. In the plain mode (|N_a N_b| * blockSize &lt; 2^53: e4m3 2^41, e3m2, e2m3) every partial sum is an integer
/// below 2^53, hence exact. In the split mode (e5m2: products up to 2^63.6) each product p is split exactly into
/// h = RN(p + 1.5 * 2^84) - 1.5 * 2^84 (a multiple of 2^32) and l = p - h (|l| &lt;= 2^31, by an FMA); the h sum is a
/// multiple of 2^32 below 2^75 and the l sum an integer below 2^41: both exact, S = hi + lo.</para>
/// <para>Rounding. With s + e = hi + lo (TwoSum, exact) and X = X_A X_B 2^(Qa+Qb) (exact: at most 16 significant bits),
/// P = RN(s X) and err = s X - P (FMA, exact). If e = 0 the residual is err; if err = 0 (always for power-of-two scales)
/// it is e X, of the sign of e and below one ulp of P. Rounding to odd at 53 bits (P, or its predecessor toward zero when
/// the residual has the opposite sign, with the last bit set) then once to float32 is the correct rounding of S X
/// (53 &gt;= 24 + 2), the same as <see cref="BlockScaledReference.Term"/>. Lanes with both err and e nonzero (e5m2 with
/// non-power-of-two scales), and blocks with a non-finite element or scale, take <see cref="BlockScaledReference.BlockTerm"/>.</para>
/// <para>Full finite tiles take fused register kernels: <see cref="PlainExact"/> when S X is exact in float64, and
/// <see cref="Certified"/> for the split mode (plain sums with a per-lane error proof, the split sums only where it fails).</para>
/// </summary>
internal static unsafe class BlockScaledDoubleKernel
{
    public const int MR = 6, NR = 16;
    private static readonly double SplitConstant = Math.ScaleB(1.5, 84);

    /// <summary>Per-lane fallback to the definition: (row, col, block) to t.</summary>
    public interface IFallback
    {
        float BlockTerm(int i, int j, int blk);
    }

    /// <param name="fallback">The definition, for non-finite blocks and unprovable lanes.</param>
    /// <param name="blocks">Blocks in this call.</param>
    /// <param name="blk0">Index of the first block (for the fallback).</param>
    /// <param name="bs">Elements per block (packed slots; padding is 0).</param>
    /// <param name="a">A strip: blocks x bs x MR doubles.</param>
    /// <param name="sa">A scales times 2^Qa: blocks x MR.</param>
    /// <param name="maxA">Largest |N| of each A row's block: blocks x MR.</param>
    /// <param name="finA">Per block: every element and scale of the A strip finite.</param>
    /// <param name="b">B strip: blocks x bs x NR doubles.</param>
    /// <param name="sb">B scales times 2^Qb: blocks x NR.</param>
    /// <param name="maxB">Largest |N| of each B column's block: blocks x NR.</param>
    /// <param name="finB">Per block: every element and scale of the B strip finite.</param>
    /// <param name="mode">How the block sums are formed and rounded.</param>
    /// <param name="first">Whether the float32 accumulators start from 0 (else from C).</param>
    /// <param name="tensorScale">Applied to the accumulators when <paramref name="last"/>, else 1 is not applied.</param>
    /// <param name="last">Whether this call ends the reduction.</param>
    /// <param name="c">Tile origin in C.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="i0">Row of the tile in C.</param>
    /// <param name="j0">Column of the tile in C.</param>
    /// <param name="rows">Valid rows.</param>
    /// <param name="cols">Valid columns.</param>
    public static void Run(IFallback fallback, int blocks, int blk0, int bs, double* a, double* sa, double* maxA, byte* finA, double* b,
        double* sb, double* maxB, byte* finB, BlockDoubleMode mode, bool first, bool last, float tensorScale, float* c, int ldc, int i0,
        int j0, int rows, int cols)
    {
        bool split = mode == BlockDoubleMode.Split;
        if (mode != BlockDoubleMode.Plain && rows == MR && cols == NR && Vector512.IsHardwareAccelerated && AllFinite(finA, finB, blocks))
        {
            if (mode == BlockDoubleMode.PlainExact) PlainExact(blocks, bs, a, sa, b, sb, first, last, tensorScale, c, ldc);
            else Certified(fallback, blocks, blk0, bs, a, sa, maxA, b, sb, maxB, first, last, tensorScale, c, ldc, i0, j0);
            return;
        }
        float* acc = stackalloc float[MR * NR];
        double* hi = stackalloc double[MR * NR];
        double* lo = stackalloc double[MR * NR];
        float* patch = stackalloc float[NR];
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++) acc[r * NR + j] = first || r >= rows || j >= cols ? 0f : c[(long)r * ldc + j];
        bool vector = Vector512.IsHardwareAccelerated;
        for (int blk = 0; blk < blocks; blk++, a += bs * MR, b += bs * NR)
        {
            double* sar = sa + blk * MR, sbr = sb + blk * NR;
            if (finA[blk] == 0 || finB[blk] == 0)
            {
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < cols; j++) acc[r * NR + j] += fallback.BlockTerm(i0 + r, j0 + j, blk0 + blk);
                continue;
            }
            if (vector)
            {
                if (split) SplitSums(bs, a, b, hi, lo); else PlainSums(bs, a, b, hi);
                for (int r = 0; r < MR; r++)
                {
                    var x = Vector512.Create(sar[r]);
                    ulong bad0, bad1;
                    var t0 = TermVector(Vector512.Load(hi + r * NR), split ? Vector512.Load(lo + r * NR) : default, x * Vector512.Load(sbr), out bad0);
                    var t1 = TermVector(Vector512.Load(hi + r * NR + 8), split ? Vector512.Load(lo + r * NR + 8) : default, x * Vector512.Load(sbr + 8), out bad1);
                    var t = Vector512.Narrow(t0, t1);
                    float* ar = acc + r * NR;
                    if ((bad0 | bad1) != 0 && r < rows)
                    {
                        t.Store(patch);
                        for (int j = 0; j < cols; j++)
                            if ((((j < 8 ? bad0 : bad1) >> (j & 7)) & 1) != 0) patch[j] = fallback.BlockTerm(i0 + r, j0 + j, blk0 + blk);
                        t = Vector512.Load(patch);
                    }
                    (Vector512.Load(ar) + t).Store(ar);
                }
            }
            else
            {
                ScalarSums(bs, a, b, hi, lo, split);
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < cols; j++)
                    {
                        float t = TermScalar(hi[r * NR + j], lo[r * NR + j], sar[r] * sbr[j], out bool bad);
                        acc[r * NR + j] += bad ? fallback.BlockTerm(i0 + r, j0 + j, blk0 + blk) : t;
                    }
            }
        }
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) c[(long)r * ldc + j] = last ? acc[r * NR + j] * tensorScale : acc[r * NR + j];
    }

    private static bool AllFinite(byte* finA, byte* finB, int blocks)
    {
        for (int blk = 0; blk < blocks; blk++) if ((finA[blk] & finB[blk]) == 0) return false;
        return true;
    }

    /// <summary>
    /// A full tile when S * X_A * X_B is exact in float64 (plain sums and few enough bits): t = float32(S * (X_A X_B)), one
    /// rounding, with the sums and the float32 accumulators all in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlainExact(int blocks, int bs, double* a, double* sa, double* b, double* sb, bool first, bool last, float tensorScale,
        float* c, int ldc)
    {
        Vector512<float> f0, f1, f2, f3, f4, f5;
        if (first) f0 = f1 = f2 = f3 = f4 = f5 = default;
        else
        {
            f0 = Vector512.Load(c); f1 = Vector512.Load(c + ldc); f2 = Vector512.Load(c + 2L * ldc);
            f3 = Vector512.Load(c + 3L * ldc); f4 = Vector512.Load(c + 4L * ldc); f5 = Vector512.Load(c + 5L * ldc);
        }
        for (int blk = 0; blk < blocks; blk++, sa += MR, sb += NR)
        {
            Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector512<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int kk = 0; kk < bs; kk++, a += MR, b += NR)
            {
                var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 8);
                { var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); }
                { var x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
                { var x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
                { var x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
                { var x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
                { var x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
            }
            var s0 = Vector512.Load(sb); var s1 = Vector512.Load(sb + 8);
            { var x = Vector512.Create(sa[0]); f0 += Vector512.Narrow(c00 * (x * s0), c01 * (x * s1)); }
            { var x = Vector512.Create(sa[1]); f1 += Vector512.Narrow(c10 * (x * s0), c11 * (x * s1)); }
            { var x = Vector512.Create(sa[2]); f2 += Vector512.Narrow(c20 * (x * s0), c21 * (x * s1)); }
            { var x = Vector512.Create(sa[3]); f3 += Vector512.Narrow(c30 * (x * s0), c31 * (x * s1)); }
            { var x = Vector512.Create(sa[4]); f4 += Vector512.Narrow(c40 * (x * s0), c41 * (x * s1)); }
            { var x = Vector512.Create(sa[5]); f5 += Vector512.Narrow(c50 * (x * s0), c51 * (x * s1)); }
        }
        if (last)
        {
            var ts = Vector512.Create(tensorScale);
            f0 *= ts; f1 *= ts; f2 *= ts; f3 *= ts; f4 *= ts; f5 *= ts;
        }
        f0.Store(c); f1.Store(c + ldc); f2.Store(c + 2L * ldc); f3.Store(c + 3L * ldc); f4.Store(c + 4L * ldc); f5.Store(c + 5L * ldc);
    }

    /// <summary>
    /// A full tile of split-mode elements (e5m2) in one float64 accumulator per lane with a proof per lane: the FMA sum s has
    /// |s - S| &lt;= bs^2 2^-53 max|N_a| max|N_b| (each of the bs roundings is at most 2^-53 of a partial sum, itself at most
    /// bs max|N_a| max|N_b|); y = RN(s X) adds at most 2^-53 |y|. If the float32 f = RN32(y) is farther than that total from
    /// both float32 rounding boundaries around it (half the smaller of the gaps to its neighbours), every real in the interval,
    /// S X included, rounds to f: t = f, the definition's value. A row with any other lane (cancellation, zero, overflow)
    /// is recomputed by the exact split sums (<see cref="ExactRow"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Certified(IFallback fallback, int blocks, int blk0, int bs, double* a, double* sa, double* maxA, double* b, double* sb,
        double* maxB, bool first, bool last, float tensorScale, float* c, int ldc, int i0, int j0)
    {
        float* f = stackalloc float[MR * NR];
        double* s = stackalloc double[MR * NR];
        float* patch = stackalloc float[NR];
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++) f[r * NR + j] = first ? 0f : c[(long)r * ldc + j];
        var gamma = Vector512.Create((double)bs * bs * Math.ScaleB(1.0, -52));
        var rel = Vector512.Create(Math.ScaleB(1.0, -52));
        for (int blk = 0; blk < blocks; blk++, sa += MR, sb += NR, maxA += MR, maxB += NR, a += bs * MR, b += bs * NR)
        {
            PlainSums(bs, a, b, s);
            var s0 = Vector512.Load(sb); var s1 = Vector512.Load(sb + 8);
            var m0 = Vector512.Load(maxB) * gamma; var m1 = Vector512.Load(maxB + 8) * gamma;
            for (int r = 0; r < MR; r++)
            {
                var x = Vector512.Create(sa[r]);
                var ma = Vector512.Create(maxA[r]);
                Vector512<double> x0 = x * s0, x1 = x * s1;
                Vector512<double> y0 = Vector512.Load(s + r * NR) * x0, y1 = Vector512.Load(s + r * NR + 8) * x1;
                var t = Vector512.Narrow(y0, y1);
                var bits = t.AsInt32();
                var (up0, up1) = Vector512.Widen((bits + Vector512<int>.One).AsSingle());
                var (dn0, dn1) = Vector512.Widen((bits - Vector512<int>.One).AsSingle());
                var (t0, t1) = Vector512.Widen(t);
                var tol0 = Vector512.Abs(ma * m0 * x0) + Vector512.Abs(y0) * rel;
                var tol1 = Vector512.Abs(ma * m1 * x1) + Vector512.Abs(y1) * rel;
                var gap0 = Vector512.Min(Vector512.Abs(up0 - t0), Vector512.Abs(t0 - dn0)) * 0.5;
                var gap1 = Vector512.Min(Vector512.Abs(up1 - t1), Vector512.Abs(t1 - dn1)) * 0.5;
                ulong ok0 = Vector512.ExtractMostSignificantBits(Vector512.LessThan(Vector512.Abs(y0 - t0) + tol0, gap0));
                ulong ok1 = Vector512.ExtractMostSignificantBits(Vector512.LessThan(Vector512.Abs(y1 - t1) + tol1, gap1));
                if ((ok0 & ok1) != 0xFF)
                {
                    // Some lane is too close to a boundary: the exact split sums for this row, then the definition for
                    // lanes even those cannot settle.
                    t = ExactRow(bs, a + r, b, x0, x1, out ulong bad);
                    if (bad != 0)
                    {
                        t.Store(patch);
                        for (int j = 0; j < NR; j++)
                            if (((bad >> j) & 1) != 0) patch[j] = fallback.BlockTerm(i0 + r, j0 + j, blk0 + blk);
                        t = Vector512.Load(patch);
                    }
                }
                float* fr = f + r * NR;
                (Vector512.Load(fr) + t).Store(fr);
            }
        }
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++) c[(long)r * ldc + j] = last ? f[r * NR + j] * tensorScale : f[r * NR + j];
    }

    /// <summary>The 16 terms of one tile row by the exact split sums (column a[kk * MR] of the A strip).</summary>
    private static Vector512<float> ExactRow(int bs, double* a, double* b, Vector512<double> x0, Vector512<double> x1, out ulong bad)
    {
        var big = Vector512.Create(SplitConstant);
        Vector512<double> h0 = default, h1 = default, l0 = default, l1 = default;
        for (int kk = 0; kk < bs; kk++)
        {
            var x = Vector512.Create(a[kk * MR]);
            Split(x, Vector512.Load(b + kk * NR), big, ref h0, ref l0);
            Split(x, Vector512.Load(b + kk * NR + 8), big, ref h1, ref l1);
        }
        var t0 = TermVector(h0, l0, x0, out ulong bad0);
        var t1 = TermVector(h1, l1, x1, out ulong bad1);
        bad = bad0 | (bad1 << 8);
        return Vector512.Narrow(t0, t1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlainSums(int bs, double* a, double* b, double* s)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int kk = 0; kk < bs; kk++, a += MR, b += NR)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 8);
            { var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); }
            { var x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
            { var x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
            { var x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
            { var x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
            { var x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
        }
        c00.Store(s); c01.Store(s + 8); c10.Store(s + 16); c11.Store(s + 24); c20.Store(s + 32); c21.Store(s + 40);
        c30.Store(s + 48); c31.Store(s + 56); c40.Store(s + 64); c41.Store(s + 72); c50.Store(s + 80); c51.Store(s + 88);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split(Vector512<double> x, Vector512<double> y, Vector512<double> big, ref Vector512<double> hi, ref Vector512<double> lo)
    {
        var h = Vector512.FusedMultiplyAdd(x, y, big) - big;
        lo += Vector512.FusedMultiplyAdd(x, y, -h);
        hi += h;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SplitSums(int bs, double* a, double* b, double* hi, double* lo)
    {
        var big = Vector512.Create(SplitConstant);
        for (int half = 0; half < 2; half++)
        {
            // Three rows at a time keep 12 accumulators (hi and lo) in registers.
            int r0 = half * 3;
            Vector512<double> h00 = default, h01 = default, h10 = default, h11 = default, h20 = default, h21 = default;
            Vector512<double> l00 = default, l01 = default, l10 = default, l11 = default, l20 = default, l21 = default;
            double* ap = a + r0, bp = b;
            for (int kk = 0; kk < bs; kk++, ap += MR, bp += NR)
            {
                var b0 = Vector512.Load(bp); var b1 = Vector512.Load(bp + 8);
                { var x = Vector512.Create(ap[0]); Split(x, b0, big, ref h00, ref l00); Split(x, b1, big, ref h01, ref l01); }
                { var x = Vector512.Create(ap[1]); Split(x, b0, big, ref h10, ref l10); Split(x, b1, big, ref h11, ref l11); }
                { var x = Vector512.Create(ap[2]); Split(x, b0, big, ref h20, ref l20); Split(x, b1, big, ref h21, ref l21); }
            }
            double* hs = hi + r0 * NR, ls = lo + r0 * NR;
            h00.Store(hs); h01.Store(hs + 8); h10.Store(hs + 16); h11.Store(hs + 24); h20.Store(hs + 32); h21.Store(hs + 40);
            l00.Store(ls); l01.Store(ls + 8); l10.Store(ls + 16); l11.Store(ls + 24); l20.Store(ls + 32); l21.Store(ls + 40);
        }
    }

    private static void ScalarSums(int bs, double* a, double* b, double* hi, double* lo, bool split)
    {
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
            {
                double h = 0, l = 0;
                for (int kk = 0; kk < bs; kk++)
                {
                    double x = a[kk * MR + r], y = b[kk * NR + j];
                    if (!split) { h += x * y; continue; }
                    double p = Math.FusedMultiplyAdd(x, y, SplitConstant) - SplitConstant;
                    l += Math.FusedMultiplyAdd(x, y, -p);
                    h += p;
                }
                hi[r * NR + j] = h;
                lo[r * NR + j] = l;
            }
    }

    /// <summary>The float32 terms of 8 lanes (see the class remarks); <paramref name="bad"/> flags lanes for the fallback.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> TermVector(Vector512<double> hi, Vector512<double> lo, Vector512<double> x, out ulong bad)
    {
        var s = hi + lo;
        var bb = s - hi;
        var e = (hi - (s - bb)) + (lo - bb);
        var p = s * x;
        var err = Vector512.FusedMultiplyAdd(s, x, -p);
        var errZero = Vector512.Equals(err, Vector512<double>.Zero);
        var eZero = Vector512.Equals(e, Vector512<double>.Zero);
        bad = Vector512.ExtractMostSignificantBits(~errZero & ~eZero);
        var res = Vector512.ConditionalSelect(errZero, e, err);
        var pBits = p.AsInt64();
        var opposite = Vector512.LessThan(pBits ^ res.AsInt64(), Vector512<long>.Zero);
        var odd = ((pBits + opposite) | Vector512<long>.One).AsDouble();
        // Exact lanes give p (+0 for a zero product, as the definition returns); x = 0 (a zero scale) gives +0 too.
        var zero = Vector512.Equals(p, Vector512<double>.Zero) | Vector512.Equals(x, Vector512<double>.Zero);
        var exact = Vector512.Equals(res, Vector512<double>.Zero) | zero;
        return Vector512.ConditionalSelect(exact, Vector512.ConditionalSelect(zero, Vector512<double>.Zero, p), odd);
    }

    /// <summary>The scalar form of <see cref="TermVector"/>, the same operations on one lane.</summary>
    private static float TermScalar(double hi, double lo, double x, out bool bad)
    {
        double s = hi + lo, bb = s - hi, e = (hi - (s - bb)) + (lo - bb);
        double p = s * x, err = Math.FusedMultiplyAdd(s, x, -p);
        bad = err != 0 && e != 0;
        if (x == 0 || p == 0) return 0f;
        double res = err != 0 ? err : e;
        if (res == 0) return (float)p;
        long bits = BitConverter.DoubleToInt64Bits(p);
        if ((bits ^ BitConverter.DoubleToInt64Bits(res)) < 0) bits--;
        return (float)BitConverter.Int64BitsToDouble(bits | 1);
    }
}
