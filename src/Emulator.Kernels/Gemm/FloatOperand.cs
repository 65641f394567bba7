using System.Runtime.CompilerServices;

namespace Emulator.Kernels.Gemm;

/// <summary>A logical matrix op(X) whose elements the float32 GEMM driver reads while packing panels.</summary>
internal interface IFloatOperand
{
    /// <summary>Element (row, col) of op(X), as float32.</summary>
    float At(int row, int col);
}

/// <summary>A row-major float32 matrix with a leading dimension, used as stored or transposed.</summary>
internal readonly unsafe struct StridedFloatOperand(float* data, int ld, Transpose trans) : IFloatOperand
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(int row, int col) => trans == Transpose.None ? data[(long)row * ld + col] : data[(long)col * ld + row];
}

/// <summary>Packs operands into the micro-panel layouts of <see cref="GemmBlocking"/> (zero padded to full tiles).</summary>
internal static unsafe class FloatPacking
{
    /// <summary>Rows [i0, i0 + rows) and columns [p0, p0 + kc) of op(A) as an MR x kc micro-panel: dst[p * MR + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(in T a, float* dst, int i0, int rows, int p0, int kc) where T : struct, IFloatOperand
    {
        const int MR = GemmBlocking.MR;
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < kc; p++) dst[p * MR + r] = a.At(i0 + r, p0 + p);
        for (int r = rows; r < MR; r++)
            for (int p = 0; p < kc; p++) dst[p * MR + r] = 0f;
    }

    /// <summary>Rows [p0, p0 + kc) and columns [j0, j0 + cols) of op(B) as a kc x NR micro-panel: dst[p * NR + c].</summary>
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
