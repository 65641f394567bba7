using System.Runtime.CompilerServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// Int8 panels in groups of 4 along K (the vpdpbusd layout): A as unsigned u = a + 128, dst[(g * MR + r) * 4 + t];
/// B as signed, dst[(g * NR + c) * 4 + t]. Padding is value 0 (u = 128 in A, 0 in B), so it adds nothing.
/// </summary>
internal static unsafe class Int8Packing
{
    private const int MR = Int8MicroKernel.MR, NR = Int8MicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(sbyte* a, int lda, byte* dst, int i0, int rows, int p0, int kc)
    {
        int groups = (kc + 3) / 4;
        for (int r = 0; r < MR; r++)
        {
            sbyte* src = a + (long)(i0 + r) * lda + p0;
            for (int p = 0; p < groups * 4; p++)
                dst[((p >> 2) * MR + r) * 4 + (p & 3)] = r < rows && p < kc ? (byte)(src[p] + 128) : (byte)128;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(sbyte* b, int ldb, sbyte* dst, int p0, int kc, int j0, int cols)
    {
        int groups = (kc + 3) / 4;
        for (int p = 0; p < groups * 4; p++)
        {
            sbyte* src = b + (long)(p0 + p) * ldb + j0;
            sbyte* d = dst + (p >> 2) * NR * 4 + (p & 3);
            if (p < kc)
            {
                for (int c = 0; c < cols; c++) d[c * 4] = src[c];
                for (int c = cols; c < NR; c++) d[c * 4] = 0;
            }
            else
                for (int c = 0; c < NR; c++) d[c * 4] = 0;
        }
    }
}
