using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The float32 register-tiled micro-kernel: an MR x NR tile of sums s[r, c] = fma(a[p, r], b[p, c], s) over p = 0..kc-1
/// starting from +0, then the epilogue c = fma(alpha, s, first ? (beta == 0 ? 0 : beta * c) : c), over packed panels
/// (element (r, p) of A at a[p * MR + r], (p, c) of B at b[p * NR + c]). The Vector512 kernel
/// keeps the 16 accumulators of the 8 x 32 tile in registers (a 4 x 32 form takes
/// edge tiles of at most 4 rows, and full-width edge tiles write their rows straight to C); the Vector256 one runs the tile as four 4 x 16 quarters
/// (8 accumulators each, AVX2's 16 registers); the scalar one loops. All perform exactly these operations per element,
/// so their bits agree. Edge tiles run the full kernel on a copy of their part of C (the packed panels are zero padded).
/// </summary>
internal static unsafe class SgemmMicroKernel
{
    /// <summary>Rows of the register tile (m = 16, 32, 128 of the training shapes are multiples).</summary>
    public const int MR = 8;

    /// <summary>Columns of the register tile (two 16-lane vectors).</summary>
    public const int NR = 32;

    /// <summary>Runs one tile; <paramref name="rows"/> x <paramref name="cols"/> of it are read from and written to C.</summary>
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first,
        int rows, int cols)
    {
        if (cols == NR && Vector512.IsHardwareAccelerated) { Tile512(kc, a, b, c, ldc, alpha, beta, first, rows); return; }
        if (rows == MR && cols == NR) { Full(kc, a, b, c, ldc, alpha, beta, first); return; }
        float* tile = stackalloc float[MR * NR];
        new Span<float>(tile, MR * NR).Clear();
        bool read = !first || beta != 0f;
        for (int r = 0; r < rows; r++)
            for (int j = 0; read && j < cols; j++) tile[r * NR + j] = c[(long)r * ldc + j];
        Full(kc, a, b, tile, NR, alpha, beta, first);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) c[(long)r * ldc + j] = tile[r * NR + j];
    }

    private static void Full(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first)
    {
        if (Vector512.IsHardwareAccelerated) Tile512(kc, a, b, c, ldc, alpha, beta, first, MR);
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < MR; r += 4)
                for (int j = 0; j < NR; j += 16)
                {
                    float* cq = c + (long)r * ldc + j;
                    if (!first) Quarter256<Accumulate>(kc, a + r, b + j, cq, ldc, alpha, beta);
                    else if (beta == 0f) Quarter256<Overwrite>(kc, a + r, b + j, cq, ldc, alpha, beta);
                    else Quarter256<Scale>(kc, a + r, b + j, cq, ldc, alpha, beta);
                }
        }
        else Scalar(kc, a, b, c, ldc, alpha, beta, first);
    }

    /// <summary>The first <paramref name="rows"/> rows of a full-width tile: the 8-row kernel, or the 4-row one for at most 4.</summary>
    private static void Tile512(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first, int rows)
    {
        // The tile of C is read or written only after the kc steps: fetching its lines now hides their latency.
        if (Sse.IsSupported)
            for (int r = 0; r < rows; r++) { float* cr = c + (long)r * ldc; Sse.Prefetch0(cr); Sse.Prefetch0(cr + 16); Sse.Prefetch0(cr + 31); }
        if (rows > 4)
        {
            if (!first) Kernel512<Accumulate, EightRows>(kc, a, b, c, ldc, alpha, beta, rows);
            else if (beta == 0f) Kernel512<Overwrite, EightRows>(kc, a, b, c, ldc, alpha, beta, rows);
            else Kernel512<Scale, EightRows>(kc, a, b, c, ldc, alpha, beta, rows);
        }
        else
        {
            if (!first) Kernel512<Accumulate, FourRows>(kc, a, b, c, ldc, alpha, beta, rows);
            else if (beta == 0f) Kernel512<Overwrite, FourRows>(kc, a, b, c, ldc, alpha, beta, rows);
            else Kernel512<Scale, FourRows>(kc, a, b, c, ldc, alpha, beta, rows);
        }
    }

    /// <summary>What the epilogue adds alpha * s to: C (a later K block), 0 (first block, beta = 0) or beta * C.</summary>
    private interface IEpilogue
    {
        static abstract Vector512<float> Init512(float* c, Vector512<float> beta);
        static abstract Vector256<float> Init256(float* c, Vector256<float> beta);
    }

    private struct Accumulate : IEpilogue
    {
        public static Vector512<float> Init512(float* c, Vector512<float> beta) => Vector512.Load(c);
        public static Vector256<float> Init256(float* c, Vector256<float> beta) => Vector256.Load(c);
    }

    private struct Overwrite : IEpilogue
    {
        public static Vector512<float> Init512(float* c, Vector512<float> beta) => Vector512<float>.Zero;
        public static Vector256<float> Init256(float* c, Vector256<float> beta) => Vector256<float>.Zero;
    }

    private struct Scale : IEpilogue
    {
        public static Vector512<float> Init512(float* c, Vector512<float> beta) => beta * Vector512.Load(c);
        public static Vector256<float> Init256(float* c, Vector256<float> beta) => beta * Vector256.Load(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512<TE>(float* c, Vector512<float> s, Vector512<float> alpha, Vector512<float> beta) where TE : IEpilogue =>
        Vector512.FusedMultiplyAdd(alpha, s, TE.Init512(c, beta)).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256<TE>(float* c, Vector256<float> s, Vector256<float> alpha, Vector256<float> beta) where TE : IEpilogue =>
        Vector256.FusedMultiplyAdd(alpha, s, TE.Init256(c, beta)).Store(c);

    /// <summary>Whether a kernel instance computes all 8 rows of the tile or only the first 4 (edge tiles of at most 4 rows).</summary>
    private interface IHeight
    {
        static abstract bool Eight { get; }
    }

    private struct EightRows : IHeight
    {
        public static bool Eight => true;
    }

    private struct FourRows : IHeight
    {
        public static bool Eight => false;
    }

    /// <summary>The 8 x 32 kernel (or its first 4 rows); rows 0..rows-1 of C are written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512<TE, TH>(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, int rows)
        where TE : IEpilogue where TH : IHeight
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            if (!TH.Eight) continue;
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Vector512<float> al = Vector512.Create(alpha), be = Vector512.Create(beta);
        Store512<TE>(c, c00, al, be); Store512<TE>(c + 16, c01, al, be); c += ldc;
        if (rows == 1) return;
        Store512<TE>(c, c10, al, be); Store512<TE>(c + 16, c11, al, be); c += ldc;
        if (rows == 2) return;
        Store512<TE>(c, c20, al, be); Store512<TE>(c + 16, c21, al, be); c += ldc;
        if (rows == 3) return;
        Store512<TE>(c, c30, al, be); Store512<TE>(c + 16, c31, al, be); c += ldc;
        if (rows == 4) return;
        Store512<TE>(c, c40, al, be); Store512<TE>(c + 16, c41, al, be); c += ldc;
        if (rows == 5) return;
        Store512<TE>(c, c50, al, be); Store512<TE>(c + 16, c51, al, be); c += ldc;
        if (rows == 6) return;
        Store512<TE>(c, c60, al, be); Store512<TE>(c + 16, c61, al, be); c += ldc;
        if (rows == 7) return;
        Store512<TE>(c, c70, al, be); Store512<TE>(c + 16, c71, al, be);
    }

    /// <summary>Rows 0..3 and columns 0..15 of the panels given (the caller offsets a, b and c to the quarter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Quarter256<TE>(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta) where TE : IEpilogue
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        Vector256<float> al = Vector256.Create(alpha), be = Vector256.Create(beta);
        Store256<TE>(c, c00, al, be); Store256<TE>(c + 8, c01, al, be); c += ldc;
        Store256<TE>(c, c10, al, be); Store256<TE>(c + 8, c11, al, be); c += ldc;
        Store256<TE>(c, c20, al, be); Store256<TE>(c + 8, c21, al, be); c += ldc;
        Store256<TE>(c, c30, al, be); Store256<TE>(c + 8, c31, al, be);
    }

    private static void Scalar(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool first)
    {
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
            {
                float s = 0f;
                for (int p = 0; p < kc; p++) s = MathF.FusedMultiplyAdd(a[p * MR + r], b[p * NR + j], s);
                float* cj = c + (long)r * ldc + j;
                *cj = MathF.FusedMultiplyAdd(alpha, s, first ? (beta == 0f ? 0f : beta * *cj) : *cj);
            }
    }
}
