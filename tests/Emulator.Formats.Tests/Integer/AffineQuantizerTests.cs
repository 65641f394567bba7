using Emulator.Formats.Tests.Properties;
using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.Integer;

/// <summary>Affine quantization x -> clamp(round(x / s) + z): exact division, granularity (tensor, channel, group) and calibration.</summary>
public class AffineQuantizerTests
{
    private static readonly IntegerFormat Int8 = new(FormatInfo.Named("int8"), 8, true);
    private static readonly IntegerFormat UInt8 = new(FormatInfo.Named("uint8"), 8, false);
    private static readonly IntegerFormat Int4 = new(FormatInfo.Named("int4"), 4, true);

    /// <summary>The expected clamped integer, from the exact rational oracle.</summary>
    private static long Expected(IntegerFormat f, double x, double s, long z, RoundingMode mode)
    {
        var r = ExactRounding.Round(x, s, mode);
        var k = r + z;
        return (long)System.Numerics.BigInteger.Max(f.MinInt, System.Numerics.BigInteger.Min(f.MaxInt, k));
    }

    private static Gen<double> Scales() =>
        Gen.Frequency(
            (2, Gen.Elements(0.1, 0.3, 1.0 / 3, 0.7, 2.5e-3, 1e-5, 3.0, 0.375, 1e-30, 1e20)),
            (3, from m in Gen.Choose(1, int.MaxValue) from e in Gen.Choose(-60, 10) select Math.ScaleB(m, e - 31)));

    [Fact]
    public void RoundQuotientEqualsExactRationalRounding()
    {
        var gen = from bitsX in Gen.Choose(int.MinValue, int.MaxValue)
                  from s in Scales()
                  from m in FormatGen.Mode(FormatGen.DeterministicModes)
                  let x = (double)BitConverter.Int32BitsToSingle(bitsX)
                  where double.IsFinite(x) && Math.Abs(x / s) < 1e11
                  select (x, s, m);
        var near = from s in Scales() from k in Gen.Choose(-100000, 100000) from j in Gen.Choose(-3, 3) from m in FormatGen.Mode(FormatGen.DeterministicModes)
                   select (Ulps((k + 0.5) * s, j), s, m); // around ties (the product itself may be inexact)
        FormatGen.Check(Gen.OneOf(gen, near), t =>
        {
            var (x, s, m) = t;
            long got = IntegerFormat.RoundQuotient(x, s, new RoundingOptions(m), 0);
            Assert.True(ExactRounding.Round(x, s, m) == got, $"x={x:R} s={s:R} {m.Name()}: got {got}, exact {ExactRounding.Round(x, s, m)}");
        }, 3000);
    }

