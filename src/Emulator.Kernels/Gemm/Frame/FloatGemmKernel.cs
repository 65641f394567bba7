namespace Emulator.Kernels.Gemm;

/// <summary>
/// The float32 GEMM as a frame kernel: C (row-major, ldc) = alpha * op(A) op(B) + beta * C over float operands (strided
/// float32 matrices, or format codes decoded while packing), with <see cref="SgemmMicroKernel"/> on each tile.
/// </summary>
internal readonly unsafe struct FloatGemmKernel<TA, TB>(TA a, TB b, float* c, int ldc, float alpha, float beta) : IGemmKernel
    where TA : struct, IFloatOperand where TB : struct, IFloatOperand
{
    public GemmBlocking Blocking => GemmBlockingTable.Sgemm;

    public long PanelBytesA(int kc) => (long)kc * SgemmMicroKernel.MR * sizeof(float);

    public long PanelBytesB(int kc) => (long)kc * SgemmMicroKernel.NR * sizeof(float);

    public byte* PackA(byte* dst, int i0, int rows, int p0, int kc)
    {
        a.PackA((float*)dst, i0, rows, p0, kc);
        return dst;
    }

    public byte* PackB(byte* dst, int p0, int kc, int j0, int cols)
    {
        b.PackB((float*)dst, p0, kc, j0, cols);
        return dst;
    }

    public void Tile(byte* ap, byte* bp, int i0, int j0, int rows, int cols, int p0, int kc) =>
        SgemmMicroKernel.Run(kc, (float*)ap, (float*)bp, c + (long)i0 * ldc + j0, ldc, alpha, beta,
            p0 == 0, rows, cols);
}
