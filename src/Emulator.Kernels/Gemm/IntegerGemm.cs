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
            Run(new Int8Source(pa, k, false), new Int8Source(pb, n, false), pc, null, m, n, k, threads);
    }

    /// <summary>
    /// C = A * B for signed int4 operands packed two per byte in row-major element order (element e in byte e / 2, the low
    /// nibble first). The nibbles are widened to int8 while the panels are packed and go through the same exact path.
    /// </summary>
    public static unsafe void MultiplyInt4(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<int> c, int m, int n, int k, int threads = 1)
    {
        CheckInt4(a.Length, b.Length, c.Length, m, n, k, threads);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        fixed (int* pc = c)
            Run(new Int8Source(pa, k, true), new Int8Source(pb, n, true), pc, null, m, n, k, threads);
    }

    /// <summary>Signed nibbles (two per byte, low first) widened to int8.</summary>
    public static sbyte[] UnpackInt4(ReadOnlySpan<byte> packed, int count)
    {
        if (count < 0 || (long)count > 2L * packed.Length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in 0..{2L * packed.Length} (two nibbles per packed byte)");
        var x = new sbyte[count];
        for (int e = 0; e < count; e++) x[e] = (sbyte)Int8Source.Nibble(packed[e >> 1], e);
        return x;
    }

    /// <summary>
    /// Dequantized product: C[i, j] = (float)((sA_i * sB_j) * (double)T) with T = sum_k (a - zA_i)(b - zB_j) computed in
    /// int64 from the int32 product and the row/column sums, and the scale product in double. The epilogue is fused: each
    /// int32 tile is dequantized right after its last K block.
    /// </summary>
    public static unsafe void MultiplyDequantized(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<float> c, int m, int n, int k,
        QuantizationParameters aParameters, QuantizationParameters bParameters, int threads = 1)
    {
        CheckParameters(aParameters, bParameters, m, n, k);
        Check(a.Length, b.Length, c.Length, m, n, k, threads);
        fixed (sbyte* pa = a)
        fixed (sbyte* pb = b)
        fixed (float* pc = c)
            RunDequantized(new Int8Source(pa, k, false), new Int8Source(pb, n, false), pc, aParameters, bParameters, m, n, k, threads);
    }

    /// <summary>The dequantized product (as <see cref="MultiplyDequantized"/>) of packed int4 operands (as <see cref="MultiplyInt4"/>).</summary>
    public static unsafe void MultiplyInt4Dequantized(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<float> c, int m, int n, int k,
        QuantizationParameters aParameters, QuantizationParameters bParameters, int threads = 1)
    {
        CheckParameters(aParameters, bParameters, m, n, k);
        CheckInt4(a.Length, b.Length, c.Length, m, n, k, threads);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        fixed (float* pc = c)
            RunDequantized(new Int8Source(pa, k, true), new Int8Source(pb, n, true), pc, aParameters, bParameters, m, n, k, threads);
    }

    private static unsafe void Run(Int8Source a, Int8Source b, int* c, Int8Dequantization? dq, int m, int n, int k, int threads) =>
        GemmFrame.Run(new Int8GemmKernel(a, b, c, n, dq, k), m, n, k, threads);

    private static unsafe void RunDequantized(Int8Source a, Int8Source b, float* c, QuantizationParameters aParameters,
        QuantizationParameters bParameters, int m, int n, int k, int threads)
    {
        if (m == 0 || n == 0) return;
        Run(a, b, null, new Int8Dequantization(c, n, aParameters, bParameters, a, b, m, n, k), m, n, k, threads);
    }

    /// <summary>The dimensions first (the channel counts are m and n), then the quantization parameters against them.</summary>
    private static void CheckParameters(QuantizationParameters aParameters, QuantizationParameters bParameters, int m, int n, int k)
    {
        GemmChecks.Dimensions(m, n, k);
        ArgumentNullException.ThrowIfNull(aParameters);
        ArgumentNullException.ThrowIfNull(bParameters);
        aParameters.CheckChannels(nameof(aParameters), m);
        bParameters.CheckChannels(nameof(bParameters), n);
    }

    private static void CheckInt4(int aLength, int bLength, int cLength, int m, int n, int k, int threads)
    {
        GemmChecks.Dimensions(m, n, k);
        long needA = ((long)m * k + 1) / 2, needB = ((long)k * n + 1) / 2;
        if (aLength < needA) throw new ArgumentException($"a has length {aLength}; it must be at least {needA} bytes (m*k nibbles)", "a");
        if (bLength < needB) throw new ArgumentException($"b has length {bLength}; it must be at least {needB} bytes (k*n nibbles)", "b");
        Check(int.MaxValue, int.MaxValue, cLength, m, n, k, threads);
    }

    private static void Check(int aLength, int bLength, int cLength, int m, int n, int k, int threads)
    {
        GemmChecks.Dimensions(m, n, k);
        GemmChecks.Threads(threads);
        if (k > Int8GemmKernel.MaxK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at most {Int8GemmKernel.MaxK} so int32 results are exact");
        if (aLength < (long)m * k) throw new ArgumentException($"a has length {aLength}; it must be at least m*k = {(long)m * k}", "a");
        if (bLength < (long)k * n) throw new ArgumentException($"b has length {bLength}; it must be at least k*n = {(long)k * n}", "b");
        if (cLength < (long)m * n) throw new ArgumentException($"c has length {cLength}; it must be at least m*n = {(long)m * n}", "c");
    }
}
