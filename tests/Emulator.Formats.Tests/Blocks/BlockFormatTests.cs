namespace Emulator.Formats.Tests.Blocks;

/// <summary>Scale rules, presets, layouts and non-finite inputs of <see cref="BlockFormat"/>.</summary>
public sealed class BlockFormatTests
{
    private static BlockFormat Preset(string name) => (BlockFormat)FormatRegistry.Default.Get(name);

    private static BlockFormat Fp4With(ScaleRule rule) =>
        new(FormatInfo.Named("test-" + rule.Name()), FormatRegistry.Default.GetScalar("e2m1"), 1, 32, FormatRegistry.Default.GetScalar("e8m0"), rule);

    [Theory]
    [InlineData("mxfp4", 4.25)]
    [InlineData("mxfp6-e2m3", 6.25)]
    [InlineData("mxfp6-e3m2", 6.25)]
    [InlineData("mxfp8-e4m3", 8.25)]
    [InlineData("mxfp8-e5m2", 8.25)]
    [InlineData("mxint8", 8.25)]
    [InlineData("nvfp4", 4.5)]
    [InlineData("nvfp4-2d", 4 + 8.0 / 256)]
    [InlineData("bfp8", 8.5)]
    [InlineData("bfp16", 16.5)]
    [InlineData("nf4-b64", 4.5)]
    public void BitsPerValueCountsTheScale(string name, double bits)
    {
        BlockFormat f = Preset(name);
        Assert.Equal("block", f.Kind);
        Assert.Equal(bits, f.BitsPerValue);
    }

    [Theory]
    [InlineData("mxfp8-e4m3", 8)]
    [InlineData("mxfp8-e5m2", 15)]
    [InlineData("mxfp6-e3m2", 4)]
    [InlineData("mxfp6-e2m3", 2)]
    [InlineData("mxfp4", 2)]
    [InlineData("mxint8", 0)]
    public void MxElementMaxExponentIsTheOcpEmax(string name, int emax)
    {
        BlockFormat f = Preset(name);
        Assert.Equal(emax, f.ElementMaxExponent);
        Assert.Equal(32, f.BlockSize);
        Assert.Equal(ScaleRule.Floor, f.Rule);
        Assert.Equal((-127, 127), f.ScaleExponentRange);
    }

    [Theory]
    // amax, floor, ceil, even, rceil (e2m1: emax 2, one mantissa bit, max 6)
    [InlineData(4.0f, 0, 0, 0, 0)]
    [InlineData(5.0f, 0, 1, 0, 0)]
    [InlineData(6.0f, 0, 1, 0, 0)]
    [InlineData(6.5f, 0, 1, 0, 1)]
    [InlineData(6.99f, 0, 1, 0, 1)]
    [InlineData(7.0f, 0, 1, 1, 1)]
    [InlineData(8.0f, 1, 1, 1, 1)]
    [InlineData(3.0f, -1, 0, -1, -1)]
    [InlineData(0.0f, -127, -127, -127, -127)]
    [InlineData(float.MaxValue, 125, 126, 126, 126)]
    public void ScaleRulesGiveTheirExponents(float amax, int floor, int ceil, int even, int rceil)
    {
        Assert.Equal(floor, Fp4With(ScaleRule.Floor).SharedExponent(amax));
        Assert.Equal(ceil, Fp4With(ScaleRule.Ceil).SharedExponent(amax));
        Assert.Equal(even, Fp4With(ScaleRule.Even).SharedExponent(amax));
        Assert.Equal(rceil, Fp4With(ScaleRule.RCeil).SharedExponent(amax));
    }

    [Fact]
    public void CeilAndRCeilRulesNeverSaturateTheBlockMaximum()
    {
        var rng = new Random(5);
        foreach (ScaleRule rule in new[] { ScaleRule.Ceil, ScaleRule.RCeil })
        {
            BlockFormat f = Fp4With(rule);
            for (int t = 0; t < 200; t++)
            {
                float amax = (float)(rng.NextDouble() * 1000 + 1e-3);
                int k = f.SharedExponent(amax);
                Assert.True(amax / Math.ScaleB(1.0, k) <= 6.0, $"{rule}: amax {amax} / 2^{k} exceeds 6");
            }
        }
    }

