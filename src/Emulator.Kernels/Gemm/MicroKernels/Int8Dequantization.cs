using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The fused dequantization epilogue of the int8 GEMM, applied to each int32 tile while it is in L1:
/// C[i, j] = (float)((sA_i * sB_j) * (double)T) with T = sum_k (a - zA_i)(b - zB_j) in int64, formed from the int32 product t
/// as T = t - zB_j * (rowSum_i - k * zA_i) - zA_i * colSum_j. That is the documented t - zB rowSum - zA colSum + k zA zB
/// rearranged in the ring of int64 (wrapping), so it has the same bits; the scale product is exact in double, and the
/// result is rounded twice exactly as the definition says (to double, then to float32).
/// </summary>
internal sealed unsafe class Int8Dequantization
{
    private readonly double[] _sa, _sb;
    private readonly long[] _za, _zb, _rowTerm, _colSum;

    /// <summary>Precomputes the per-row terms of A and the per-column terms of B (their sums along K, vectorized).</summary>
    public Int8Dequantization(float* c, int ldc, QuantizationParameters aParameters, QuantizationParameters bParameters, in Int8Source a,
        in Int8Source b, int m, int n, int k)
    {
        C = c; Ldc = ldc;
        _sa = new double[m]; _za = new long[m]; _rowTerm = new long[m];
        long[] rowSum = new long[m];
        if (a.Trans) ColumnSums(a, k, m, rowSum); // op(A) = A^T: its rows are the stored columns
        else for (int i = 0; i < m; i++) rowSum[i] = RowSum(a, (long)i * a.Ld, k);
        for (int i = 0; i < m; i++)
        {
            _sa[i] = aParameters.Scale(i);
            _za[i] = aParameters.ZeroPoint(i);
            _rowTerm[i] = rowSum[i] - (long)k * _za[i];
        }
        _sb = new double[n + 8]; _zb = new long[n + 8]; _colSum = new long[n + 8];
        for (int j = 0; j < n; j++) { _sb[j] = bParameters.Scale(j); _zb[j] = bParameters.ZeroPoint(j); }
        if (b.Trans) for (int j = 0; j < n; j++) _colSum[j] = RowSum(b, (long)j * b.Ld, k);
        else ColumnSums(b, k, n, _colSum);
    }

    /// <summary>The float32 C.</summary>
    public float* C { get; }

    /// <summary>Its row stride.</summary>
    public int Ldc { get; }

    /// <summary>Sum of the count stored elements starting at element e0 (a stored row).</summary>
    private static long RowSum(in Int8Source x, long e0, int count)
    {
        long s = 0;
        int p = 0;
        if (!x.Int4 && Vector256.IsHardwareAccelerated)
        {
            sbyte* row = (sbyte*)x.Data + e0;
            var acc = Vector256<int>.Zero;
            for (; p + 32 <= count; p += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(row + p));
                var (w0, w1) = Vector256.Widen(lo + hi);
                acc += w0 + w1;
            }
            s = Vector256.Sum(acc);
        }
        else if (x.Int4 && e0 % 2 == 0 && Sse2.IsSupported)
        {
            byte* row = (byte*)x.Data + e0 / 2;
            var acc = Vector128<int>.Zero;
            for (; p + 16 <= count; p += 16)
            {
                var (lo, hi) = Vector128.Widen(Int8Packing.Nibbles16(row + p / 2));
                var (w0, w1) = Vector128.Widen(lo + hi);
                acc += w0 + w1;
            }
            s = Vector128.Sum(acc);
        }
        for (; p < count; p++) s += x.Stored(e0 + p);
        return s;
    }

    /// <summary>colSum[j] = sum over the k stored rows of stored element (p, j), j &lt; n: rows added into int32 lanes (exact for
    /// k &lt;= MaxK), int8 32 at a time.</summary>
    private static void ColumnSums(in Int8Source b, int k, int n, long[] colSum)
    {
        var acc = new int[n + 32];
        fixed (int* s = acc)
            for (int p = 0; p < k; p++)
            {
                int j = 0;
                long e0 = (long)p * b.Ld;
                if (!b.Int4 && Vector256.IsHardwareAccelerated)
                    for (; j + 32 <= n; j += 32)
                    {
                        var (lo, hi) = Vector256.Widen(Vector256.Load((sbyte*)b.Data + e0 + j));
                        var (w0, w1) = Vector256.Widen(lo);
                        var (w2, w3) = Vector256.Widen(hi);
                        (Vector256.Load(s + j) + w0).Store(s + j);
                        (Vector256.Load(s + j + 8) + w1).Store(s + j + 8);
                        (Vector256.Load(s + j + 16) + w2).Store(s + j + 16);
                        (Vector256.Load(s + j + 24) + w3).Store(s + j + 24);
                    }
                else if (b.Int4 && e0 % 2 == 0 && Sse2.IsSupported)
                    for (; j + 16 <= n; j += 16)
                    {
                        var (lo, hi) = Vector128.Widen(Int8Packing.Nibbles16((byte*)b.Data + (e0 + j) / 2));
                        var (w0, w1) = Vector128.Widen(lo);
                        var (w2, w3) = Vector128.Widen(hi);
                        (Vector128.Load(s + j) + w0).Store(s + j);
                        (Vector128.Load(s + j + 4) + w1).Store(s + j + 4);
                        (Vector128.Load(s + j + 8) + w2).Store(s + j + 8);
                        (Vector128.Load(s + j + 12) + w3).Store(s + j + 12);
                    }
                for (; j < n; j++) s[j] += b.Stored(e0 + j);
            }
        for (int j = 0; j < n; j++) colSum[j] = acc[j];
    }

    /// <summary>Dequantizes the int32 tile t (rows x cols at C row i0, column j0, row stride ldt) into C (t may be C itself).</summary>
    public void Apply(int* t, int ldt, int i0, int j0, int rows, int cols)
    {
        fixed (double* sb = _sb) fixed (long* zb = _zb) fixed (long* cs = _colSum)
        {
            for (int row = 0; row < rows; row++)
            {
                int i = i0 + row;
                double s = _sa[i];
                long z = _za[i], rr = _rowTerm[i];
                int* tr = t + (long)row * ldt;
                float* cr = C + (long)i * Ldc + j0;
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var sv = Vector256.Create(s);
                    var zv = Vector256.Create(z);
                    var rv = Vector256.Create(rr);
                    for (; j + 8 <= cols; j += 8)
                    {
                        int jj = j0 + j;
                        var (t0, t1) = Vector256.Widen(Vector256.Load(tr + j));
                        var e0 = t0 - Vector256.Load(zb + jj) * rv - zv * Vector256.Load(cs + jj);
                        var e1 = t1 - Vector256.Load(zb + jj + 4) * rv - zv * Vector256.Load(cs + jj + 4);
                        var f0 = sv * Vector256.Load(sb + jj) * Vector256.ConvertToDouble(e0);
                        var f1 = sv * Vector256.Load(sb + jj + 4) * Vector256.ConvertToDouble(e1);
                        Vector256.Narrow(f0, f1).Store(cr + j);
                    }
                }
                for (; j < cols; j++)
                {
                    int jj = j0 + j;
                    long exact = tr[j] - zb[jj] * rr - z * cs[jj];
                    cr[j] = (float)(s * sb[jj] * exact);
                }
            }
        }
    }
}
