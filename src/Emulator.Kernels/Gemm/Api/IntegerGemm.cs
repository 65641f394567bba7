namespace Emulator.Kernels.Gemm;

/// <summary>
/// Exact integer GEMM, row-major: C (m x n, int32) = op(A) (m x k) * op(B) (k x n) for int8 (or packed int4) operands,
/// using AvxVnni's vpdpbusd (u8 x s8 with a +128 offset and a column-sum correction) and a scalar fallback with the same
/// bits; plus a fused dequantization epilogue to float32. Every entry takes (transA, transB, m, n, k), the operands with
/// their leading dimensions (in elements, also for int4), C with its own, and <see cref="GemmOptions"/> (threads); the
/// dense overloads take contiguous row-major matrices. The fast packing layouts are A as stored and B as stored or
/// transposed (n x k, the usual layout of weights); other layouts are packed element by element.
/// </summary>
public static class IntegerGemm
{
    /// <summary>C = op(A) * op(B) exactly. k must be at most 131071 so every result fits int32.</summary>
    public static unsafe void Multiply(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<sbyte> a, int lda,
        ReadOnlySpan<sbyte> b, int ldb, Span<int> c, int ldc, GemmOptions? options = null)
    {
        int threads = Check(nameof(Multiply), transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options, 1);
        fixed (sbyte* pa = a) fixed (sbyte* pb = b) fixed (int* pc = c)
            GemmFrame.Run(new Int8GemmKernel(Source(pa, lda, false, transA), Source(pb, ldb, false, transB), pc, ldc, null, k), m, n, k, threads);
    }

    /// <summary>C = A * B exactly for dense row-major A (m x k), B (k x n), C (m x n).</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<int> c, int m, int n, int k, GemmOptions? options = null) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, a, Dense(k), b, Dense(n), c, Dense(n), options);

    /// <summary>
    /// C = op(A) * op(B) for signed int4 operands packed two per byte in row-major element order (element e of a stored
    /// matrix in byte e / 2, the low nibble first; leading dimensions count elements). The nibbles are widened to int8
    /// while the panels are packed and go through the same exact path.
    /// </summary>
    public static unsafe void MultiplyInt4(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<byte> a, int lda,
        ReadOnlySpan<byte> b, int ldb, Span<int> c, int ldc, GemmOptions? options = null)
    {
        int threads = Check(nameof(MultiplyInt4), transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options, 2);
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (int* pc = c)
            GemmFrame.Run(new Int8GemmKernel(Source(pa, lda, true, transA), Source(pb, ldb, true, transB), pc, ldc, null, k), m, n, k, threads);
    }

    /// <summary><see cref="MultiplyInt4(Transpose, Transpose, int, int, int, ReadOnlySpan{byte}, int, ReadOnlySpan{byte}, int, Span{int}, int, GemmOptions?)"/>
    /// for dense row-major operands.</summary>
    public static void MultiplyInt4(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<int> c, int m, int n, int k, GemmOptions? options = null) =>
        MultiplyInt4(Transpose.None, Transpose.None, m, n, k, a, Dense(k), b, Dense(n), c, Dense(n), options);

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
    /// int32 tile is dequantized right after its last K block. Channels: rows of op(A), columns of op(B).
    /// </summary>
    public static unsafe void MultiplyDequantized(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<sbyte> a, int lda,
        ReadOnlySpan<sbyte> b, int ldb, Span<float> c, int ldc, QuantizationParameters aParameters, QuantizationParameters bParameters,
        GemmOptions? options = null)
    {
        CheckParameters(aParameters, bParameters, m, n, k);
        int threads = Check(nameof(MultiplyDequantized), transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options, 1);
        fixed (sbyte* pa = a) fixed (sbyte* pb = b) fixed (float* pc = c)
            RunDequantized(Source(pa, lda, false, transA), Source(pb, ldb, false, transB), pc, ldc, aParameters, bParameters, m, n, k, threads);
    }

    /// <summary>The dequantized product of dense row-major operands.</summary>
    public static void MultiplyDequantized(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<float> c, int m, int n, int k,
        QuantizationParameters aParameters, QuantizationParameters bParameters, GemmOptions? options = null) =>
        MultiplyDequantized(Transpose.None, Transpose.None, m, n, k, a, Dense(k), b, Dense(n), c, Dense(n), aParameters, bParameters, options);

    /// <summary>The dequantized product (as <see cref="MultiplyDequantized(Transpose, Transpose, int, int, int, ReadOnlySpan{sbyte}, int, ReadOnlySpan{sbyte}, int, Span{float}, int, QuantizationParameters, QuantizationParameters, GemmOptions?)"/>)
    /// of packed int4 operands (as <see cref="MultiplyInt4(Transpose, Transpose, int, int, int, ReadOnlySpan{byte}, int, ReadOnlySpan{byte}, int, Span{int}, int, GemmOptions?)"/>).</summary>
    public static unsafe void MultiplyInt4Dequantized(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<byte> a, int lda,
        ReadOnlySpan<byte> b, int ldb, Span<float> c, int ldc, QuantizationParameters aParameters, QuantizationParameters bParameters,
        GemmOptions? options = null)
    {
        CheckParameters(aParameters, bParameters, m, n, k);
        int threads = Check(nameof(MultiplyInt4Dequantized), transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options, 2);
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (float* pc = c)
            RunDequantized(Source(pa, lda, true, transA), Source(pb, ldb, true, transB), pc, ldc, aParameters, bParameters, m, n, k, threads);
    }

    /// <summary>The dequantized product of dense row-major packed int4 operands.</summary>
    public static void MultiplyInt4Dequantized(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<float> c, int m, int n, int k,
        QuantizationParameters aParameters, QuantizationParameters bParameters, GemmOptions? options = null) =>
        MultiplyInt4Dequantized(Transpose.None, Transpose.None, m, n, k, a, Dense(k), b, Dense(n), c, Dense(n), aParameters, bParameters, options);

    private static int Dense(int columns) => Math.Max(1, columns);

    private static unsafe Int8Source Source(void* data, int ld, bool int4, Transpose trans) => new(data, ld, int4, trans == Transpose.Transposed);

    private static unsafe void RunDequantized(Int8Source a, Int8Source b, float* c, int ldc, QuantizationParameters aParameters,
        QuantizationParameters bParameters, int m, int n, int k, int threads)
    {
        if (m == 0 || n == 0) return;
        var dq = new Int8Dequantization(c, ldc, aParameters, bParameters, a, b, m, n, k);
        GemmFrame.Run(new Int8GemmKernel(a, b, null, ldc, dq, k), m, n, k, threads);
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

    private static int Check(string entry, Transpose transA, Transpose transB, int m, int n, int k, int aLength, int lda, int bLength, int ldb,
        int cLength, int ldc, GemmOptions? options, int perItem)
    {
        GemmChecks.Dimensions(m, n, k);
        if (k > Int8GemmKernel.MaxK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be at most {Int8GemmKernel.MaxK} so int32 results are exact");
        return GemmChecks.Entry($"IntegerGemm.{entry}", transA, transB, m, n, k, aLength, lda, bLength, ldb, cLength, ldc, options, perItem);
    }
}
