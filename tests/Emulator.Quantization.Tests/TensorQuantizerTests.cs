using Emulator.Formats;

namespace Emulator.Quantization.Tests;

public class TensorQuantizerTests
{
    private static readonly FormatRegistry R = FormatRegistry.Default;

    [Theory]
    [InlineData("e4m3", "tensor")]
    [InlineData("e4m3", "channel")]
    [InlineData("e2m1", "group-32")]
    [InlineData("posit8", "channel")]
    [InlineData("nf4", "group-64")]
    [InlineData("hifloat8", "tensor")]
    [InlineData("e5m2", "channel-1")]
    public void ScaledFormatsEqualTheScalarReference(string format, string granularity)
    {
        int[] shape = [6, 8, 20];
        var x = TestData.Gaussian(6 * 8 * 20, 1, 3f);
        var q = new TensorQuantizer(R.Get(format), Granularity.Parse(granularity));
        var y = new float[x.Length];
        q.Quantize(x, shape, y);
        var f = (ScalarFormat)R.Get(format);
        var layout = new SliceLayout(shape, q.Granularity);
        var scales = q.Scale!.ToArray();
        Assert.Equal(layout.Slices, scales.Length);
        // the definition: y = fl32(Q(fl32(x / s)) · s) with s = the slice's scale, and amax maps inside the grid
        for (int r = 0; r < layout.Runs; r++)
        {
            var (start, len, slice) = layout.Run(r);
            float s = scales[slice];
            for (int i = start; i < start + len; i++)
                Assert.Equal(f.Quantize(x[i] / s, default, i) * s, y[i]);
        }
        for (int slice = 0; slice < layout.Slices; slice++)
        {
            var buf = new float[layout.SliceSize];
            int n = layout.Gather(x, slice, buf);
            float amax = buf.Take(n).Max(MathF.Abs);
            Assert.True(amax / scales[slice] <= f.MaxFinite, $"slice {slice}: amax {amax} / scale {scales[slice]} exceeds {f.MaxFinite}");
            float nearest = (float)(amax / f.MaxFinite);
            Assert.True(scales[slice] == nearest || scales[slice] == MathF.BitIncrement(nearest), "the scale is amax / max, rounded up when rounding down would clip");
        }
    }

    [Theory]
    [InlineData("int8", "channel", true)]
    [InlineData("int4", "group-32", true)]
    [InlineData("int4", "tensor", false)]
    [InlineData("uint8", "channel", false)]
    public void IntegersEqualTheAffineReference(string format, string granularity, bool symmetric)
    {
        int[] shape = [5, 70];
        var x = TestData.Gaussian(350, 2);
        var q = new TensorQuantizer(R.Get(format), Granularity.Parse(granularity), symmetric: symmetric);
        var y = new float[x.Length];
        q.Quantize(x, shape, y);
        var f = (IntegerFormat)R.Get(format);
        var s = q.Scale!.ToArray().Select(v => (double)v).ToArray();
        var z = q.Offset?.ToArray().Select(v => (long)v).ToArray() ?? new long[s.Length];
        var reference = q.Granularity.Kind switch
        {
            GranularityKind.PerTensor => AffineQuantizer.PerTensor(f, s[0], z[0]),
            GranularityKind.PerChannel => AffineQuantizer.PerChannel(f, 0, s, z),
            _ => AffineQuantizer.PerGroup(f, q.Granularity.GroupSize, s, z),
        };
        var expected = new float[x.Length];
        reference.Quantize(x, shape, expected);
        Assert.Equal(expected, y);
        // min-max ranges never clip
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(y[i] - x[i]) <= reference.Scales[reference.ParameterIndex(i, shape)] / 2 * 1.0001);
    }

    [Theory]
    [InlineData("mxfp4")]
    [InlineData("nvfp4")]
    [InlineData("mxfp8-e4m3")]
    public void BlockFormatsEqualTheirReference(string format)
    {
        int[] shape = [4, 64];
        var x = TestData.Laplace(256, 3);
        var q = new TensorQuantizer(R.Get(format));
        var y = new float[256];
        q.Quantize(x, shape, y);
        var expected = new float[256];
        ((BlockFormat)R.Get(format)).Quantize(x, shape, expected);
        Assert.Equal(expected, y);
        Assert.Throws<ArgumentException>(() => new TensorQuantizer(R.Get(format), Granularity.PerChannel()));
    }

    [Fact]
    public void PowerOfTwoAndE8M0ScalesRoundUp()
    {
        var x = TestData.Gaussian(1000, 4);
        foreach (var sf in new[] { ScaleFormat.PowerOfTwo, ScaleFormat.Parse("e8m0") })
        {
            var q = new TensorQuantizer(R.Get("int8"), scaleFormat: sf);
            q.Quantize(x, [1000], new float[1000]);
            float s = q.Scale!.Data[0];
            Assert.Equal(0, BitConverter.SingleToInt32Bits(s) & 0x7FFFFF); // a power of two
            float exact = x.Max(MathF.Abs) / 127f;
            Assert.True(s >= exact && s < 2 * exact, $"{sf}: {s} should be the power of two at or above {exact}");
        }
        var ue = new TensorQuantizer(R.Get("e2m1"), scaleFormat: ScaleFormat.Parse("ue4m3"));
        ue.Quantize(x, [1000], new float[1000]);
        float su = ue.Scale!.Data[0];
        Assert.Equal(su, ((ScalarFormat)R.Get("ue4m3")).Quantize(su));
    }

    [Fact]
    public void FrozenScalesComeFromCalibrationNotTheInput()
    {
        var q = new TensorQuantizer(R.Get("int8"));
        q.Calibrate([1f, -2f, 0.5f], [3]);
        var y = new float[2];
        q.Quantize([100f, 1.1f], [2], y);
        float s = q.Scale!.Data[0];
        Assert.Equal(127 * s, y[0]); // clipped at the calibrated range
        Assert.Equal(70 * s, y[1]);  // 1.1 / (2 / 127) = 69.85
    }

    [Fact]
    public void BadInputNamesTheProblem()
    {
        var q = new TensorQuantizer(R.Get("int8"), Granularity.PerChannel(2));
        var ex = Assert.ThrowsAny<ArgumentException>(() => q.Quantize(new float[6], [2, 3], new float[6]));
        Assert.Contains("axis 2", ex.Message);
        Assert.Throws<ArgumentException>(() => new TensorQuantizer(R.Get("e4m3"), symmetric: false));
        Assert.Throws<ArgumentException>(() => Granularity.Parse("rows"));
    }
}
