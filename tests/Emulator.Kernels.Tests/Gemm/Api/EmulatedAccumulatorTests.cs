using System.Numerics;
using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class EmulatedAccumulatorTests
{
    private static FloatFormat Format(string name) => (FloatFormat)FormatRegistry.Default.GetScalar(name);

    public static TheoryData<string, RoundingMode, string> Configurations() => new()
    {
        { "binary16", RoundingMode.NearestEven, "sequential" },
        { "binary16", RoundingMode.NearestEven, "pairwise" },
        { "binary16", RoundingMode.NearestEven, "chunked:4" },
        { "bfloat16", RoundingMode.NearestEven, "sequential" },
        { "bfloat16", RoundingMode.TowardZero, "pairwise" },
        { "binary16", RoundingMode.TowardPositive, "sequential" },
        { "binary16", RoundingMode.TowardNegative, "chunked:3" },
        { "e5m2", RoundingMode.NearestAway, "sequential" },
        { "bfloat16", RoundingMode.ToOdd, "sequential" },
        { "binary16", RoundingMode.Stochastic, "sequential" },
        { "bfloat16", RoundingMode.StochasticEqual, "pairwise" },
        { "tf32", RoundingMode.NearestZero, "chunked:16" },
        { "e4m3", RoundingMode.NearestEven, "sequential" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void VectorPathMatchesScalarReferenceBitForBit(string format, RoundingMode mode, string orderText)
    {
        const int m = 6, n = 19, k = 37;
        var adder = new LowPrecisionAdder(Format(format), new RoundingOptions(mode) { Seed = 42, Stream = 7 });
        var order = AccumulationOrder.Parse(orderText);
        float[] a = GemmTestData.Floats(m * k, 11, 4f), b = GemmTestData.Floats(k * n, 12, 4f);
        a[3] = 1e-30f; b[5] = 3e-20f; a[7] = 0f; // tiny and zero products
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        EmulatedAccumulatorGemm.Multiply(a, b, c1, m, n, k, adder, order, GemmOptions.WithThreads(1));
        EmulatedAccumulatorGemm.Multiply(a, b, c2, m, n, k, adder, order, GemmOptions.WithThreads(2));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = (float)EmulatedAccumulatorGemm.ReferenceElement(a, b, n, k, i, j, adder, order);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c1[i * n + j]),
                    $"({i},{j}) expected {expected:R} got {c1[i * n + j]:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(c1[i * n + j]), BitConverter.SingleToInt32Bits(c2[i * n + j]));
                Assert.Equal(expected, (float)Format(format).Quantize(expected)); // every result is a value of the format
            }
    }

    [Theory]
    [InlineData("binary16", "sequential")]
    [InlineData("binary16", "chunked:5")]
    [InlineData("bfloat16", "sequential")]
    public void Float32LanePathHandlesTiesSubnormalsAndOverflow(string format, string orderText)
    {
        // Integer inputs make exact ties frequent once |acc| > 2^11 (binary16) or 2^8 (bfloat16); tiny rows stay in the
        // subnormal range; a huge row overflows.
        const int m = 9, n = 35, k = 300;
        var rng = new Random(3);
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next(-9, 10);
        // The 2^-16 parts are lost in the float32 sum once |acc| is large: float32 then lands on binary16 midpoints that the
        // exact sum is not on (the double-rounding case the exact adder must catch).
        for (int i = 0; i < b.Length; i++) b[i] = rng.Next(0, 9) + 0.5f * rng.Next(2) + MathF.ScaleB(1, -16) * rng.Next(-1, 2);
        for (int t = 0; t < k; t++) { a[1 * k + t] *= 1e-7f; a[2 * k + t] = 3e-9f * rng.Next(-3, 4); a[3 * k + t] *= 4000f; }
        var adder = new LowPrecisionAdder(Format(format), default);
        var order = AccumulationOrder.Parse(orderText);
        var c = new float[m * n];
        EmulatedAccumulatorGemm.Multiply(a, b, c, m, n, k, adder, order, GemmOptions.WithThreads(2));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = (float)EmulatedAccumulatorGemm.ReferenceElement(a, b, n, k, i, j, adder, order);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c[i * n + j]),
                    $"({i},{j}) expected {expected:R} got {c[i * n + j]:R}");
            }
    }

    [Fact]
    public void OverflowAndNaNLanesFollowTheFormat()
    {
        const int m = 4, n = 8, k = 3;
        var adder = new LowPrecisionAdder(Format("binary16"), default);
        float[] a = GemmTestData.Floats(m * k, 1), b = GemmTestData.Floats(k * n, 2);
        a[0] = 60000f; b[0] = 2f; a[k] = float.NaN; b[3] = 1e30f;
        var c = new float[m * n];
        EmulatedAccumulatorGemm.Multiply(a, b, c, m, n, k, adder, AccumulationOrder.Sequential);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = (float)EmulatedAccumulatorGemm.ReferenceElement(a, b, n, k, i, j, adder, AccumulationOrder.Sequential);
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(c[i * n + j]));
            }
        Assert.True(float.IsPositiveInfinity(c[0]));
        Assert.True(float.IsNaN(c[n]));
    }

    [Fact]
    public void TinyAddendStillDecidesDirectedAndTiedRounding()
    {
        var f = Format("binary16");
        // 1 + 2^-40: the float32 sum is 1, but rounding up must see the tiny part.
        Assert.Equal(1 + Math.ScaleB(1, -10), new LowPrecisionAdder(f, new RoundingOptions(RoundingMode.TowardPositive)).Add(1.0, Math.ScaleB(1, -40), 0));
        // 1 + 2^-11 is a tie (goes to 1); 2^-11 + 2^-60 more is above the tie.
        var rne = new LowPrecisionAdder(f, default);
        Assert.Equal(1.0, rne.Add(1.0, Math.ScaleB(1, -11), 0));
        Assert.Equal(1 + Math.ScaleB(1, -10), rne.Add(1.0 + Math.ScaleB(1, -11), Math.ScaleB(1, -60), 0));
        Assert.Equal(1.0, rne.Add(1.0 + Math.ScaleB(1, -11), -Math.ScaleB(1, -60), 0));
        // binary16 has no 2049: a true binary16 adder gives 2048 for 2048 + 1.
        Assert.Equal(2048.0, rne.Add(2048, 1, 0));
    }

    /// <summary>Exact rational check of the adder: x = u + v as an integer times 2^-1200, candidates from the code table.</summary>
    [Theory]
    [InlineData(RoundingMode.NearestEven)]
    [InlineData(RoundingMode.TowardZero)]
    [InlineData(RoundingMode.TowardPositive)]
    [InlineData(RoundingMode.TowardNegative)]
    [InlineData(RoundingMode.NearestAway)]
    public void AdderIsCorrectlyRoundedAgainstExactArithmetic(RoundingMode mode)
    {
        var f = Format("binary16");
        var adder = new LowPrecisionAdder(f, new RoundingOptions(mode, OverflowPolicy.Saturate));
        var values = new List<double>();
        for (uint code = 0; code < 1u << 16; code++)
        {
            double v = f.Decode(code);
            if (double.IsFinite(v) && !(v == 0 && double.IsNegative(v))) values.Add(v);
        }
        values.Sort();
        BigInteger[] exact = values.Select(Exact).ToArray();
        var rng = new Random((int)mode + 5);
        for (int trial = 0; trial < 2000; trial++)
        {
            double u = values[rng.Next(values.Count)];
            float fa = (float)(rng.NextDouble() * 2 - 1), fb = (float)Math.ScaleB(rng.NextDouble() * 2 - 1, rng.Next(-60, 10));
            double v = (double)fa * fb;
            BigInteger x = Exact(u) + Exact(v);
            int idx = Array.BinarySearch(exact, x);
            if (idx < 0) idx = ~idx - 1;
            double lo = values[idx], hi = idx + 1 < values.Count ? values[idx + 1] : lo;
            double expected;
            if (Exact(lo) == x || lo == hi) expected = lo;
            else
            {
                BigInteger twice = 2 * x, sum = Exact(lo) + Exact(hi);
                bool towardZeroIsLo = lo >= 0; // lo < x < hi, and 0 is a value, so both share a sign
                expected = mode switch
                {
                    RoundingMode.NearestEven => twice < sum ? lo : twice > sum ? hi : (f.Encode(lo) & 1) == 0 ? lo : hi,
                    RoundingMode.NearestAway => twice < sum ? lo : twice > sum ? hi : towardZeroIsLo ? hi : lo,
                    RoundingMode.TowardZero => towardZeroIsLo ? lo : hi,
                    RoundingMode.TowardPositive => hi,
                    _ => lo,
                };
            }
            double got = adder.Add(u, v, 0);
            Assert.True(expected == got || (expected == 0 && got == 0), $"{mode}: {u:R} + {v:R}: expected {expected:R} got {got:R}");
        }
    }

    private static BigInteger Exact(double x)
    {
        if (x == 0) return BigInteger.Zero;
        var (mant, e) = BinarySplit.Decompose(Math.Abs(x));
        BigInteger r = new BigInteger(mant) << (e + 1200);
        return x < 0 ? -r : r;
    }

    [Fact]
    public void InvalidAccumulatorsFailWithClearMessages()
    {
        Assert.Throws<ArgumentException>(() => new LowPrecisionAdder(Format("e8m0"), default));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LowPrecisionAdder(new FloatFormat(FormatInfo.Named("f32"), true, 8, 23), new RoundingOptions(RoundingMode.Stochastic)));
        Assert.Contains("28", e.Message);
        Assert.Throws<ArgumentException>(() => AccumulationOrder.Parse("chunked:0"));
        Assert.Equal(AccumulationOrder.Chunked(32), AccumulationOrder.Parse("chunked:32"));
    }
}
