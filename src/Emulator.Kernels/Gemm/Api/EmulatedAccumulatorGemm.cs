using System.Runtime.Intrinsics;
using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// C = A * B (row-major float32 A m x k, B k x n) with every addition rounded into a narrow accumulator by
/// <see cref="LowPrecisionAdder"/> in a named <see cref="AccumulationOrder"/>; products are exact (float32 x float32 in double).
/// Stochastic additions of element (i, j) use Philox words of index (i * n + j) * k + t, t the step number (additions in
/// the order they are made; the chunked order numbers its chunks). Nearest and directed accumulators that fit float32 lanes
/// (<see cref="Float32LaneRounding"/>) in the sequential and chunked orders run <see cref="NarrowAccumulatorDriver"/>
/// (8 x 16 tiles of float32 lanes); every other case, and tiles that leave the format's range, run 4 x 8 tiles of the
/// exact double adder. Both give the bits of the scalar reference (<see cref="ReferenceElement"/>).
/// </summary>
public static unsafe class EmulatedAccumulatorGemm
{
    private const int Rows = 4, Lanes = 8;

    /// <summary>C (m x n, ldc) = op(A) op(B) with every addition rounded by <paramref name="adder"/> in <paramref name="order"/>.
    /// Strided or transposed operands are first copied to dense op(A) and op(B) (the same values, so the same bits).</summary>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b,
        int ldb, Span<float> c, int ldc, LowPrecisionAdder adder, AccumulationOrder order, GemmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(adder);
        int threads = GemmChecks.Entry("EmulatedAccumulatorGemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options);
        if (m == 0 || n == 0) return;
        ReadOnlySpan<float> ad = DenseMatrix.Of(a, lda, transA, m, k), bd = DenseMatrix.Of(b, ldb, transB, k, n);
        float[]? buffer = ldc == n ? null : new float[(long)m * n];
        fixed (float* pa = ad) fixed (float* pb = bd) fixed (float* pc = buffer ?? c)
            Run(pa, pb, pc, m, n, k, adder, order, threads);
        if (buffer is not null) DenseMatrix.Store<float>(buffer, c, ldc, m, n);
    }

