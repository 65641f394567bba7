using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// A logical matrix op(X) that the float32 GEMM kernel packs into micro-panels: A panels hold MR rows per step of K
/// (element (r, p) at panel[p * MR + r]), B panels NR columns per step (element (p, c) at panel[p * NR + c]), zero padded.
/// Panels are always packed: read in place, a panel whose rows lie a multiple of 4 KB apart (m or n a multiple of 1024,
/// or 100352 = 98 x 1024 of a 28 x 28 x 128 im2col) falls into one L1 set and was measured up to 2x slower.
/// </summary>
internal unsafe interface IFloatOperand
{
    /// <summary>Element (row, col) of op(X), as float32.</summary>
    float At(int row, int col);

    /// <summary>Packs the A panel of rows [i0, i0 + rows) and depth [p0, p0 + kc) into <paramref name="dst"/>.</summary>
    void PackA(float* dst, int i0, int rows, int p0, int kc);

    /// <summary>Packs the B panel of depth [p0, p0 + kc) and columns [j0, j0 + cols) into <paramref name="dst"/>.</summary>
    void PackB(float* dst, int p0, int kc, int j0, int cols);
}

/// <summary>A row-major float32 matrix with a leading dimension, used as stored or transposed: panels whose steps are
/// contiguous are row copies, the others transpose 8 x 8 blocks in registers.</summary>
internal readonly unsafe struct StridedFloatOperand(float* data, int ld, Transpose trans) : IFloatOperand
{
    private const int MR = SgemmMicroKernel.MR, NR = SgemmMicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(int row, int col) => trans == Transpose.None ? data[(long)row * ld + col] : data[(long)col * ld + row];

    public void PackA(float* dst, int i0, int rows, int p0, int kc)
    {
        if (trans == Transpose.Transposed) FloatPacking.CopyRows(data + (long)p0 * ld + i0, ld, rows, kc, dst, MR);
        else FloatPacking.Transposed(data + (long)i0 * ld + p0, ld, rows, kc, dst, MR);
    }

    public void PackB(float* dst, int p0, int kc, int j0, int cols)
    {
        if (trans == Transpose.None) FloatPacking.CopyRows(data + (long)p0 * ld + j0, ld, cols, kc, dst, NR);
        else FloatPacking.Transposed(data + (long)j0 * ld + p0, ld, cols, kc, dst, NR);
    }
}

/// <summary>Panel packing: element by element through <see cref="IFloatOperand.At"/> (edges), and the fast layouts.</summary>
internal static unsafe class FloatPacking
{
    private const int MR = SgemmMicroKernel.MR, NR = SgemmMicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(in T a, float* dst, int i0, int rows, int p0, int kc) where T : struct, IFloatOperand
    {
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
        for (int p = 0; p < kc; p++)
        {
            float* row = dst + p * NR;
            for (int c = 0; c < cols; c++) row[c] = b.At(p0 + p, j0 + c);
            for (int c = cols; c < NR; c++) row[c] = 0f;
        }
    }

    /// <summary>kc rows of <paramref name="width"/> contiguous floats (stride ld) into dst[p * dstWidth + c], zero padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyRows(float* src, int ld, int width, int kc, float* dst, int dstWidth)
    {
        if (width == 32 && dstWidth == 32 && Vector512.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++, src += ld, dst += 32)
            {
                Vector512.Store(Vector512.Load(src), dst);
                Vector512.Store(Vector512.Load(src + 16), dst + 16);
            }
            return;
        }
        if (width == 8 && dstWidth == 8 && Vector256.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++, src += ld, dst += 8) Vector256.Store(Vector256.Load(src), dst);
            return;
        }
        for (int p = 0; p < kc; p++, src += ld, dst += dstWidth)
        {
            Unsafe.CopyBlockUnaligned(dst, src, (uint)(width * sizeof(float)));
            for (int c = width; c < dstWidth; c++) dst[c] = 0f;
        }
    }

    /// <summary>
    /// Transposes <paramref name="width"/> rows of <paramref name="kc"/> contiguous floats (row stride ld) into
    /// dst[p * dstWidth + r], zero padded to <paramref name="dstWidth"/> (a multiple of 8): 8 x 8 blocks in AVX registers
    /// (rows past the end read as a row of zeros), the last kc % 8 steps one element at a time. Blocks of 8 rows go one
    /// after the other, so the reads are 8 sequential streams.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transposed(float* src, int ld, int width, int kc, float* dst, int dstWidth)
    {
        int kc8 = Avx.IsSupported && kc <= ZeroRowLength ? kc & ~7 : 0;
        float** rows = stackalloc float*[8];
        for (int r0 = 0; r0 < dstWidth; r0 += 8)
        {
            float* d = dst + r0;
            if (r0 >= width)
            {
                for (int p = 0; p < kc; p++) new Span<float>(d + p * dstWidth, 8).Clear();
                continue;
            }
            for (int i = 0; i < 8; i++) rows[i] = r0 + i < width ? src + (long)(r0 + i) * ld : ZeroRow;
            for (int p = 0; p < kc8; p += 8)
                Transpose8x8(rows[0] + p, rows[1] + p, rows[2] + p, rows[3] + p, rows[4] + p, rows[5] + p, rows[6] + p, rows[7] + p,
                    d + p * dstWidth, dstWidth);
            for (int p = kc8; p < kc; p++)
                for (int i = 0; i < 8; i++) d[p * dstWidth + i] = rows[i][p];
        }
    }

    private const int ZeroRowLength = 1024;

    /// <summary>A row of zeros standing in for the rows past the end of an edge panel.</summary>
    private static readonly float* ZeroRow = Zeros(ZeroRowLength);

    private static float* Zeros(int count)
    {
        var z = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
        new Span<float>(z, count).Clear();
        return z;
    }

    /// <summary>The 8 x 8 block of rows x0..x7 transposed to dst (row stride ld).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* x0, float* x1, float* x2, float* x3, float* x4, float* x5, float* x6, float* x7, float* dst, long ld)
    {
        Vector256<float> r0 = Avx.LoadVector256(x0), r1 = Avx.LoadVector256(x1), r2 = Avx.LoadVector256(x2), r3 = Avx.LoadVector256(x3);
        Vector256<float> r4 = Avx.LoadVector256(x4), r5 = Avx.LoadVector256(x5), r6 = Avx.LoadVector256(x6), r7 = Avx.LoadVector256(x7);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE), s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE), s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ld, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ld, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ld, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ld, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ld, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ld, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ld, Avx.Permute2x128(s3, s7, 0x31));
    }
}
