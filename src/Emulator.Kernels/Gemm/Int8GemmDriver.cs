using System.Runtime.InteropServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The BLIS loops of the exact int8 GEMM: C (int32) = A (m x k, s8) * B (k x n, s8), via u8 x s8 products with
/// u = a + 128 and the column-sum correction C -= 128 * colsum(B). Wrapping int32 arithmetic is exact modulo 2^32, so the
/// result is exact whenever the true product fits int32 (always for k &lt;= <see cref="MaxK"/>).
/// </summary>
internal static unsafe class Int8GemmDriver
{
    private const int MR = Int8MicroKernel.MR, NR = Int8MicroKernel.NR, KC = 1024, MC = 96, NC = 2048;

    /// <summary>Largest k for which every product of int8 matrices fits int32: k * 128 * 128 &lt;= 2^31 - 1.</summary>
    public const int MaxK = 131071;

    public static void Run(sbyte* a, int lda, sbyte* b, int ldb, int* c, int ldc, int m, int n, int k, int threads)
    {
        if (m == 0 || n == 0) return;
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        GemmPartition.Run(m, n, threads, MR, NR, (r0, r1, c0, c1) => Worker((sbyte*)pa, lda, (sbyte*)pb, ldb, (int*)pc, ldc, k, r0, r1, c0, c1));
    }

    private static void Worker(sbyte* a, int lda, sbyte* b, int ldb, int* c, int ldc, int k, int r0, int r1, int c0, int c1)
    {
        if (r0 >= r1 || c0 >= c1) return;
        if (k == 0)
        {
            for (int i = r0; i < r1; i++) new Span<int>(c + (long)i * ldc + c0, c1 - c0).Clear();
            return;
        }
        byte* packA = (byte*)NativeMemory.AlignedAlloc((nuint)(MC * KC), 64);
        sbyte* packB = (sbyte*)NativeMemory.AlignedAlloc((nuint)(KC * NC), 64);
        int* colsum = (int*)NativeMemory.Alloc((nuint)(c1 - c0), sizeof(int));
        try
        {
            for (int j = 0; j < c1 - c0; j++) colsum[j] = 0;
            for (int p = 0; p < k; p++)
            {
                sbyte* row = b + (long)p * ldb + c0;
                for (int j = 0; j < c1 - c0; j++) colsum[j] += row[j];
            }
            for (int jc = c0; jc < c1; jc += NC)
            {
                int nc = Math.Min(NC, c1 - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc), groups = (kc + 3) / 4;
                    for (int jr = 0; jr < nc; jr += NR)
                        Int8Packing.PackB(b, ldb, packB + jr * groups * 4, pc, kc, jc + jr, Math.Min(NR, nc - jr));
                    for (int ic = r0; ic < r1; ic += MC)
                    {
                        int mc = Math.Min(MC, r1 - ic);
                        for (int ir = 0; ir < mc; ir += MR)
                            Int8Packing.PackA(a, lda, packA + ir * groups * 4, ic + ir, Math.Min(MR, mc - ir), pc, kc);
                        for (int jr = 0; jr < nc; jr += NR)
                            for (int ir = 0; ir < mc; ir += MR)
                                Int8MicroKernel.Run(groups, packA + ir * groups * 4, packB + jr * groups * 4,
                                    c + (long)(ic + ir) * ldc + jc + jr, ldc, pc == 0, Math.Min(MR, mc - ir), Math.Min(NR, nc - jr));
                    }
                }
            }
            for (int i = r0; i < r1; i++)
            {
                int* row = c + (long)i * ldc + c0;
                for (int j = 0; j < c1 - c0; j++) row[j] -= 128 * colsum[j];
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
            NativeMemory.AlignedFree(packB);
            NativeMemory.Free(colsum);
        }
    }
}
