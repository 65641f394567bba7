using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class AffineKernelTests
{
    private static float[] Values(int n, int seed, double scale)
    {
        var rng = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = (rng.NextDouble() * 2 - 1) * scale;
            x[i] = (i % 11) switch
            {
                0 => (float)(Math.Round(u / 0.5) * 0.5),        // ties for power-of-two scales
                1 => (float)(Math.Round(u * 64) / 64),
                2 => Inputs.Specials().ElementAt(i / 11 % 27),
                _ => (float)u,
            };
        }
        return x;
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "int8", "tensor-sym" }, { "int8", "tensor-asym" }, { "int8", "channel0" }, { "int8", "channel1" }, { "int8", "channel-last" },
        { "int4", "group5" }, { "uint8", "tensor-asym" }, { "uint4", "group8" }, { "int16", "channel0" }, { "int2", "tensor-pow2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_and_quantize_equal_the_reference(string name, string granularity)
    {
        var format = (IntegerFormat)FormatRegistry.Default.GetScalar(name);
        int[] shape = [6, 7, 13];
        int n = shape[0] * shape[1] * shape[2];
        float[] x = Values(n, name.Length * 31 + granularity.Length, 4.0);
        AffineQuantizer q = granularity switch
        {
            "tensor-sym" => ScaleCalibration.SymmetricPerTensor(format, x.Where(float.IsFinite).ToArray()),
            "tensor-asym" => AffineQuantizer.PerTensor(format, 0.0371, format.Signed ? -3 : 17),
            "tensor-pow2" => AffineQuantizer.PerTensor(format, 0.5, 0),
            "channel0" => ScaleCalibration.PerChannel(format, x.Select(v => float.IsFinite(v) ? v : 0).ToArray(), shape, 0, symmetric: false),
            "channel1" => ScaleCalibration.PerChannel(format, x.Select(v => float.IsFinite(v) ? v : 0).ToArray(), shape, 1),
            "channel-last" => ScaleCalibration.PerChannel(format, x.Select(v => float.IsFinite(v) ? v : 0).ToArray(), shape, 2),
            "group5" => ScaleCalibration.PerGroup(format, x.Select(v => float.IsFinite(v) ? v : 0).ToArray(), shape, 5),
            _ => ScaleCalibration.PerGroup(format, x.Select(v => float.IsFinite(v) ? v : 0).ToArray(), shape, 8, symmetric: false),
        };
        var expectedCodes = new uint[n];
        var expectedValues = new float[n];
        var codes = new uint[n];
        var values = new float[n];
        foreach (RoundingMode mode in Inputs.Modes)
        foreach (int variant in mode == RoundingMode.Stochastic ? new[] { 0, 1, 8 } : [1])
        {
            var ro = Inputs.Options(mode, null, variant);
            q.Encode(x, shape, expectedCodes, ro, 500);
            q.Quantize(x, shape, expectedValues, ro, 500);
            foreach (int lanes in Inputs.Widths)
            {
                var ko = new KernelOptions { IndexOffset = 500, MaxLanes = lanes };
                AffineKernels.Encode(x, shape, codes, q, ro, ko);
                Differential.Compare(format, ro, lanes, $"affine-encode {granularity}", x, expectedCodes, codes);
                AffineKernels.Quantize(x, shape, values, q, ro, ko);
                Differential.Compare(format, ro, lanes, $"affine-quantize {granularity}", x, expectedValues.Select(Inputs.B).ToArray(), values.Select(Inputs.B).ToArray());
            }
        }
    }

    /// <summary>Inputs within a few float32 ulps of (k + 1/2) s and k s for scales that are not powers of two: the lanes the
    /// fast paths must either decide exactly or hand to the exact path, in every mode.</summary>
    [Theory]
    [InlineData("int8", 0.0371, 0)]
    [InlineData("int8", 1.0 / 3.0, 5)]
    [InlineData("int16", 0.7, -9)]
    [InlineData("uint8", 0.1, 128)]
    public void Near_ties_and_near_integers_equal_the_reference(string name, double scale, int zeroPoint)
    {
        var format = (IntegerFormat)FormatRegistry.Default.GetScalar(name);
        var q = AffineQuantizer.PerTensor(format, scale, zeroPoint);
        var list = new List<float>();
        for (int k = -300; k <= 300; k++)
            foreach (double center in new[] { (k + 0.5) * scale, k * scale, (k + 0.25) * scale })
            {
                int width = 2;
                float v = (float)center;
                for (int j = 0; j < width; j++) { list.Add(v); v = MathF.BitIncrement(v); }
                v = (float)center;
                for (int j = 0; j < width; j++) { v = MathF.BitDecrement(v); list.Add(v); }
            }
        // Inputs whose float32 quotient |x| * float32(1/s) lies on a half-integer (or an integer), or on its other side, while
        // the exact quotient does not: the fast paths must hand these lanes to the exact path.
        float inverse = (float)(1.0 / scale);
        int straddles = 0;
        for (int k = -300; k <= 300; k++)
            foreach (double boundary in new[] { k + 0.5, (double)k })
            {
                float v = (float)(boundary * scale);
                for (int j = 0; j < 64; j++) v = MathF.BitDecrement(v);
                for (int j = 0; j < 128; j++, v = MathF.BitIncrement(v))
                {
                    double t = MathF.Abs(v) * inverse, exact = Math.Abs((double)v / scale), b = Math.Abs(boundary);
                    if (Math.Sign(t - b) != Math.Sign(exact - b)) { list.Add(v); if (boundary != k) straddles++; }
                }
            }
        Assert.True(straddles > 0, "no input lands on or across a half-integer; the test would not catch a missing hand-off");
        float[] x = list.ToArray();
        int[] shape = [x.Length];
        var expectedCodes = new uint[x.Length];
        var codes = new uint[x.Length];
        var expectedValues = new float[x.Length];
        var values = new float[x.Length];
        foreach (RoundingMode mode in Inputs.Modes)
        {
            var ro = Inputs.Options(mode, null);
            q.Encode(x, shape, expectedCodes, ro, 7);
            q.Quantize(x, shape, expectedValues, ro, 7);
            foreach (int lanes in Inputs.Widths)
            {
                var ko = new KernelOptions { IndexOffset = 7, MaxLanes = lanes };
                AffineKernels.Encode(x, shape, codes, q, ro, ko);
                Differential.Compare(format, ro, lanes, "affine-encode near ties", x, expectedCodes, codes);
                AffineKernels.Quantize(x, shape, values, q, ro, ko);
                Differential.Compare(format, ro, lanes, "affine-quantize near ties", x, expectedValues.Select(Inputs.B).ToArray(), values.Select(Inputs.B).ToArray());
            }
        }
    }

    [Fact]
    public void Shape_mismatch_is_rejected()
    {
        var q = AffineQuantizer.PerChannel((IntegerFormat)FormatRegistry.Default.GetScalar("int8"), 0, [1.0, 2.0]);
        var e = Assert.Throws<ArgumentException>(() => AffineKernels.Encode(new float[6], [3, 2], new uint[6], q));
        Assert.Equal("shape", e.ParamName);
    }
}
