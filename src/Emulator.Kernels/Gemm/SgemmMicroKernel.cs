using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The float32 register-tiled micro-kernel: an MR x NR tile of sums s[r, c] = fma(a[p, r], b[p, c], s) over p = 0..kc-1
/// starting from +0, then the epilogue c = fma(alpha, s, first ? (beta == 0 ? 0 : beta * c) : c). The Vector512, Vector256
/// and scalar paths perform exactly these operations per element, so their bits agree.
/// </summary>
internal static unsafe class SgemmMicroKernel
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    /// <summary>Runs one tile; <paramref name="rows"/> x <paramref name="cols"/> of it are written to C.</summary>
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first, int rows, int cols)
    {
        if (rows == MR && cols == NR)
        {
            if (Vector512.IsHardwareAccelerated) { Full512(kc, a, b, c, ldc, alpha, beta, first); return; }
            if (Vector256.IsHardwareAccelerated) { Full256(kc, a, b, c, ldc, alpha, beta, first, 0); Full256(kc, a, b, c, ldc, alpha, beta, first, 6); return; }
        }
        float* s = stackalloc float[MR * NR];
        Sums(kc, a, b, s);
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + (long)r * ldc;
            for (int j = 0; j < cols; j++)
                cr[j] = MathF.FusedMultiplyAdd(alpha, s[r * NR + j], first ? (beta == 0f ? 0f : beta * cr[j]) : cr[j]);
        }
    }

    /// <summary>The full MR x NR tile of sums into s[r * NR + c] (vectorized when possible, same order per element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums(int kc, float* a, float* b, float* s)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            for (int j = 0; j < NR; j += Vector256<float>.Count)
            {
                for (int r = 0; r < MR; r++)
                {
                    var acc = Vector256<float>.Zero;
                    for (int p = 0; p < kc; p++)
                        acc = Vector256.FusedMultiplyAdd(Vector256.Create(a[p * MR + r]), Vector256.Load(b + p * NR + j), acc);
                    acc.Store(s + r * NR + j);
                }
            }
            return;
        }
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
            {
                float acc = 0f;
                for (int p = 0; p < kc; p++) acc = MathF.FusedMultiplyAdd(a[p * MR + r], b[p * NR + j], acc);
                s[r * NR + j] = acc;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> s, Vector512<float> alpha, float beta, bool first)
    {
        Vector512<float> init = first ? (beta == 0f ? Vector512<float>.Zero : Vector512.Create(beta) * Vector512.Load(c)) : Vector512.Load(c);
        Vector512.FusedMultiplyAdd(alpha, s, init).Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> s, Vector256<float> alpha, float beta, bool first)
    {
        Vector256<float> init = first ? (beta == 0f ? Vector256<float>.Zero : Vector256.Create(beta) * Vector256.Load(c)) : Vector256.Load(c);
        Vector256.FusedMultiplyAdd(alpha, s, init).Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Full512(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default;
        Vector512<float> c100 = default, c101 = default;
        Vector512<float> c110 = default, c111 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            { var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); }
            { var x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); }
            { var x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); }
            { var x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); }
            { var x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); }
            { var x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); }
            { var x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); }
            { var x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); }
            { var x = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81); }
            { var x = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91); }
            { var x = Vector512.Create(a[10]); c100 = Vector512.FusedMultiplyAdd(x, b0, c100); c101 = Vector512.FusedMultiplyAdd(x, b1, c101); }
            { var x = Vector512.Create(a[11]); c110 = Vector512.FusedMultiplyAdd(x, b0, c110); c111 = Vector512.FusedMultiplyAdd(x, b1, c111); }
        }
        var al = Vector512.Create(alpha);
        Store512(c + 0L * ldc, c00, al, beta, first); Store512(c + 0L * ldc + 16, c01, al, beta, first);
        Store512(c + 1L * ldc, c10, al, beta, first); Store512(c + 1L * ldc + 16, c11, al, beta, first);
        Store512(c + 2L * ldc, c20, al, beta, first); Store512(c + 2L * ldc + 16, c21, al, beta, first);
        Store512(c + 3L * ldc, c30, al, beta, first); Store512(c + 3L * ldc + 16, c31, al, beta, first);
        Store512(c + 4L * ldc, c40, al, beta, first); Store512(c + 4L * ldc + 16, c41, al, beta, first);
        Store512(c + 5L * ldc, c50, al, beta, first); Store512(c + 5L * ldc + 16, c51, al, beta, first);
        Store512(c + 6L * ldc, c60, al, beta, first); Store512(c + 6L * ldc + 16, c61, al, beta, first);
        Store512(c + 7L * ldc, c70, al, beta, first); Store512(c + 7L * ldc + 16, c71, al, beta, first);
        Store512(c + 8L * ldc, c80, al, beta, first); Store512(c + 8L * ldc + 16, c81, al, beta, first);
        Store512(c + 9L * ldc, c90, al, beta, first); Store512(c + 9L * ldc + 16, c91, al, beta, first);
        Store512(c + 10L * ldc, c100, al, beta, first); Store512(c + 10L * ldc + 16, c101, al, beta, first);
        Store512(c + 11L * ldc, c110, al, beta, first); Store512(c + 11L * ldc + 16, c111, al, beta, first);
    }

    /// <summary>Rows r0..r0+5 of the tile, 16 columns at a time (12 accumulators fit the 16 AVX2 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Full256(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first, int r0)
    {
        var al = Vector256.Create(alpha);
        for (int j = 0; j < NR; j += 16)
        {
            Vector256<float> c00 = default, c01 = default;
            Vector256<float> c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default;
            Vector256<float> c50 = default, c51 = default;
            float* ap = a + r0, bp = b + j;
            for (int p = 0; p < kc; p++, ap += MR, bp += NR)
            {
                Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8);
                { var x = Vector256.Create(ap[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01); }
                { var x = Vector256.Create(ap[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11); }
                { var x = Vector256.Create(ap[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21); }
                { var x = Vector256.Create(ap[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31); }
                { var x = Vector256.Create(ap[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41); }
                { var x = Vector256.Create(ap[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51); }
            }
            float* cj = c + (long)r0 * ldc + j;
            Store256(cj + 0L * ldc, c00, al, beta, first); Store256(cj + 0L * ldc + 8, c01, al, beta, first);
            Store256(cj + 1L * ldc, c10, al, beta, first); Store256(cj + 1L * ldc + 8, c11, al, beta, first);
            Store256(cj + 2L * ldc, c20, al, beta, first); Store256(cj + 2L * ldc + 8, c21, al, beta, first);
            Store256(cj + 3L * ldc, c30, al, beta, first); Store256(cj + 3L * ldc + 8, c31, al, beta, first);
            Store256(cj + 4L * ldc, c40, al, beta, first); Store256(cj + 4L * ldc + 8, c41, al, beta, first);
            Store256(cj + 5L * ldc, c50, al, beta, first); Store256(cj + 5L * ldc + 8, c51, al, beta, first);
        }
    }
}
