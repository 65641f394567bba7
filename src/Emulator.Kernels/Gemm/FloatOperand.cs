using System.Runtime.CompilerServices;

namespace Emulator.Kernels.Gemm;

/// <summary>A logical matrix op(X) that the float32 GEMM driver packs into micro-panels (see <see cref="FloatPacking"/>).</summary>
internal unsafe interface IFloatOperand
{
    /// <summary>Element (row, col) of op(X), as float32.</summary>
    float At(int row, int col);

    /// <summary>Rows [i0, i0 + rows) and columns [p0, p0 + kc) as an MR x kc micro-panel: dst[p * MR + r], zero padded.</summary>
    void PackA(float* dst, int i0, int rows, int p0, int kc);

    /// <summary>Rows [p0, p0 + kc) and columns [j0, j0 + cols) as a kc x NR micro-panel: dst[p * NR + c], zero padded.</summary>
    void PackB(float* dst, int p0, int kc, int j0, int cols);
}

/// <summary>A row-major float32 matrix with a leading dimension, used as stored or transposed.</summary>
internal readonly unsafe struct StridedFloatOperand(float* data, int ld, Transpose trans) : IFloatOperand
{
    private const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(int row, int col) => trans == Transpose.None ? data[(long)row * ld + col] : data[(long)col * ld + row];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PackA(float* dst, int i0, int rows, int p0, int kc)
    {
        if (rows < MR) { FloatPacking.PackA(this, dst, i0, rows, p0, kc); return; }
        if (trans == Transpose.None)
        {
            float* src = data + (long)i0 * ld + p0;
            for (int p = 0; p < kc; p++, dst += MR)
                for (int r = 0; r < MR; r++) dst[r] = src[(long)r * ld + p];
        }
        else
            for (int p = 0; p < kc; p++, dst += MR)
                Unsafe.CopyBlockUnaligned(dst, data + (long)(p0 + p) * ld + i0, MR * sizeof(float));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PackB(float* dst, int p0, int kc, int j0, int cols)
    {
        if (cols < NR) { FloatPacking.PackB(this, dst, p0, kc, j0, cols); return; }
        if (trans == Transpose.None)
            for (int p = 0; p < kc; p++, dst += NR)
                Unsafe.CopyBlockUnaligned(dst, data + (long)(p0 + p) * ld + j0, NR * sizeof(float));
        else
        {
            float* src = data + (long)j0 * ld + p0;
            for (int p = 0; p < kc; p++, dst += NR)
                for (int c = 0; c < NR; c++) dst[c] = src[(long)c * ld + p];
        }
    }
}

/// <summary>Element-by-element packing through <see cref="IFloatOperand.At"/> (edges and operands without a fast layout).</summary>
internal static unsafe class FloatPacking
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(in T a, float* dst, int i0, int rows, int p0, int kc) where T : struct, IFloatOperand
    {
        const int MR = GemmBlocking.MR;
        for (int p = 0; p < kc; p++)
        {
            float* d = dst + p * MR;
            for (int r = 0; r < rows; r++) d[r] = a.At(i0 + r, p0 + p);
            for (int r = rows; r < MR; r++) d[r] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(in T b, float* dst, int p0, int kc, int j0, int cols) where T : struct, IFloatOperand
    {
        const int NR = GemmBlocking.NR;
        for (int p = 0; p < kc; p++)
        {
            float* row = dst + p * NR;
            for (int c = 0; c < cols; c++) row[c] = b.At(p0 + p, j0 + c);
            for (int c = cols; c < NR; c++) row[c] = 0f;
        }
    }
}