    [Fact]
    public void Bfp8KeepsSevenBitMantissasUnderTheBlockExponent()
    {
        BlockFormat f = Preset("bfp8");
        float[] x = [3.0f, 1.0f, -0.3f, 0f];
        var codes = new uint[4];
        var scales = new uint[1];
        var y = new float[4];
        f.Encode(x, [4], codes, scales);
        f.Decode(codes, scales, [4], y);
        Assert.Equal(1u, scales[0]); // floor(log2 3) = 1, stored as int8
        Assert.Equal([3.0f, 1.0f, -0.3125f, 0f], y); // k * 2^(1-6): 96, 32, round(-9.6) = -10, 0
        Assert.Equal([96L, 32L, -10L, 0L], codes.Select(c => ((IntegerFormat)f.Element).IntegerOf(c)));
        Assert.True(f.ScaleIsExponent);
    }

    [Fact]
    public void BlockwiseNf4DividesByTheFloat32Absmax()
    {
        BlockFormat f = Preset("nf4-b64");
        var x = new float[64];
        x[0] = -2.0f; // absmax
        x[1] = 2f * 0.5626170039176941f; // twice an NF4 value: divided by the absmax 2 it is that value
        x[2] = 0.3f;
        var codes = new uint[64];
        var scales = new uint[1];
        var y = new float[64];
        f.Encode(x, [64], codes, scales);
        f.Decode(codes, scales, [64], y);
        Assert.Equal(2.0, f.ScaleValue(scales[0]));
        Assert.Equal(0u, codes[0]);
        Assert.Equal(13u, codes[1]);
        Assert.Equal(2f * 0.5626170039176941f, y[1]);
        // 0.15 lies between 0.16093 (code 9) and 0.07958 (code 8) but nearer 0.16093
        Assert.Equal(9u, codes[2]);
        Assert.Equal(7u, codes[3]);
    }

