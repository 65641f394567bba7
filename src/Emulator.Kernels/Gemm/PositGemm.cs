using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// Posit GEMM with the quire: every C[i, j] is the exact quire sum of A[i, p] * B[p, j] over p, rounded once to posit&lt;n,2&gt;
/// (nearest-even on the bit string). Row-major codes; threads split the rows of C, so the bits never depend on them.
/// </summary>
public static class PositGemm
{
    /// <summary>C (m x n codes) = A (m x k codes) x B (k x n codes), each output a fused dot product.</summary>
    public static void Multiply(PositFormat format, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<uint> c, int m, int k, int n, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.ExponentBits != 2)
            throw new ArgumentException($"the quire is defined for posit<n,2>; '{format.Name}' has es = {format.ExponentBits}", nameof(format));
        if (m < 0 || k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(m), $"m, k, n = {m}, {k}, {n}: each must be non-negative");
        if (a.Length < (long)m * k) throw new ArgumentException($"a has {a.Length} codes; m x k = {(long)m * k} are needed", nameof(a));
        if (b.Length < (long)k * n) throw new ArgumentException($"b has {b.Length} codes; k x n = {(long)k * n} are needed", nameof(b));
        if (c.Length < (long)m * n) throw new ArgumentException($"c has {c.Length} codes; m x n = {(long)m * n} are needed", nameof(c));
        if (threads is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be in 1..1024");
        uint[] aa = a[..(m * k)].ToArray(), bt = new uint[(long)k * n], cc = new uint[(long)m * n];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) bt[(long)j * k + p] = b[p * n + j]; // columns of B contiguous
        int bits = format.Bits;
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            ReadOnlySpan<uint> row = aa.AsSpan(i * k, k);
            for (int j = 0; j < n; j++) cc[(long)i * n + j] = Quire.Dot(bits, row, bt.AsSpan(j * k, k));
        });
        cc.CopyTo(c);
    }
}