    private static double Ulps(double x, int d)
    {
        for (; d > 0; d--) x = Math.BitIncrement(x);
        for (; d < 0; d++) x = Math.BitDecrement(x);
        return x;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(1e-3)]
    [InlineData(7.0)]
    [InlineData(1.0 / 3)]
    public void ExactTiesAtKPlusHalfTimesS(double approxScale)
    {
        // s with 20 significant bits, so (k + 0.5) * s is exact for |k| < 2^30: a true tie of x / s
        int e = Math.ILogB(approxScale) - 19;
        double s = Math.ScaleB(Math.Round(Math.ScaleB(approxScale, -e)), e);
        foreach (long k in new long[] { 0, 1, 2, 3, -1, -2, -3, 100, 101, -128, 126, 127, 1_000_001, -999_999 })
        {
            double x = (k + 0.5) * s;
            Assert.Equal(k + 0.5, x / s); // exact (checked, not assumed)
            long lower = x > 0 ? k : k + 1, upper = x > 0 ? k + 1 : k; // toward zero / away from zero
            long even = (lower & 1) == 0 ? lower : upper;
            Assert.Equal(even, IntegerFormat.RoundQuotient(x, s, new RoundingOptions(RoundingMode.NearestEven), 0));
            Assert.Equal(upper, IntegerFormat.RoundQuotient(x, s, new RoundingOptions(RoundingMode.NearestAway), 0));
            Assert.Equal(lower, IntegerFormat.RoundQuotient(x, s, new RoundingOptions(RoundingMode.NearestZero), 0));
            long odd = (lower & 1) != 0 ? lower : upper;
            Assert.Equal(odd, IntegerFormat.RoundQuotient(x, s, new RoundingOptions(RoundingMode.ToOdd), 0));
            // one double ulp either side is no longer a tie
            double above = Math.BitIncrement(Math.Abs(x)) * Math.Sign(x), below = Math.BitDecrement(Math.Abs(x)) * Math.Sign(x);
            foreach (RoundingMode m in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero })
            {
                Assert.Equal(upper, IntegerFormat.RoundQuotient(above, s, new RoundingOptions(m), 0));
                Assert.Equal(lower, IntegerFormat.RoundQuotient(below, s, new RoundingOptions(m), 0));
            }
            // through the per-tensor quantizer (int8 range, zero point 0), when x is a float32
            if (Math.Abs(k) < 120 && (double)(float)x == x)
            {
                var q = AffineQuantizer.PerTensor(Int8, s);
                var codes = new uint[1];
                q.Encode([(float)x], [1], codes, new RoundingOptions(RoundingMode.NearestEven));
                Assert.Equal(Int8.CodeOf(even), codes[0]);
            }
        }
    }

    [Fact]
    public void PerTensorQuantizeAndEncodeFollowTheAffineMap()
    {
        var gen = from n in Gen.Choose(1, 40)
                  from xs in Gen.ArrayOf(Gen.Choose(-4000, 4000).Select(i => (float)(i / 37.0)), n)
                  from s in Gen.Elements(0.05, 0.1, 0.0375, 1.0)
                  from z in Gen.Choose(-20, 20)
                  from m in FormatGen.Mode(FormatGen.DeterministicModes)
                  select (xs, s, z, m);
        FormatGen.Check(gen, t =>
        {
            var (xs, s, z, m) = t;
            var q = AffineQuantizer.PerTensor(Int8, s, z);
            var y = new float[xs.Length];
            var codes = new uint[xs.Length];
            var o = new RoundingOptions(m);
            q.Quantize(xs, [xs.Length], y, o);
            q.Encode(xs, [xs.Length], codes, o);
            for (int i = 0; i < xs.Length; i++)
            {
                long k = Expected(Int8, xs[i], s, z, m);
                Assert.Equal(Int8.CodeOf(k), codes[i]);
                Assert.Equal((float)((k - z) * s), y[i]);
            }
        }, 200);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void PerChannelUsesTheScaleOfTheElementsIndexAlongTheAxis(int axis)
    {
        int[] shape = [2, 3, 4];
        double[] scales = Enumerable.Range(0, shape[axis]).Select(c => 0.25 * (c + 1) + 0.01).ToArray();
        long[] zeros = Enumerable.Range(0, shape[axis]).Select(c => (long)(c * 3 - 2)).ToArray();
        var q = AffineQuantizer.PerChannel(Int8, axis, scales, zeros);
        Assert.Equal(shape[axis], AffineQuantizer.ParameterCount(QuantizationGranularity.PerChannel, shape, axis));
        float[] x = Enumerable.Range(0, 24).Select(i => (float)((i * 7 % 24 - 12) * 1.37)).ToArray();
        var y = new float[24];
        var codes = new uint[24];
        q.Quantize(x, shape, y);
        q.Encode(x, shape, codes);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 4; c++)
                {
                    int i = (a * 3 + b) * 4 + c;
                    int ch = axis switch { 0 => a, 1 => b, _ => c };
                    Assert.Equal(ch, q.ParameterIndex(i, shape));
                    long k = Expected(Int8, x[i], scales[ch], zeros[ch], RoundingMode.NearestEven);
                    Assert.Equal(Int8.CodeOf(k), codes[i]);
                    Assert.Equal((float)((k - zeros[ch]) * scales[ch]), y[i]);
                }
    }

    [Fact]
    public void PerGroupHasAPartialLastGroupPerRow()
    {
        int[] shape = [3, 10];
        const int g = 4; // groups per row: [0..3], [4..7], [8..9]
        Assert.Equal(9, AffineQuantizer.ParameterCount(QuantizationGranularity.PerGroup, shape, 0, g));
        double[] scales = Enumerable.Range(0, 9).Select(p => 0.1 + 0.05 * p).ToArray();
        long[] zeros = Enumerable.Range(0, 9).Select(p => (long)(p % 3 - 1)).ToArray();
        var q = AffineQuantizer.PerGroup(Int4, g, scales, zeros);
        float[] x = Enumerable.Range(0, 30).Select(i => (float)((i % 11 - 5) * 0.173)).ToArray();
        var y = new float[30];
        q.Quantize(x, shape, y, new RoundingOptions(RoundingMode.NearestAway));
        for (int row = 0; row < 3; row++)
            for (int col = 0; col < 10; col++)
            {
                int i = row * 10 + col, p = row * 3 + col / g;
                Assert.Equal(p, q.ParameterIndex(i, shape));
                long k = Expected(Int4, x[i], scales[p], zeros[p], RoundingMode.NearestAway);
                Assert.Equal((float)((k - zeros[p]) * scales[p]), y[i]);
            }
        // a shape with a different number of groups is refused
        ParamAssert.Throws("shape", "9", () => q.Quantize(new float[24], [3, 8], new float[24]));
    }

    [Fact]
    public void ClampsNaNAndStochasticSlices()
    {
        var q = AffineQuantizer.PerTensor(UInt8, 0.5, 10);
        var y = new float[4];
        var codes = new uint[4];
        float[] x = [float.NaN, 1e6f, -1e6f, float.PositiveInfinity];
        q.Quantize(x, [4], y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal((255 - 10) * 0.5f, y[1]);
        Assert.Equal((0 - 10) * 0.5f, y[2]);
        Assert.Equal((255 - 10) * 0.5f, y[3]);
        q.Encode(x, [4], codes);
        Assert.Equal([10u, 255u, 0u, 255u], codes); // NaN: round gives 0, plus the zero point

        var sr = new RoundingOptions(RoundingMode.Stochastic) { Seed = 3, Stream = 9 };
        float[] data = Enumerable.Range(0, 50).Select(i => (float)(i * 0.3137)).ToArray();
        uint[] whole = new uint[50], parts = new uint[50];
        q.Encode(data, [50], whole, sr, indexOffset: 1000);
        q.Encode(data.AsSpan(0, 17), [17], parts.AsSpan(0, 17), sr, indexOffset: 1000);
        q.Encode(data.AsSpan(17), [33], parts.AsSpan(17), sr, indexOffset: 1017);
        Assert.Equal(whole, parts);
        for (int i = 0; i < 50; i++)
        {
            long lo = Expected(UInt8, data[i], 0.5, 10, RoundingMode.TowardNegative), hi = Expected(UInt8, data[i], 0.5, 10, RoundingMode.TowardPositive);
            Assert.InRange((long)whole[i], lo, hi);
        }
    }

    [Fact]
    public void InvalidArgumentsNameTheParameter()
    {
        ParamAssert.Throws("scales", "0", () => AffineQuantizer.PerTensor(Int8, 0));
        ParamAssert.Throws("scales", "-1", () => AffineQuantizer.PerTensor(Int8, -1));
        ParamAssert.Throws("scales", null, () => AffineQuantizer.PerTensor(Int8, double.NaN));
        ParamAssert.Throws("scales", null, () => AffineQuantizer.PerTensor(Int8, double.PositiveInfinity));
        ParamAssert.Throws("zeroPoints", "128", () => AffineQuantizer.PerTensor(Int8, 1, 128));
        ParamAssert.Throws("zeroPoints", "-1", () => AffineQuantizer.PerTensor(UInt8, 1, -1));
        ParamAssert.Throws("format", null, () => AffineQuantizer.PerTensor(null!, 1));
        var q16 = new IntegerFormat(FormatInfo.Named("q3.4"), 8, true, fractionBits: 4);
        ParamAssert.Throws("format", "q3.4", () => AffineQuantizer.PerTensor(q16, 1));
        ParamAssert.Throws("axis", "-1", () => AffineQuantizer.PerChannel(Int8, -1, [1.0]));
        ParamAssert.Throws("scales", null, () => AffineQuantizer.PerChannel(Int8, 0, ReadOnlySpan<double>.Empty));
        ParamAssert.Throws("zeroPoints", "2", () => AffineQuantizer.PerChannel(Int8, 0, [1.0, 2.0, 3.0], [0L, 0L]));
        ParamAssert.Throws("groupSize", "0", () => AffineQuantizer.PerGroup(Int8, 0, [1.0]));
        var q = AffineQuantizer.PerChannel(Int8, 1, [1.0, 2.0]);
        ParamAssert.Throws("shape", "3", () => q.Quantize(new float[6], [2, 3], new float[6]));   // 3 channels, 2 scales
        ParamAssert.Throws("shape", "5", () => q.Quantize(new float[6], [5], new float[6]));      // 5 elements, x has 6
        ParamAssert.Throws("shape", "0", () => q.Quantize(new float[0], [0, 2], new float[0]));
        ParamAssert.Throws("shape", null, () => q.Quantize(new float[2], [], new float[2]));
        ParamAssert.Throws("shape", "1", () => q.Quantize(new float[2], [2], new float[2]));      // axis 1 beyond one dimension
        ParamAssert.Throws("y", "1", () => q.Quantize(new float[4], [2, 2], new float[1]));
        ParamAssert.Throws("codes", "1", () => q.Encode(new float[4], [2, 2], new uint[1]));
    }

    [Fact]
    public void ScaleCalibrationMinMax()
    {
        Assert.Equal(12.7 / 127, ScaleCalibration.Symmetric(Int8, 12.7));
        Assert.Equal(1.0, ScaleCalibration.Symmetric(Int8, 0));
        ParamAssert.Throws("amax", "-1", () => ScaleCalibration.Symmetric(Int8, -1));
        ParamAssert.Throws("amax", null, () => ScaleCalibration.Symmetric(Int8, double.NaN));
        // [-1, 3] on uint8: s = 4/255, z = round(0 - (-1)/s) = round(63.75) = 64
        Assert.Equal((4.0 / 255, 64L), ScaleCalibration.Asymmetric(UInt8, -1, 3));
        // on int8: z = round(-128 + 63.75) = -64
        Assert.Equal((4.0 / 255, -64L), ScaleCalibration.Asymmetric(Int8, -1, 3));
        // the range always contains 0
        Assert.Equal((5.0 / 255, 0L), ScaleCalibration.Asymmetric(UInt8, 2, 5));
        Assert.Equal((5.0 / 255, 255L), ScaleCalibration.Asymmetric(UInt8, -5, -2));
        Assert.Equal((1.0, 0L), ScaleCalibration.Asymmetric(UInt8, 0, 0));
        ParamAssert.Throws("min", "3", () => ScaleCalibration.Asymmetric(UInt8, 3, 1));
        ParamAssert.Throws("min", null, () => ScaleCalibration.Asymmetric(UInt8, double.NaN, 1));

        float[] x = [0.5f, -2.54f, float.NaN, 1.0f, 2.0f, -0.25f];
        var sym = ScaleCalibration.SymmetricPerTensor(Int8, x);
        Assert.Equal(2.54f / 127.0, sym.Scales[0]);
        var codes = new uint[6];
        sym.Encode(x, [6], codes);
        Assert.Equal(-127L, Int8.IntegerOf(codes[1])); // the absolute maximum maps to -qmax
        var asym = ScaleCalibration.AsymmetricPerTensor(UInt8, x);
        Assert.Equal(ScaleCalibration.Asymmetric(UInt8, -2.54f, 2.0f), (asym.Scales[0], asym.ZeroPoints[0]));
        asym.Encode(x, [6], codes);
        Assert.Equal(0u, codes[1]);
        Assert.Equal(255u, codes[4]);
    }

    [Fact]
    public void ScaleCalibrationPerChannelAndPerGroup()
    {
        // shape [2, 5]: channels along axis 1 are the columns; groups of 2 along the row give 3 groups per row (last partial)
        float[] x = [1, -2, 3, -4, 5, -10, 20, -30, 40, float.NaN];
        int[] shape = [2, 5];
        var perCol = ScaleCalibration.PerChannel(Int8, x, shape, axis: 1);
        double[] colMax = [10, 20, 30, 40, 5];
        Assert.Equal(colMax.Select(a => a / 127).ToArray(), perCol.Scales.ToArray());
        var perRow = ScaleCalibration.PerChannel(Int8, x, shape, axis: 0, symmetric: false);
        Assert.Equal(ScaleCalibration.Asymmetric(Int8, -4, 5), (perRow.Scales[0], perRow.ZeroPoints[0]));
        Assert.Equal(ScaleCalibration.Asymmetric(Int8, -30, 40), (perRow.Scales[1], perRow.ZeroPoints[1]));
        var groups = ScaleCalibration.PerGroup(Int8, x, shape, groupSize: 2);
        double[] groupMax = [2, 4, 5, 20, 40, 1]; // last group of row 1 holds only NaN: all-zero range gives scale 1
        Assert.Equal(groupMax.Select(a => a == 1 ? 1.0 : a / 127).ToArray(), groups.Scales.ToArray());
        ParamAssert.Throws("axis", "2", () => ScaleCalibration.PerChannel(Int8, x, shape, axis: 2));
        ParamAssert.Throws("groupSize", "0", () => ScaleCalibration.PerGroup(Int8, x, shape, groupSize: 0));
    }
}
