using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class EmulatedMatMulTests
{
    private const int M = 7, K = 45, N = 13;
    private static readonly float[] A = GemmTestData.Floats(M * K, 21, 3f), B = GemmTestData.Floats(K * N, 22, 3f);

    private static float[] Run(float[] a, float[] b, int m, int n, int k, GemmOptions options)
    {
        var c = new float[m * n];
        EmulatedMatMul.Multiply(a, b, c, m, n, k, options);
        return c;
    }

    private static float[] SgemmOf(float[] a, float[] b, int m, int n, int k)
    {
        var c = new float[m * n];
        Sgemm.Multiply(a, b, c, m, n, k);
        return c;
    }

    private static float[] Quantized(float[] x, string format) =>
        x.Select(v => (float)FormatRegistry.Default.GetScalar(format).Quantize((double)v)).ToArray();

    [Fact]
    public void DefaultsAreSgemm() => Assert.Equal(SgemmOf(A, B, M, N, K), Run(A, B, M, N, K, new GemmOptions()));

    [Fact]
    public void InputFormatsQuantizeThenMultiplyExactly()
    {
        // Both inputs go through code operands (e4m3 codes decoded while SGEMM packs); the bits are SGEMM's on the values.
        var opts = GemmOptions.FromNames(aFormat: "e4m3", bFormat: "e4m3", threads: 2);
        Assert.Equal(SgemmOf(Quantized(A, "e4m3"), Quantized(B, "e4m3"), M, N, K), Run(A, B, M, N, K, opts));
    }

    [Theory]
    [InlineData("e4m3", null)]
    [InlineData(null, "e5m2")]
    [InlineData("binary16", "e4m3")]
    [InlineData("bfloat16", null)]
    public void OneQuantizedInputMatchesSgemmOnTheQuantizedValues(string? aFormat, string? bFormat)
    {
        // Mixed operands: codes of 8 or 16 bits on one side, float32 on the other (m = 40 > 32 also packs B).
        const int m = 40, n = 70, k = 300;
        float[] a = GemmTestData.Floats(m * k, 5, 4f), b = GemmTestData.Floats(k * n, 6, 4f);
        float[] aq = aFormat is null ? a : Quantized(a, aFormat), bq = bFormat is null ? b : Quantized(b, bFormat);
        Assert.Equal(SgemmOf(aq, bq, m, n, k), Run(a, b, m, n, k, GemmOptions.FromNames(aFormat, bFormat)));
    }

    [Fact]
    public void NaNInputsWithoutANaNCodeStayNaN()
    {
        // e2m1 has no NaN: the codes path cannot carry it, so the values path takes over with the reference's NaN.
        float[] a = (float[])A.Clone();
        a[3] = float.NaN;
        float[] expected = SgemmOf(Quantized(a, "e2m1"), Quantized(B, "e2m1"), M, N, K);
        float[] c = Run(a, B, M, N, K, GemmOptions.FromNames("e2m1", "e2m1"));
        Assert.True(float.IsNaN(c[0]));
        Assert.Equal(expected, c);
    }

    [Fact]
    public void TransposesAndLeadingDimensionsGiveTheDenseBits()
    {
        var opts = GemmOptions.FromNames(aFormat: "e4m3", bFormat: "bfloat16");
        float[] expected = Run(A, B, M, N, K, opts);
        // A stored transposed (K x M, ld M + 3), B stored transposed (N x K, ld K + 1), C with ld N + 2.
        int lda = M + 3, ldb = K + 1, ldc = N + 2;
        var at = new float[K * lda];
        var bt = new float[N * ldb];
        for (int i = 0; i < M; i++) for (int p = 0; p < K; p++) at[p * lda + i] = A[i * K + p];
        for (int p = 0; p < K; p++) for (int j = 0; j < N; j++) bt[j * ldb + p] = B[p * N + j];
        var c = new float[M * ldc];
        Array.Fill(c, -7f);
        EmulatedMatMul.Multiply(Transpose.Transposed, Transpose.Transposed, M, N, K, at, lda, bt, ldb, c, ldc, opts);
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++) Assert.Equal(expected[i * N + j], c[i * ldc + j]);
            for (int j = N; j < ldc; j++) Assert.Equal(-7f, c[i * ldc + j]);
        }
    }

    /// <summary>The block-scaled definition on A and B^T encoded by the formats' scalar reference.</summary>
    private static float[] BlockReference(float[] a, float[] b, int m, int n, int k, string format)
    {
        var f = (BlockFormat)FormatRegistry.Default.Get(format);
        var bt = new float[n * k];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
        BlockScaledMatrix Encode(float[] x, int rows, RoundingOptions rounding)
        {
            var codes = new uint[rows * k];
            var scales = new uint[f.ScaleCount([rows, k])];
            TensorScale ts = f.Encode(x, [rows, k], codes, scales, rounding);
            return new BlockScaledMatrix(f.Element, (FloatFormat)f.Scale, f.BlockCols, rows, k, codes.Select(c => (byte)c).ToArray(),
                scales.Select(c => (byte)c).ToArray(), ts.Decode);
        }
        var rne = new RoundingOptions(RoundingMode.NearestEven);
        var ma = Encode(a, m, rne);
        var mb = Encode(bt, n, rne with { Stream = rne.Stream + 1 });
        var c = new float[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[i * n + j] = BlockScaledReference.Element(ma, mb, i, j);
        return c;
    }

    [Theory]
    [InlineData("mxfp4", 9, 37, 100)]
    [InlineData("mxfp8-e4m3", 6, 20, 64)]
    [InlineData("nvfp4", 17, 33, 50)]
    public void BlockFormatsOnBothInputsRunTheBlockScaledGemmWithTheReferenceBits(string format, int m, int n, int k)
    {
        float[] a = GemmTestData.Floats(m * k, 31, 5f), b = GemmTestData.Floats(k * n, 32, 5f);
        float[] expected = BlockReference(a, b, m, n, k, format);
        foreach (int threads in new[] { 1, 2 })
            Assert.Equal(expected, Run(a, b, m, n, k, GemmOptions.FromNames(format, format, threads: threads)));
    }

    [Fact]
    public void ABlockFormatOnOneInputQuantizesAlongKThenRunsSgemm()
    {
        var mx = (BlockFormat)FormatRegistry.Default.Get("mxfp4");
        var aq = new float[M * K];
        mx.Quantize(A, [M, K], aq);
        Assert.Equal(SgemmOf(aq, B, M, N, K), Run(A, B, M, N, K, GemmOptions.FromNames(aFormat: "mxfp4")));
        // B's blocks run along K: down its columns.
        var bt = new float[N * K];
        for (int p = 0; p < K; p++) for (int j = 0; j < N; j++) bt[j * K + p] = B[p * N + j];
        mx.Quantize(bt, [N, K], bt);
        var bq = new float[K * N];
        for (int p = 0; p < K; p++) for (int j = 0; j < N; j++) bq[p * N + j] = bt[j * K + p];
        Assert.Equal(SgemmOf(A, bq, M, N, K), Run(A, B, M, N, K, GemmOptions.FromNames(bFormat: "mxfp4")));
    }

    [Fact]
    public void OrderWithoutAccumulatorIsFloat32InThatOrder()
    {
        // Sequential float32 accumulation with one rounding per step is exactly a chain of fused multiply-adds.
        var c = Run(A, B, M, N, K, GemmOptions.FromNames(order: "sequential"));
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float s = 0f;
                for (int p = 0; p < K; p++) s = MathF.FusedMultiplyAdd(A[i * K + p], B[p * N + j], s);
                Assert.Equal(s, c[i * N + j]);
            }
    }

    [Fact]
    public void NarrowAccumulatorAndOutputFormat()
    {
        var opts = GemmOptions.FromNames(aFormat: "bfloat16", accumulator: "binary16", accumulatorRounding: "toward-zero",
            order: "chunked:8", outputFormat: "e5m2");
        var c = Run(A, B, M, N, K, opts);
        float[] aq = Quantized(A, "bfloat16");
        var adder = new LowPrecisionAdder((FloatFormat)FormatRegistry.Default.GetScalar("binary16"), new RoundingOptions(RoundingMode.TowardZero));
        var e5m2 = FormatRegistry.Default.GetScalar("e5m2");
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                double acc = EmulatedAccumulatorGemm.ReferenceElement(aq, B, N, K, i, j, adder, AccumulationOrder.Chunked(8));
                Assert.Equal((float)e5m2.Quantize((float)acc), c[i * N + j]);
            }
    }

    [Fact]
    public void InvalidCombinationsNameTheOption()
    {
        Assert.Equal("accumulator", Assert.Throws<ArgumentException>(() => GemmOptions.FromNames(accumulator: "int8")).ParamName);
        Assert.Equal("order", Assert.Throws<ArgumentException>(() => GemmOptions.FromNames(order: "zigzag")).ParamName);
        Assert.Equal("accumulatorRounding", Assert.Throws<ArgumentException>(() =>
            Run(A, B, M, N, K, GemmOptions.FromNames(accumulatorRounding: "toward-zero"))).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Run(A, B, M, N, K, GemmOptions.FromNames(order: "pairwise", accumulatorRounding: "stochastic")));
        Assert.Equal("accumulatorRounding", e.ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() =>
            Run(A, B, M, N, K, new GemmOptions { Threads = 0 })).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Run(A, B, M + 1, N, K, new GemmOptions())).ParamName);
        // An R x C tile format cannot have its blocks along K.
        var tile = FormatRegistry.Default.Get("nvfp4-2d");
        Assert.Equal("aFormat", Assert.Throws<ArgumentException>(() => Run(A, B, M, N, K, new GemmOptions { AFormat = tile })).ParamName);
    }

    [Fact]
    public void FixedArithmeticEntriesRejectEmulationOptions()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            IntegerGemm.Multiply(new sbyte[4], new sbyte[4], new int[4], 2, 2, 1, GemmOptions.FromNames(aFormat: "e4m3")));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("AFormat", e.Message);
    }
}
