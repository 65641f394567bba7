namespace Emulator.Kernels.Gemm;

/// <summary>
/// Exact integer GEMM, row-major: int8 (or packed int4) A (m x k) times B (k x n) into int32 C, using AvxVnni's vpdpbusd
/// (u8 x s8 with a +128 offset and a column-sum correction) and a scalar fallback with the same bits; plus a fused
/// dequantization epilogue to float32.
/// </summary>
public static class IntegerGemm
{
    /// <summary>C = A * B exactly. k must be at most 131071 so every result fits int32.</summary>
    public static unsafe void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<int> c, int m, int n, int k, int threads = 1)
    {
        Check(a.Length, b.Length, c.Length, m, n, k, threads);
        fixed (sbyte* pa = a)
        fixed (sbyte* pb = b)
        fixed (int* pc = c)
            Int8GemmDriver.Run(pa, Math.Max(1, k), pb, Math.Max(1, n), pc, Math.Max(1, n), m, n, k, threads);
    }

    /// <summary>
    /// C = A * B for signed int4 operands packed two per byte in row-major element order (element e in byte e / 2, the low
    /// nibble first). The nibbles are widened to int8 and go through the same exact path.
    /// </summary>
    public static void MultiplyInt4(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<int> c, int m, int n, int k, int threads = 1)
    {
        GemmChecks.Dimensions(m, n, k);
        long needA = ((long)m * k + 1) / 2, needB = ((long)k * n + 1) / 2;
        if (a.Length < needA) throw new ArgumentException($"a has length {a.Length}; it must be at least {needA} bytes (m*k nibbles)", nameof(a));
        if (b.Length < needB) throw new ArgumentException($"b has length {b.Length}; it must be at least {needB} bytes (k*n nibbles)", nameof(b));
        Multiply(UnpackInt4(a, m * k), UnpackInt4(b, k * n), c, m, n, k, threads);
    }

    /// <summary>Signed nibbles (two per byte, low first) widened to int8.</summary>
    public static sbyte[] UnpackInt4(ReadOnlySpan<byte> packed, int count)
    {
        var x = new sbyte[count];
        for (int e = 0; e < count; e++)
        {
            int nibble = (packed[e >> 1] >> ((e & 1) * 4)) & 0xF;
            x[e] = (sbyte)((nibble ^ 8) - 8);
        }
        return x;
    }

    /// <summary>
    /// Dequantized product: C[i, j] = (float)(sA_i * sB_j * T) with T = sum_k (a - zA_i)(b - zB_j) computed exactly in int64
    /// from the int32 product and the row/column sums, and the scale product in double.
    /// </summary>
    public static void MultiplyDequantized(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<float> c, int m, int n, int k,
        QuantizationParameters aParameters, QuantizationParameters bParameters, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(aParameters);
        ArgumentNullException.ThrowIfNull(bParameters);
        aParameters.CheckChannels(nameof(aParameters), m);
        bParameters.CheckChannels(nameof(bParameters), n);
        Check(a.Length, b.Length, c.Length, m, n, k, threads);
        var t = new int[(long)m * n];
        Multiply(a, b, t, m, n, k, threads);
        var rowSum = new long[m];
        var colSum = new long[n];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) rowSum[i] += a[i * k + p];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) colSum[j] += b[p * n + j];
        for (int i = 0; i < m; i++)
        {
            long za = aParameters.ZeroPoint(i);
            double sa = aParameters.Scale(i);
            for (int j = 0; j < n; j++)
            {
                long zb = bParameters.ZeroPoint(j);
                long exact = t[i * n + j] - zb * rowSum[i] - za * colSum[j] + (long)k * za * zb;
                c[i * n + j] = (float)(sa * bParameters.Scale(j) * exact);
            }
        }
    }

    private static void Check(int aLength, int bLength, int cLength, int m, int n, int k, int threads)
    {
        GemmChecks.Dimensions(m, n, k);
        GemmChecks.Threads(threads);
        if (k > Int8GemmDriver.MaxK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at most {Int8GemmDriver.MaxK} so int32 results are exact");
        if (aLength < (long)m * k) throw new ArgumentException($"a has length {aLength}; it must be at least m*k = {(long)m * k}", "a");
        if (bLength < (long)k * n) throw new ArgumentException($"b has length {bLength}; it must be at least k*n = {(long)k * n}", "b");
        if (cLength < (long)m * n) throw new ArgumentException($"c has length {cLength}; it must be at least m*n = {(long)m * n}", "c");
    }
}
