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
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length },
            t => Worker(a, b, parts[t].R0, parts[t].R1, parts[t].C0, parts[t].C1, k, alpha, beta, (float*)cp, ldc));
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
