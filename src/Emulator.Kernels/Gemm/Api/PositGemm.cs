using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// Posit GEMM with the quire: every C[i, j] is the exact quire sum of A[i, p] * B[p, j] over p, rounded once to posit&lt;n,2&gt;
/// (nearest-even on the bit string). Row-major codes with leading dimensions; threads split the rows of C, so the bits
/// never depend on them.
/// </summary>
public static class PositGemm
{
    /// <summary>C (m x n codes, ldc) = op(A) (m x k codes) x op(B) (k x n codes), each output a fused dot product.</summary>
    public static void Multiply(PositFormat format, Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<uint> a, int lda,
        ReadOnlySpan<uint> b, int ldb, Span<uint> c, int ldc, GemmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.ExponentBits != 2)
            throw new ArgumentException($"the quire is defined for posit<n,2>; '{format.Name}' has es = {format.ExponentBits}", nameof(format));
        int threads = GemmChecks.Entry("PositGemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options);
        if (m == 0 || n == 0) return;
        // Rows of op(A) and columns of op(B) contiguous: one quire dot product per output.
        uint[] rows = new uint[(long)m * k], cols = new uint[(long)k * n], cc = new uint[(long)m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) rows[(long)i * k + p] = transA == Transpose.None ? a[i * lda + p] : a[p * lda + i];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) cols[(long)j * k + p] = transB == Transpose.None ? b[p * ldb + j] : b[j * ldb + p];
        int bits = format.Bits;
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            ReadOnlySpan<uint> row = rows.AsSpan(i * k, k);
            for (int j = 0; j < n; j++) cc[(long)i * n + j] = Quire.Dot(bits, row, cols.AsSpan(j * k, k));
        });
        for (int i = 0; i < m; i++) cc.AsSpan(i * n, n).CopyTo(c.Slice(i * ldc, n));
    }

    /// <summary>C (m x n) = A (m x k) x B (k x n) for dense row-major codes.</summary>
    public static void Multiply(PositFormat format, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> c, int m, int n, int k,
        GemmOptions? options = null) =>
        Multiply(format, Transpose.None, Transpose.None, m, n, k, a, Math.Max(1, k), b, Math.Max(1, n), c, Math.Max(1, n), options);
}