    /// <summary>C (m x n) = A (m x k) B (k x n) for dense row-major operands.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, LowPrecisionAdder adder,
        AccumulationOrder order, GemmOptions? options = null) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, a, Math.Max(1, k), b, Math.Max(1, n), c, Math.Max(1, n), adder, order, options);

    /// <summary>The dense product on arrays, without copies (C is written in place).</summary>
    internal static void MultiplyArrays(float[] a, float[] b, float[] c, int m, int n, int k, LowPrecisionAdder adder,
        AccumulationOrder order, int threads)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            Run(pa, pb, pc, m, n, k, adder, order, threads);
    }

    /// <summary>The dense product over pinned operands.</summary>
    private static void Run(float* a, float* b, float* c, int m, int n, int k, LowPrecisionAdder adder, AccumulationOrder order, int threads)
    {
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        var fast = order.Kind != AccumulationOrderKind.Pairwise ? Float32LaneRounding.TryCreate(adder) : null;
        if (fast is null)
            GemmPartition.Run(m, n, threads, Rows, Lanes, (r0, r1, c0, c1) =>
                ExactBand((float*)pa, (float*)pb, (float*)pc, m, n, k, adder, order, r0, r1, c0, c1));
        else
        {
            var redo = NarrowAccumulatorDriver.Run(a, b, c, m, n, k, fast, order, threads);
            Parallel.ForEach(redo, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => ExactBand((float*)pa, (float*)pb, (float*)pc, m, n, k, adder, order, t.R0, t.R1, t.C0, t.C1));
        }
    }

    /// <summary>The scalar reference of element (i, j): the documented order with <see cref="LowPrecisionAdder.Add(double, double, uint)"/>.</summary>
    public static double ReferenceElement(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int n, int k, int i, int j,
        LowPrecisionAdder adder, AccumulationOrder order)
    {
        ArgumentNullException.ThrowIfNull(adder);
        long baseIndex = ((long)i * n + j) * Math.Max(1, k);
        uint Word(int t) => adder.Rounding.RandomWord(baseIndex + t);
        switch (order.Kind)
        {
            case AccumulationOrderKind.Sequential:
            {
                double acc = 0;
                for (int t = 0; t < k; t++) acc = adder.Add(acc, (double)a[i * k + t] * b[t * n + j], Word(t));
                return acc;
            }
            case AccumulationOrderKind.Chunked:
            {
                double acc = 0;
                for (int t0 = 0, q = 0; t0 < k; t0 += order.ChunkSize, q++)
                {
                    float s = 0f;
                    for (int t = t0; t < Math.Min(k, t0 + order.ChunkSize); t++) s = MathF.FusedMultiplyAdd(a[i * k + t], b[t * n + j], s);
                    acc = adder.Add(acc, s, Word(q));
                }
                return acc;
            }
            default:
            {
                if (k == 0) return 0;
                var level = new double[k];
                for (int t = 0; t < k; t++) level[t] = (double)a[i * k + t] * b[t * n + j];
                int len = k, step = 0;
                while (len > 1)
                {
                    for (int q = 0; q < len / 2; q++) level[q] = adder.Add(level[2 * q], level[2 * q + 1], Word(step++));
                    if ((len & 1) != 0) level[len / 2] = level[len - 1];
                    len = (len + 1) / 2;
                }
                return adder.Add(level[0], 0.0, Word(step));
            }
        }
    }

    /// <summary>The exact path over rows [r0, r1) x columns [c0, c1): 4 x 8 tiles of <see cref="LowPrecisionAdder"/> lanes, then the reference.</summary>
    private static void ExactBand(float* a, float* b, float* c, int m, int n, int k, LowPrecisionAdder adder, AccumulationOrder order,
        int r0, int r1, int c0, int c1)
    {
        var aSpan = new ReadOnlySpan<float>(a, m * k);
        var bSpan = new ReadOnlySpan<float>(b, k * n);
        Span<uint> words = stackalloc uint[Rows * Lanes];
        var tree = order.Kind == AccumulationOrderKind.Pairwise ? new Vector512<double>[Rows * Math.Max(1, k)] : null;
        for (int i0 = r0; i0 < r1; i0 += Rows)
        {
            int j0 = c0;
            for (; j0 + Lanes <= c1; j0 += Lanes)
            {
                Span<int> rows = [Math.Min(i0, m - 1), Math.Min(i0 + 1, m - 1), Math.Min(i0 + 2, m - 1), Math.Min(i0 + 3, m - 1)];
                var acc = Tile(a, b, n, k, adder, order, rows, j0, words, tree);
                for (int r = 0; r < Rows && i0 + r < r1; r++)
                    for (int l = 0; l < Lanes; l++) c[(long)(i0 + r) * n + j0 + l] = (float)acc[r][l];
            }
            for (int i = i0; i < Math.Min(r1, i0 + Rows); i++)
                for (int j = j0; j < c1; j++) c[(long)i * n + j] = (float)ReferenceElement(aSpan, bSpan, n, k, i, j, adder, order);
        }
    }

    private static void FillWords(LowPrecisionAdder adder, Span<uint> words, ReadOnlySpan<int> rows, int n, int k, int j0, int t)
    {
        if (!adder.IsStochastic) return;
        for (int r = 0; r < Rows; r++)
            for (int l = 0; l < Lanes; l++)
                words[r * Lanes + l] = adder.Rounding.RandomWord(((long)rows[r] * n + j0 + l) * Math.Max(1, k) + t);
    }

    private static Vector512<double>[] Tile(float* a, float* b, int n, int k, LowPrecisionAdder adder, AccumulationOrder order,
        ReadOnlySpan<int> rows, int j0, Span<uint> words, Vector512<double>[]? tree)
    {
        var acc = new Vector512<double>[Rows];
        int ia0 = rows[0] * k, ia1 = rows[1] * k, ia2 = rows[2] * k, ia3 = rows[3] * k;
        switch (order.Kind)
        {
            case AccumulationOrderKind.Sequential:
            {
                Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int t = 0; t < k; t++)
                {
                    FillWords(adder, words, rows, n, k, j0, t);
                    Vector512<double> bv = Load(b, t * n + j0);
                    s0 = adder.Add(s0, Vector512.Create((double)a[ia0 + t]) * bv, words[..8]);
                    s1 = adder.Add(s1, Vector512.Create((double)a[ia1 + t]) * bv, words[8..16]);
                    s2 = adder.Add(s2, Vector512.Create((double)a[ia2 + t]) * bv, words[16..24]);
                    s3 = adder.Add(s3, Vector512.Create((double)a[ia3 + t]) * bv, words[24..]);
                }
                acc[0] = s0; acc[1] = s1; acc[2] = s2; acc[3] = s3;
                return acc;
            }
            case AccumulationOrderKind.Chunked:
            {
                int chunk = order.ChunkSize;
                for (int t0 = 0, q = 0; t0 < k; t0 += chunk, q++)
                {
                    FillWords(adder, words, rows, n, k, j0, q);
                    for (int r = 0; r < Rows; r++)
                    {
                        int ia = rows[r] * k;
                        Vector256<float> s = Vector256<float>.Zero;
                        for (int t = t0; t < Math.Min(k, t0 + chunk); t++)
                            s = Vector256.FusedMultiplyAdd(Vector256.Create(a[ia + t]), Vector256.Load(b + t * n + j0), s);
                        acc[r] = adder.Add(acc[r], Vector512.Create(Vector256.WidenLower(s), Vector256.WidenUpper(s)), words.Slice(r * Lanes, Lanes));
                    }
                }
                return acc;
            }
            default:
            {
                if (k == 0) return acc;
                for (int r = 0; r < Rows; r++)
                {
                    int ia = rows[r] * k, off = r * k;
                    for (int t = 0; t < k; t++) tree![off + t] = Vector512.Create((double)a[ia + t]) * Load(b, t * n + j0);
                }
                int len = k, step = 0;
                while (len > 1)
                {
                    for (int q = 0; q < len / 2; q++, step++)
                    {
                        FillWords(adder, words, rows, n, k, j0, step);
                        for (int r = 0; r < Rows; r++)
                            tree![r * k + q] = adder.Add(tree[r * k + 2 * q], tree[r * k + 2 * q + 1], words.Slice(r * Lanes, Lanes));
                    }
                    if ((len & 1) != 0)
                        for (int r = 0; r < Rows; r++) tree![r * k + len / 2] = tree[r * k + len - 1];
                    len = (len + 1) / 2;
                }
                FillWords(adder, words, rows, n, k, j0, step);
                for (int r = 0; r < Rows; r++) acc[r] = adder.Add(tree![r * k], Vector512<double>.Zero, words.Slice(r * Lanes, Lanes));
                return acc;
            }
        }
    }

    private static Vector512<double> Load(float* b, int offset)
    {
        Vector256<float> v = Vector256.Load(b + offset);
        return Vector512.Create(Vector256.WidenLower(v), Vector256.WidenUpper(v));
    }
}
