using System.Runtime.InteropServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The five BLIS loops around <see cref="SgemmMicroKernel"/>: C (m x n, row-major, ldc) = alpha * op(A) op(B) + beta * C.
/// Threads split rows (or columns) of C; every thread packs its own panels, and K is always blocked from 0 in steps of
/// <see cref="GemmBlocking.KC"/>, so an element's bits depend neither on the thread count nor on the instruction set.
/// </summary>
internal static unsafe class FloatGemmDriver
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR, KC = GemmBlocking.KC, MC = GemmBlocking.MC, NC = GemmBlocking.NC;

    public static void Run<TA, TB>(TA a, TB b, int m, int n, int k, float alpha, float beta, float* c, int ldc, int threads)
        where TA : struct, IFloatOperand where TB : struct, IFloatOperand
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    c[(long)i * ldc + j] = beta == 0f ? 0f : beta * c[(long)i * ldc + j];
            return;
        }
        var parts = GemmPartition.Split(m, n, threads, MR, NR);
        if (parts.Length == 1) { Worker(a, b, 0, m, 0, n, k, alpha, beta, c, ldc); return; }
        nint cp = (nint)c;
        if (parts.All(p => p.C0 == 0 && p.C1 == n))
        {
            RowBands(a, b, parts, n, k, alpha, beta, c, ldc);
            return;
        }
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length },
            t => Worker(a, b, parts[t].R0, parts[t].R1, parts[t].C0, parts[t].C1, k, alpha, beta, (float*)cp, ldc));
    }

    /// <summary>
    /// Row bands: each NC-column block of B is packed once for all K (strips of NR columns, [p][NR] each, split among the
    /// threads) and shared by every band, so no thread repeats another's packing; then each band runs the usual loops.
    /// </summary>
    private static void RowBands<TA, TB>(TA a, TB b, (int R0, int R1, int C0, int C1)[] parts, int n, int k, float alpha, float beta,
        float* c, int ldc) where TA : struct, IFloatOperand where TB : struct, IFloatOperand
    {
        int threads = parts.Length;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        int maxStrips = (Math.Min(NC, n) + NR - 1) / NR;
        float* packB = (float*)NativeMemory.AlignedAlloc((nuint)((long)maxStrips * k * NR * sizeof(float)), 64);
        try
        {
            nint pb = (nint)packB, cp = (nint)c;
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc), strips = (nc + NR - 1) / NR, col = jc;
                Parallel.For(0, threads, options, t =>
                {
                    for (int s = strips * t / threads; s < strips * (t + 1) / threads; s++)
                        b.PackB((float*)pb + (long)s * k * NR, 0, k, col + s * NR, Math.Min(NR, nc - s * NR));
                });
                Parallel.For(0, threads, options, t =>
                {
                    var (r0, r1, _, _) = parts[t];
                    if (r0 < r1) Band(a, (float*)pb, r0, r1, col, nc, k, alpha, beta, (float*)cp, ldc);
                });
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packB);
        }
    }

    private static void Band<TA>(TA a, float* packB, int r0, int r1, int jc, int nc, int k, float alpha, float beta, float* c, int ldc)
        where TA : struct, IFloatOperand
    {
        float* packA = (float*)NativeMemory.AlignedAlloc((nuint)(MC * KC * sizeof(float)), 64);
        try
        {
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                bool first = pc == 0;
                for (int ic = r0; ic < r1; ic += MC)
                {
                    int mc = Math.Min(MC, r1 - ic);
                    for (int ir = 0; ir < mc; ir += MR)
                        a.PackA(packA + ir * kc, ic + ir, Math.Min(MR, mc - ir), pc, kc);
                    for (int jr = 0; jr < nc; jr += NR)
                        for (int ir = 0; ir < mc; ir += MR)
                            SgemmMicroKernel.Run(kc, packA + ir * kc, packB + (long)(jr / NR) * k * NR + (long)pc * NR,
                                c + (long)(ic + ir) * ldc + jc + jr, ldc, alpha, beta, first, Math.Min(MR, mc - ir), Math.Min(NR, nc - jr));
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
        }
    }

    private static void Worker<TA, TB>(TA a, TB b, int r0, int r1, int c0, int c1, int k, float alpha, float beta, float* c, int ldc)
        where TA : struct, IFloatOperand where TB : struct, IFloatOperand
    {
        if (r0 >= r1 || c0 >= c1) return;
        float* packA = (float*)NativeMemory.AlignedAlloc((nuint)(MC * KC * sizeof(float)), 64);
        float* packB = (float*)NativeMemory.AlignedAlloc((nuint)(KC * NC * sizeof(float)), 64);
        try
        {
            for (int jc = c0; jc < c1; jc += NC)
            {
                int nc = Math.Min(NC, c1 - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool first = pc == 0;
                    for (int jr = 0; jr < nc; jr += NR)
                        b.PackB(packB + jr * kc, pc, kc, jc + jr, Math.Min(NR, nc - jr));
                    for (int ic = r0; ic < r1; ic += MC)
                    {
                        int mc = Math.Min(MC, r1 - ic);
                        for (int ir = 0; ir < mc; ir += MR)
                            a.PackA(packA + ir * kc, ic + ir, Math.Min(MR, mc - ir), pc, kc);
                        for (int jr = 0; jr < nc; jr += NR)
                            for (int ir = 0; ir < mc; ir += MR)
                                SgemmMicroKernel.Run(kc, packA + ir * kc, packB + jr * kc, c + (long)(ic + ir) * ldc + jc + jr, ldc,
                                    alpha, beta, first, Math.Min(MR, mc - ir), Math.Min(NR, nc - jr));
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
            NativeMemory.AlignedFree(packB);
        }
    }
}
