using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class EmulatedMatMulTests
{
    private const int M = 7, K = 45, N = 13;
    private static readonly float[] A = GemmTestData.Floats(M * K, 21, 3f), B = GemmTestData.Floats(K * N, 22, 3f);

    [Fact]
    public void DefaultsAreSgemm()
    {
        var expected = new float[M * N];
        Sgemm.Multiply(A, B, expected, M, N, K);
        Assert.Equal(expected, EmulatedMatMul.Multiply(A, B, M, K, N, new GemmOptions()));
    }

    [Fact]
    public void InputFormatsQuantizeThenMultiplyExactly()
    {
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        var opts = GemmOptions.FromNames(aFormat: "e4m3", bFormat: "e4m3", threads: 2);
        float[] aq = A.Select(x => (float)e4m3.Quantize((double)x)).ToArray(), bq = B.Select(x => (float)e4m3.Quantize((double)x)).ToArray();
        var expected = new float[M * N];
        Sgemm.Multiply(aq, bq, expected, M, N, K);
        Assert.Equal(expected, EmulatedMatMul.Multiply(A, B, M, K, N, opts));
    }

    [Fact]
    public void OrderWithoutAccumulatorIsFloat32InThatOrder()
    {
        // Sequential float32 accumulation with one rounding per step is exactly a chain of fused multiply-adds.
        var c = EmulatedMatMul.Multiply(A, B, M, K, N, GemmOptions.FromNames(order: "sequential"));
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
        var c = EmulatedMatMul.Multiply(A, B, M, K, N, opts);
        var bf16 = FormatRegistry.Default.GetScalar("bfloat16");
        float[] aq = A.Select(x => (float)bf16.Quantize((double)x)).ToArray();
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
            EmulatedMatMul.Multiply(A, B, M, K, N, GemmOptions.FromNames(accumulatorRounding: "toward-zero"))).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmulatedMatMul.Multiply(A, B, M, K, N, GemmOptions.FromNames(order: "pairwise", accumulatorRounding: "stochastic")));
        Assert.Equal("accumulatorRounding", e.ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmulatedMatMul.Multiply(A, B, M, K, N, new GemmOptions { Threads = 0 })).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => EmulatedMatMul.Multiply(A, B, M + 1, K, N, new GemmOptions())).ParamName);
    }
}
