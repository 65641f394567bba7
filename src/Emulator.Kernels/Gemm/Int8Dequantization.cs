using System.Runtime.Intrinsics;

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
    private readonly double[] _sb;
    private readonly long[] _zb;
    private readonly long[] _colSum;
    private readonly QuantizationParameters _a;
    private readonly int _k;

    public Int8Dequantization(float* c, int ldc, QuantizationParameters a, QuantizationParameters b, int n, int k)
    {
        C = c; Ldc = ldc; _a = a; _k = k;
        _sb = new double[n + 8];
        _zb = new long[n + 8];
        _colSum = new long[n + 8];
        for (int j = 0; j < n; j++) { _sb[j] = b.Scale(j); _zb[j] = b.ZeroPoint(j); }
    }

    public float* C { get; }

    public int Ldc { get; }

    /// <summary>Records the column sums of B for columns [j0, j0 + count).</summary>
    public void SetColumnSums(int j0, int* colSum, int count)
    {
        for (int j = 0; j < count; j++) _colSum[j0 + j] = colSum[j];
    }

    /// <summary>Per-row terms of rows [i0, i1): scale, zero point and rowSum - k * zA (wrapping int64).</summary>
    public (double[] Sa, long[] Za, long[] R) Rows(in Int8Source a, int i0, int i1)
    {
        var sa = new double[i1 - i0];
        var za = new long[i1 - i0];
        var r = new long[i1 - i0];
        for (int i = i0; i < i1; i++)
        {
            sa[i - i0] = _a.Scale(i);
            za[i - i0] = _a.ZeroPoint(i);
            r[i - i0] = RowSum(a, i, _k) - (long)_k * za[i - i0];
        }
        return (sa, za, r);
    }

    private static long RowSum(in Int8Source a, int i, int k)
    {
        long s = 0;
        int p = 0;
        if (!a.Int4 && Vector256.IsHardwareAccelerated)
        {
            sbyte* row = (sbyte*)a.Data + (long)i * a.Ld;
            var acc = Vector256<int>.Zero;
            for (; p + 32 <= k; p += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(row + p));
                var (w0, w1) = Vector256.Widen(lo + hi);
                acc += w0 + w1;
            }
            s = Vector256.Sum(acc);
        }
        for (; p < k; p++) s += a.At(i, p);
        return s;
    }

    /// <summary>Dequantizes the int32 tile t (rows x cols at C row i0, column j0) into C.</summary>
    public void Apply(int* t, int ldt, int i0, int j0, int rows, int cols, double[] sa, long[] za, long[] r, int rowBase)
    {
        fixed (double* sb = _sb) fixed (long* zb = _zb) fixed (long* cs = _colSum)
        {
            for (int row = 0; row < rows; row++)
            {
                int li = i0 + row - rowBase;
                double s = sa[li];
                long z = za[li], rr = r[li];
                int* tr = t + (long)row * ldt;
                float* cr = C + (long)(i0 + row) * Ldc + j0;
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