    [Fact]
    public void MxNonFiniteInputsMakeTheBlockNaN()
    {
        BlockFormat f = Preset("mxfp8-e4m3");
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] x = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
            x[5] = bad;
            var codes = new uint[64];
            var scales = new uint[2];
            var y = new float[64];
            f.Encode(x, [64], codes, scales);
            Assert.Equal(0xFFu, scales[0]);
            Assert.NotEqual(0xFFu, scales[1]);
            f.Quantize(x, [64], y);
            Assert.All(y.Take(32), v => Assert.True(float.IsNaN(v)));
            Assert.All(y.Skip(32), v => Assert.False(float.IsNaN(v)));
        }
    }

    [Fact]
    public void BfpIgnoresNonFiniteValuesForTheExponent()
    {
        BlockFormat f = Preset("bfp8");
        float[] x = [1.5f, float.NaN, float.PositiveInfinity, -0.25f];
        var y = new float[4];
        f.Quantize(x, [4], y);
        Assert.Equal(1.5f, y[0]);
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal(127f / 64, y[2]); // saturates to the largest mantissa under 2^0
        Assert.Equal(-0.25f, y[3]);
    }

    [Fact]
    public void PartialLastBlockIsScaledByItsOwnElements()
    {
        BlockFormat f = Preset("mxfp4");
        var rng = new Random(11);
        float[] x = TensorSamples.Finite(rng, 40, -5, 5, extremes: false);
        x[3] = 1000f; // the full block's maximum must not affect the partial block
        var y = new float[40];
        f.Quantize(x, [40], y);
        var tail = new float[8];
        f.Quantize(x.AsSpan(32), [8], tail);
        Assert.Equal(tail.Select(FloatCompare.Bits), y.Skip(32).Select(FloatCompare.Bits));
        Assert.Equal(2, f.ScaleCount([40]));
        Assert.Equal(6, f.ScaleCount([3, 40]));
        Assert.Equal([3, 2], f.Layout([3, 40]).ScaleShape);
    }

    [Fact]
    public void BlocksAlongAnAxisEqualBlocksOfTheTransposedTensor()
    {
        BlockFormat f = Preset("mxfp6-e2m3");
        var rng = new Random(3);
        const int rows = 70, cols = 3;
        float[] x = TensorSamples.Finite(rng, rows * cols, -8, 8, extremes: false);
        float[] xt = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) xt[c * rows + r] = x[r * cols + c];
        BlockLayout alongRows = f.Layout([rows, cols], axis: 0);
        Assert.Equal([3, 3], alongRows.ScaleShape);
        var y = new float[rows * cols];
        f.Quantize(x, alongRows, y, TensorScale.None);
        var yt = new float[rows * cols];
        f.Quantize(xt, [cols, rows], yt);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(FloatCompare.Bits(yt[c * rows + r]), FloatCompare.Bits(y[r * cols + c]));
    }

    [Fact]
    public void NvFp4TensorScaleFollowsTheRecipe()
    {
        BlockFormat f = Preset("nvfp4");
        Assert.True(f.HasTensorScale);
        Assert.Equal(new TensorScale(2688f / 6f, 1f / (2688f / 6f)), f.TensorScaleFor(6f));
        Assert.Equal(float.MaxValue, f.TensorScaleFor(0f).Encode);
        Assert.Equal(1f, f.TensorScaleFor(float.PositiveInfinity).Encode);
        Assert.True(float.IsNaN(f.TensorScaleFor(float.NaN).Encode));
        Assert.Equal(TensorScale.None, Preset("mxfp4").TensorScaleFor(6f));
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        BlockFormat f = Preset("mxfp4");
        var e = Assert.Throws<ArgumentException>(() => f.Quantize(new float[10], [11], new float[10]));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("11", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Layout([4, 4], axis: 2));
        Assert.Throws<ArgumentException>(() => Preset("nvfp4-2d").Layout([256]));
        var s = Assert.Throws<ArgumentException>(() => f.Encode(new float[64], [64], new uint[64], new uint[1]));
        Assert.Equal("scaleCodes", s.ParamName);
        Assert.Throws<ArgumentException>(() => new BlockFormat(FormatInfo.Named("bad"), FormatRegistry.Default.GetScalar("e2m1"), 1, 32,
            FormatRegistry.Default.GetScalar("e8m0"), ScaleRule.Floor, tensorScale: true));
        Assert.Throws<ArgumentException>(() => new BlockFormat(FormatInfo.Named("bad"), FormatRegistry.Default.GetScalar("e2m1"), 1, 32,
            FormatRegistry.Default.GetScalar("e8m0"), ScaleRule.Floor, scaleIsExponent: true));
    }

    [Fact]
    public void UserBlockSpecsResolvePresetsAndInlineFormats()
    {
        var f = (BlockFormat)FormatSpecReader.Read("""
            { "name": "my-mx", "kind": "block", "element": "fp4", "block": [64], "scale": "ue8m0", "scaleRule": "rceil" }
            """);
        Assert.Equal("e2m1", f.Element.Name);
        Assert.Equal((1, 64), (f.BlockRows, f.BlockCols));
        Assert.Equal(ScaleRule.RCeil, f.Rule);
        var g = (BlockFormat)FormatSpecReader.Read("""
            { "name": "tiles", "kind": "block", "block": [8, 8], "scaleRule": "amax-over-max",
              "element": { "name": "e", "kind": "float", "exponentBits": 2, "mantissaBits": 1, "specials": "none" },
              "scale": { "name": "f32", "kind": "float", "exponentBits": 8, "mantissaBits": 23, "specials": "ieee" } }
            """);
        Assert.Equal(64, g.BlockSize);
        Assert.Equal(4 + 32.0 / 64, g.BitsPerValue);
        var bad = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""
            { "name": "x", "kind": "block", "element": "no-such-format", "block": [32], "scale": "e8m0", "scaleRule": "floor" }
            """, "my.json"));
        Assert.Equal("$.element", bad.JsonPath);
        var rule = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""
            { "name": "x", "kind": "block", "element": "e2m1", "block": [32], "scale": "e8m0", "scaleRule": "round" }
            """, "my.json"));
        Assert.Equal("$.scaleRule", rule.JsonPath);
        var shape = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""
            { "name": "x", "kind": "block", "element": "e2m1", "block": [1.5], "scale": "e8m0", "scaleRule": "floor" }
            """, "my.json"));
        Assert.Equal("$.block", shape.JsonPath);
        var nested = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""
            { "name": "x", "kind": "block", "element": "mxfp4", "block": [32], "scale": "e8m0", "scaleRule": "floor" }
            """, "my.json"));
        Assert.Equal("$.element", nested.JsonPath);
        Assert.Contains("must be a scalar format", nested.Message);
        var exponentScale = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""
            { "name": "x", "kind": "block", "element": "e2m1", "block": [32], "scale": "e8m0", "scaleEncoding": "exponent", "scaleRule": "floor" }
            """, "my.json"));
        Assert.Contains("signed integer", exponentScale.Message);
    }
}
