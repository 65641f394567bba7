using System.Runtime.InteropServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The BLIS loops of the exact int8 GEMM: C (int32) = A (m x k, s8) * B (k x n, s8), via u8 x s8 products with
/// u = a + 128 and the column-sum correction C -= 128 * colsum(B), which seeds the accumulators of the first K block.
/// B is packed once for all K into NR-wide strips shared by every worker (with the column sums); each worker packs its own
/// MC x KC blocks of A. Wrapping int32 arithmetic is exact modulo 2^32, so the result is exact whenever the true product
/// fits int32 (always for k &lt;= <see cref="MaxK"/>). With a dequantization epilogue each finished tile is turned into
/// float32 while it is in L1 (<see cref="Int8Dequantization"/>).
/// </summary>
internal static unsafe class Int8GemmDriver
{
    private const int MR = Int8MicroKernel.MR, NR = Int8MicroKernel.NR, KC = 1024, MC = 96, NC = 2048;

    /// <summary>Largest k for which every product of int8 matrices fits int32: k * 128 * 128 &lt;= 2^31 - 1.</summary>
    public const int MaxK = 131071;

    /// <summary>C = A * B into int32 <paramref name="c"/>, or (when <paramref name="dequantization"/> is set) into its float32 C.</summary>
    public static void Run(Int8Source a, Int8Source b, int* c, int ldc, Int8Dequantization? dequantization, int m, int n, int k, int threads)
    {
        if (m == 0 || n == 0) return;
        int strips = (n + NR - 1) / NR, groups = (k + 3) / 4;
        long stripBytes = (long)groups * NR * 4;
        sbyte* packB = (sbyte*)NativeMemory.AlignedAlloc((nuint)Math.Max(64, strips * stripBytes), 64);
        int* corr = (int*)NativeMemory.AlignedAlloc((nuint)(strips * NR * sizeof(int)), 64);
        int* colSum = (int*)NativeMemory.AlignedAlloc((nuint)(strips * NR * sizeof(int)), 64);
        try
        {
            nint pb = (nint)packB, pcorr = (nint)corr, pcs = (nint)colSum;
            GemmPartition.ForStrips(strips, threads, s =>
                Int8Packing.PackB(b, (sbyte*)pb + s * stripBytes, k, s * NR, Math.Min(NR, n - s * NR), (int*)pcorr + s * NR, (int*)pcs + s * NR));
            if (dequantization is not null)
                for (int s = 0; s < strips; s++) dequantization.SetColumnSums(s * NR, colSum + s * NR, Math.Min(NR, n - s * NR));
            nint pc = (nint)c;
            GemmPartition.Run(m, n, threads, MR, NR, (r0, r1, c0, c1) =>
                Worker(a, (sbyte*)pb, stripBytes, (int*)pcorr, (int*)pc, ldc, dequantization, k, r0, r1, c0, c1));
        }
        finally
        {
            NativeMemory.AlignedFree(packB);
            NativeMemory.AlignedFree(corr);
            NativeMemory.AlignedFree(colSum);
        }
    }

    private static void Worker(Int8Source a, sbyte* packB, long stripBytes, int* corr, int* c, int ldc, Int8Dequantization? dq,
        int k, int r0, int r1, int c0, int c1)
    {
        if (r0 >= r1 || c0 >= c1) return;
        byte* packA = (byte*)NativeMemory.AlignedAlloc((nuint)(MC * KC), 64);
        // The int32 tiles of a dequantized product wait in an MC x (at most NC) block until their last K block.
        int scratchLd = Math.Min(NC, (c1 - c0 + NR - 1) / NR * NR);
        int* scratch = dq is null ? null : (int*)NativeMemory.AlignedAlloc((nuint)(MC * scratchLd * sizeof(int)), 64);
        try
        {
            var (sa, za, rs) = dq is null ? default : dq.Rows(a, r0, r1);
            for (int jc = c0; jc < c1; jc += NC)
            {
                int nc = Math.Min(NC, c1 - jc);
                for (int ic = r0; ic < r1; ic += MC)
                {
                    int mc = Math.Min(MC, r1 - ic);
                    for (int pc = 0; pc == 0 || pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc), groups = (kc + 3) / 4;
                        bool first = pc == 0, last = pc + KC >= k;
                        for (int ir = 0; ir < mc; ir += MR)
                            Int8Packing.PackA(a, packA + ir * groups * 4, ic + ir, Math.Min(MR, mc - ir), pc, kc);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int strip = (jc + jr) / NR, cols = Math.Min(NR, nc - jr);
                            sbyte* bp = packB + strip * stripBytes + (long)(pc / 4) * NR * 4;
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int rows = Math.Min(MR, mc - ir);
                                int* dst = dq is null ? c + (long)(ic + ir) * ldc + jc + jr : scratch + ir * scratchLd + jr;
                                int ld = dq is null ? ldc : scratchLd;
                                Int8MicroKernel.Run(groups, packA + ir * groups * 4, bp, corr + strip * NR, dst, ld, first, rows, cols);
                                if (last && dq is not null) dq.Apply(dst, ld, ic + ir, jc + jr, rows, cols, sa, za, rs, r0);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
            if (scratch != null) NativeMemory.AlignedFree(scratch);
        }
    }
}
