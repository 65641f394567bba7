using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

/// <summary>
/// The float32-lane accumulator kernel (and the exact path beside it) against the scalar reference, bit for bit: odd
/// shapes, every rounding mode, the three orders, inputs that overflow, go subnormal, cancel, tie, or are NaN / Inf.
/// </summary>
public class NarrowAccumulatorTests
{
    private static FloatFormat Format(string name) => (FloatFormat)FormatRegistry.Default.GetScalar(name);

    public static TheoryData<string, RoundingMode, string> Cases()
    {
        var data = new TheoryData<string, RoundingMode, string>();
        foreach (string f in new[] { "binary16", "bfloat16", "e5m2", "e4m3" })
            foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero, RoundingMode.TowardZero,
                         RoundingMode.TowardNegative, RoundingMode.Stochastic })
                foreach (string order in new[] { "sequential", "pairwise", "chunked:5" })
                    data.Add(f, mode, order);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OddShapesMatchTheReference(string format, RoundingMode mode, string orderText)
    {
        var adder = new LowPrecisionAdder(Format(format), new RoundingOptions(mode) { Seed = 9, Stream = 2, StochasticBits = mode == RoundingMode.Stochastic ? 12 : 32 });
        var order = AccumulationOrder.Parse(orderText);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (1, 23, 9), (17, 33, 65), (3, 2, 0) })
        {
            float[] a = GemmTestData.Floats(m * k, m + 31 * k, 2f), b = GemmTestData.Floats(k * n, n + 7 * k, 2f);
            AssertMatchesReference(a, b, m, n, k, adder, order);
        }
    }

    [Fact]
    public void TheFastPathCoversNearestAndDirectedModesOfFloat32SubsetFormats()
    {
        foreach (string f in new[] { "binary16", "bfloat16", "e5m2", "e4m3", "tf32" })
            foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero,
                         RoundingMode.TowardZero, RoundingMode.TowardPositive, RoundingMode.TowardNegative })
                Assert.NotNull(Float32LaneRounding.TryCreate(new LowPrecisionAdder(Format(f), new RoundingOptions(mode))));
        Assert.Null(Float32LaneRounding.TryCreate(new LowPrecisionAdder(Format("binary16"), new RoundingOptions(RoundingMode.ToOdd))));
        Assert.Null(Float32LaneRounding.TryCreate(new LowPrecisionAdder(Format("binary16"), new RoundingOptions(RoundingMode.Stochastic))));
    }

    /// <summary>
    /// FixTie on sums built to land exactly on a midpoint (nearest modes) or grid point (directed modes) of the format
    /// while the exact sum lies just below, on, or just above it: v + a * (1 + k 2^-23) with a the distance to the target.
    /// </summary>
    [Theory]
    [InlineData("binary16")]
    [InlineData("bfloat16")]
    [InlineData("e5m2")]
    [InlineData("e4m3")]
    public void FixTieDecidesSpecialSumsExactly(string format)
    {
        var f = Format(format);
        var values = new List<double>();
        for (uint code = 0; code < 1u << f.Bits; code++)
        {
            double v = f.Decode(code);
            if (double.IsFinite(v) && Math.Abs(v) < f.MaxFinite) values.Add(v);
        }
        foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero,
                     RoundingMode.TowardZero, RoundingMode.TowardPositive, RoundingMode.TowardNegative })
        {
            var adder = new LowPrecisionAdder(f, new RoundingOptions(mode));
            var plan = Float32LaneRounding.TryCreate(adder)!;
            var rng = new Random((int)mode);
            int[] sides = new int[3];
            for (int trial = 0; trial < 3000; trial++)
            {
                double v = values[rng.Next(values.Count)];
                double ulp = Math.ScaleB(1.0, Math.Max(Math.ILogB(v == 0 ? f.MinNormal : Math.Abs(v)), f.MinExponent) - f.MantissaBits);
                double step = plan.Nearest ? ulp / 2 : ulp;
                float a = (float)(rng.Next(2) == 0 ? step : -step);
                int k = rng.Next(-1, 2);
                float b = 1f + k * MathF.ScaleB(1f, -23);
                float accS = (float)(v * plan.Sigma), aS = a * plan.ScaleA, bS = b * plan.ScaleB;
                uint sBits = BitConverter.SingleToUInt32Bits(MathF.FusedMultiplyAdd(aS, bS, accS));
                if (((sBits + plan.Bias) & plan.LowMask) != 0) continue; // a step toward zero from a power of two: finer grid below
                sides[k + 1]++;
                float got = BitConverter.UInt32BitsToSingle(plan.FixTie(accS, aS, bS, sBits)) * MathF.ScaleB(1f, plan.ScaleExponent);
                float expected = (float)adder.Add(v, (double)a * b, 0);
                if (Math.Abs(got) > f.MaxFinite) { Assert.True(Math.Abs(expected) >= f.MaxFinite); continue; } // the kernel's range check redoes such tiles
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(got),
                    $"{format} {mode}: {v:R} + {a:R} * {b:R}: expected {expected:R} got {got:R}");
            }
            Assert.All(sides, count => Assert.True(count > 100));
        }
    }

    public static TheoryData<string, RoundingMode, string> SpecialCases()
    {
        var data = new TheoryData<string, RoundingMode, string>();
        foreach (string f in new[] { "binary16", "bfloat16", "e5m2", "e4m3" })
            foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero })
                foreach (string order in new[] { "sequential", "chunked:3", "chunked:300" })
                    data.Add(f, mode, order);
        foreach (string f in new[] { "binary16", "bfloat16", "e4m3" })
            foreach (var mode in new[] { RoundingMode.TowardZero, RoundingMode.TowardPositive, RoundingMode.TowardNegative })
                foreach (string order in new[] { "sequential", "chunked:3", "chunked:300" })
                    data.Add(f, mode, order);
        data.Add("binary16", RoundingMode.NearestEven, "pairwise");
        data.Add("binary16", RoundingMode.ToOdd, "sequential");
        return data;
    }

    /// <summary>
    /// Rows that tie often (integers plus 2^-16 parts), stay subnormal, overflow, cancel exactly, hold NaN or Inf, or hold
    /// inputs too small to scale; k = 600 crosses the kernel's K blocks (and chunk 300 crosses them mid-chunk).
    /// </summary>
    [Theory]
    [MemberData(nameof(SpecialCases))]
    public void SpecialInputsMatchTheReference(string format, RoundingMode mode, string orderText)
    {
        const int m = 19, n = 53, k = 600;
        var f = Format(format);
        var rng = new Random(5);
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next(-9, 10);
        for (int i = 0; i < b.Length; i++) b[i] = rng.Next(0, 9) + 0.5f * rng.Next(2) + MathF.ScaleB(1, -16) * rng.Next(-1, 2);
        float sub = (float)f.MinNormal;
        for (int t = 0; t < k; t++)
        {
            a[1 * k + t] *= sub / 64;                                // subnormal sums
            a[2 * k + t] = sub * rng.Next(-3, 4) / 8;               // subnormal, cancelling
            a[11 * k + t] *= (float)f.MaxFinite / 16;                // overflow
            a[4 * k + t] = t % 2 == 0 ? 1.5f : -1.5f;                // with equal B rows: exact cancellation
            a[5 * k + t] = (float)rng.NextDouble() - 0.5f;           // plain random
            a[6 * k + t] = (float)(rng.NextDouble() - 0.5) * 1e-3f;
            a[7 * k + t] = (float)f.MinSubnormal * rng.Next(-2, 3) / 2; // sums that stay in the subnormal range
        }
        for (int j = 0; j < n; j++) b[1 * n + j] = b[0 * n + j];     // rows 0 and 1 of B equal: row 4 of A cancels them
        a[10 * k + 11] = float.NaN;                                 // rows 8.. and columns 16.. hold the inputs that need the exact path
        a[8 * k + 3] = float.PositiveInfinity;
        a[9 * k + 5] = 1e-30f;                                       // does not scale exactly
        b[17 * n + 20] = 1e-38f;                                     // a subnormal-range column input
        b[40 * n + 51] = float.NegativeInfinity;
        b[30 * n + 40] = BitConverter.UInt32BitsToSingle(0x7FE0_0001); // a NaN with a high payload: the only special input of columns 32..47
        var adder = new LowPrecisionAdder(f, new RoundingOptions(mode) { Seed = 3 });
        AssertMatchesReference(a, b, m, n, k, adder, AccumulationOrder.Parse(orderText));
    }

    [Fact]
    public void SaturatingAccumulatorsMatchTheReference()
    {
        const int m = 9, n = 18, k = 40;
        float[] a = GemmTestData.Floats(m * k, 1, 3000f), b = GemmTestData.Floats(k * n, 2, 40f);
        var adder = new LowPrecisionAdder(Format("binary16"), new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate));
        AssertMatchesReference(a, b, m, n, k, adder, AccumulationOrder.Sequential);
        AssertMatchesReference(a, b, m, n, k, adder, AccumulationOrder.Chunked(4));
    }

    private static void AssertMatchesReference(float[] a, float[] b, int m, int n, int k, LowPrecisionAdder adder, AccumulationOrder order)
    {
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        EmulatedAccumulatorGemm.Multiply(a, b, c1, m, n, k, adder, order, GemmOptions.WithThreads(1));
        EmulatedAccumulatorGemm.Multiply(a, b, c2, m, n, k, adder, order, GemmOptions.WithThreads(2));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = (float)EmulatedAccumulatorGemm.ReferenceElement(a, b, n, k, i, j, adder, order);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c1[i * n + j]),
                    $"{adder.Format.Name} {adder.Rounding.Mode} {order} {m}x{n}x{k} ({i},{j}): expected {expected:R} got {c1[i * n + j]:R} ({BitConverter.SingleToUInt32Bits(expected):X8} vs {BitConverter.SingleToUInt32Bits(c1[i * n + j]):X8})");
                Assert.Equal(BitConverter.SingleToInt32Bits(c1[i * n + j]), BitConverter.SingleToInt32Bits(c2[i * n + j]));
            }
    }
}
