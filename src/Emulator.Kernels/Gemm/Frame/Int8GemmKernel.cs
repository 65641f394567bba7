namespace Emulator.Kernels.Gemm;

/// <summary>
/// The exact int8 GEMM as a frame kernel: C (int32) = A (m x k, s8) * B (k x n, s8), via u8 x s8 products with
/// u = a + 128 and the column-sum correction -128 * colsum(B) of each B panel, which seeds the sums of that panel's K block
/// (the corrections of the blocks add up to the whole one). Wrapping int32 arithmetic is exact modulo 2^32, so the result
/// is exact whenever the true product fits int32 (always for k &lt;= <see cref="MaxK"/>). With a dequantization epilogue
/// the int32 sums of a tile wait in C's own memory (a float32 has the size of an int32) until its last K block, when
/// <see cref="Int8Dequantization"/> turns them into float32 while they are in L1.
/// </summary>
internal readonly unsafe struct Int8GemmKernel(Int8Source a, Int8Source b, int* c, int ldc, Int8Dequantization? dequantization, int k)
    : IGemmKernel
{
    private const int MR = Int8MicroKernel.MR, NR = Int8MicroKernel.NR;

    /// <summary>Largest k for which every product of int8 matrices fits int32: k * 128 * 128 &lt;= 2^31 - 1.</summary>
    public const int MaxK = 131071;

    public GemmBlocking Blocking => GemmBlockingTable.Int8;

    public long PanelBytesA(int kc) => (long)(kc + 3) / 4 * MR * 4;

    /// <summary>Groups of 4 along K for NR columns, then the NR corrections.</summary>
    public long PanelBytesB(int kc) => (long)(kc + 3) / 4 * NR * 4 + NR * sizeof(int);

    public byte* PackA(byte* dst, int i0, int rows, int p0, int kc)
    {
        Int8Packing.PackA(a, dst, i0, rows, p0, kc);
        return dst;
    }

    public byte* PackB(byte* dst, int p0, int kc, int j0, int cols)
    {
        Int8Packing.PackB(b, (sbyte*)dst, p0, kc, j0, cols, (int*)(dst + PanelBytesB(kc) - NR * sizeof(int)));
        return dst;
    }

    public void Tile(byte* ap, byte* bp, int i0, int j0, int rows, int cols, int p0, int kc)
    {
        int* corr = (int*)(bp + PanelBytesB(kc) - NR * sizeof(int));
        int* dst = dequantization is null ? c + (long)i0 * ldc + j0 : (int*)(dequantization.C + (long)i0 * dequantization.Ldc + j0);
        int ld = dequantization is null ? ldc : dequantization.Ldc;
        Int8MicroKernel.Run((kc + 3) / 4, ap, (sbyte*)bp, corr, dst, ld, p0 == 0, rows, cols);
        if (dequantization is not null && p0 + kc >= k) dequantization.Apply(dst, ld, i0, j0, rows, cols);
    }
}
