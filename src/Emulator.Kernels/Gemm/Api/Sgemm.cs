namespace Emulator.Kernels.Gemm;

/// <summary>
/// Single-precision GEMM, row-major: C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n.
/// Per element of C the result is fixed by this order (and never by threads, instruction set or shape): for each block of
/// <see cref="BlockDepth"/> products (p = 0..255, 256..511, ...), s = fma(a, b, s) from s = +0 in increasing p, then
/// c = fma(alpha, s, c), where c starts as beta * c (or 0 when beta is 0, so C may hold NaN). alpha = 0 or k = 0 gives
/// C = beta * C.
/// </summary>
public static class Sgemm
{
    /// <summary>The K block of the documented reduction order.</summary>
    public const int BlockDepth = 256;

    /// <summary>Multiplies with explicit transposes and leading dimensions.</summary>
    /// <param name="transA">Whether A is stored as k x m.</param>
    /// <param name="transB">Whether B is stored as n x k.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">The reduction length.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major.</param>
    /// <param name="lda">Leading dimension (row stride) of A as stored.</param>
    /// <param name="b">B, row-major.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="beta">Scale of the old C (0: C is not read).</param>
    /// <param name="c">C, row-major m x n.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="threads">Worker threads, 1..1024 (the bits do not depend on it).</param>
    public static unsafe void Multiply(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads = 1)
    {
        GemmChecks.Dimensions(m, n, k);
        GemmChecks.Threads(threads);
        GemmChecks.Operand(nameof(a), a.Length, m, k, transA, lda, nameof(lda));
        GemmChecks.Operand(nameof(b), b.Length, k, n, transB, ldb, nameof(ldb));
        GemmChecks.Operand(nameof(c), c.Length, m, n, Transpose.None, ldc, nameof(ldc));
        if (m == 0 || n == 0) return;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (k == 0 || alpha == 0f)
            {
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        pc[(long)i * ldc + j] = beta == 0f ? 0f : beta * pc[(long)i * ldc + j];
                return;
            }
            var kernel = new FloatGemmKernel<StridedFloatOperand, StridedFloatOperand>(new StridedFloatOperand(pa, lda, transA),
                new StridedFloatOperand(pb, ldb, transB), pc, ldc, alpha, beta);
            GemmFrame.Run(kernel, m, n, k, threads);
        }
    }

    /// <summary>Multiplies with explicit transposes and leading dimensions, threads from <paramref name="options"/>.</summary>
    /// <inheritdoc cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, GemmOptions options) =>
        Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, GemmOptions.ThreadsFor(options, "Sgemm.Multiply"));

    /// <summary>C = A * B for dense row-major A (m x k), B (k x n), C (m x n), threads from <paramref name="options"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, GemmOptions options) =>
        Multiply(a, b, c, m, n, k, GemmOptions.ThreadsFor(options, "Sgemm.Multiply"));

    /// <summary>C = A * B for dense row-major A (m x k), B (k x n), C (m x n).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int threads = 1) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, 1f, a, Math.Max(1, k), b, Math.Max(1, n), 0f, c, Math.Max(1, n), threads);
}
