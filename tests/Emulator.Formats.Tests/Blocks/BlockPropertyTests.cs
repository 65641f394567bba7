using FsCheck.Xunit;

namespace Emulator.Formats.Tests.Blocks;

/// <summary>Properties every block format keeps (FORMATS.md section 5), over all block presets and rounding modes.</summary>
public sealed class BlockPropertyTests
{
    [Property(MaxTest = 40)]
    public void DecodeOfEncodeIsQuantize(int seed)
    {
        var rng = new Random(seed);
        foreach (BlockFormat f in TensorSamples.BlockPresets())
        {
            int[] shape = TensorSamples.Shape(f, rng, 40, 70);
            int n = shape.Aggregate(1, (a, b) => a * b);
            float[] x = TensorSamples.Finite(rng, n);
            RoundingOptions options = TensorSamples.Options(rng);
            var codes = new uint[n];
            var scales = new uint[f.ScaleCount(shape)];
            var y = new float[n];
            var z = new float[n];
            TensorScale ts = f.Encode(x, shape, codes, scales, options, indexOffset: 7);
            f.Decode(codes, scales, shape, y, ts.Decode);
            f.Quantize(x, shape, z, options, indexOffset: 7);
            for (int i = 0; i < n; i++)
                Assert.True(FloatCompare.Same(y[i], z[i], ignoreZeroSign: false),
                    $"{f.Name} {options.Mode} x[{i}] = {x[i]:R}: decode(encode) {y[i]:R}, quantize {z[i]:R}");
        }
    }

    [Property(MaxTest = 40)]
    public void MxOutputScalesWithPowersOfTwo(int seed)
    {
        var rng = new Random(seed);
        foreach (BlockFormat f in TensorSamples.BlockPresets().Where(f => f.Name.StartsWith("mx", StringComparison.Ordinal)))
        {
            int n = rng.Next(1, 100);
            float[] x = TensorSamples.Finite(rng, n, -40, 40, extremes: false);
            for (int i = 0; i < n; i++)
                if (x[i] != 0 && MathF.Abs(x[i]) < MathF.ScaleB(1f, -90)) x[i] = 0; // keep every scaled input a normal float32
            int k = rng.Next(-30, 31);
            float twoK = MathF.ScaleB(1f, k);
            float[] xs = x.Select(v => v * twoK).ToArray();
            RoundingOptions options = TensorSamples.Options(rng);
            var y = new float[n];
            var ys = new float[n];
            f.Quantize(x, [n], y, options);
            f.Quantize(xs, [n], ys, options);
            for (int i = 0; i < n; i++)
                Assert.True(FloatCompare.Same(y[i] * twoK, ys[i], ignoreZeroSign: false),
                    $"{f.Name} {options.Mode} k={k} x[{i}] = {x[i]:R}: Q(x)*2^k = {y[i] * twoK:R}, Q(x*2^k) = {ys[i]:R}");
        }
    }

    [Fact]
    public void ZerosEncodeToZeros()
    {
        foreach (BlockFormat f in TensorSamples.BlockPresets())
        {
            int[] shape = f.BlockRows == 1 ? [3, 40] : [20, 40];
            int n = shape[0] * shape[1];
            float[] x = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? -0f : 0f).ToArray();
            var codes = new uint[n];
            var scales = new uint[f.ScaleCount(shape)];
            var y = new float[n];
            TensorScale ts = f.Encode(x, shape, codes, scales);
            f.Decode(codes, scales, shape, y, ts.Decode);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0.0, f.Element.Decode(codes[i]));
                Assert.Equal(0f, y[i]);
            }
            foreach (uint s in scales) Assert.False(double.IsNaN(f.ScaleValue(s)), $"{f.Name}: zero block got a NaN scale");
        }
    }

    [Property(MaxTest = 40)]
    public void ElementsStayWithinTheElementRangeAndTheFloorRuleNormalisesTheMaximum(int seed)
    {
        var rng = new Random(seed);
        foreach (BlockFormat f in TensorSamples.BlockPresets())
        {
            int[] shape = TensorSamples.Shape(f, rng, 33, 50);
            int n = shape.Aggregate(1, (a, b) => a * b);
            float[] x = TensorSamples.Finite(rng, n);
            RoundingOptions options = TensorSamples.Options(rng);
            var codes = new uint[n];
            var scales = new uint[f.ScaleCount(shape)];
            f.Encode(x, shape, codes, scales, options);
            foreach (uint c in codes)
                Assert.True(Math.Abs(f.Element.Decode(c)) <= f.Element.MaxFinite, $"{f.Name}: element code {c} exceeds the element max");
            if (f.Rule != ScaleRule.Floor) continue;
            BlockLayout layout = f.Layout(shape);
            var idx = new int[f.BlockSize];
            for (long b = 0; b < layout.BlockCount; b++)
            {
                int m = layout.BlockIndices(b, idx);
                float amax = idx.Take(m).Max(i => MathF.Abs(x[i]));
                double scale = f.ScaleValue(scales[b]);
                int k = BinarySplit.FloorLog2(scale);
                if (amax == 0 || k == f.ScaleExponentRange.Min || k == f.ScaleExponentRange.Max) continue;
                double normalised = amax / scale; // OCP: amax / 2^shared lies in [2^emax_elem, 2^(emax_elem+1))
                Assert.InRange(normalised, Math.ScaleB(1.0, f.ElementMaxExponent), Math.ScaleB(1.0, f.ElementMaxExponent + 1));
                Assert.True(normalised < Math.ScaleB(1.0, f.ElementMaxExponent + 1));
            }
        }
    }

    [Property(MaxTest = 25)]
    public void TilesEqualTheOneDimensionalRuleOnEachTile(int seed)
    {
        var rng = new Random(seed);
        var tiled = (BlockFormat)FormatRegistry.Default.Get("nvfp4-2d");
        var flat = new BlockFormat(FormatInfo.Named("nvfp4-1x256"), tiled.Element, 1, 256, tiled.Scale, tiled.Rule, tensorScale: true);
        int[] shape = [rng.Next(1, 3), rng.Next(1, 40), rng.Next(1, 40)];
        int n = shape.Aggregate(1, (a, b) => a * b);
        float[] x = TensorSamples.Finite(rng, n, -20, 20);
        RoundingOptions options = TensorSamples.Options(rng);
        var codes = new uint[n];
        var scales = new uint[tiled.ScaleCount(shape)];
        TensorScale ts = tiled.Encode(x, shape, codes, scales, options);
        BlockLayout layout = tiled.Layout(shape);
        Assert.Equal(shape[0] * ((shape[1] + 15) / 16) * ((shape[2] + 15) / 16), layout.BlockCount);
        var idx = new int[256];
        for (long b = 0; b < layout.BlockCount; b++)
        {
            int m = layout.BlockIndices(b, idx);
            float[] tile = idx.Take(m).Select(i => x[i]).ToArray();
            var tileCodes = new uint[m];
            var tileScale = new uint[1];
            // the 1-D rule on the tile's elements, each keeping its tensor index for stochastic rounding
            tileScale[0] = flat.EncodeBlock(tile, idx.AsSpan(0, m), tileCodes, ts, options);
            Assert.Equal(tileScale[0], scales[b]);
            for (int j = 0; j < m; j++) Assert.Equal(tileCodes[j], codes[idx[j]]);
        }
    }

    [Property(MaxTest = 20)]
    public void SlicesWithIndexOffsetsGiveTheSameBits(int seed)
    {
        var rng = new Random(seed);
        var f = (BlockFormat)FormatRegistry.Default.Get("mxfp4");
        int blocks = rng.Next(2, 6);
        int n = 32 * blocks;
        float[] x = TensorSamples.Finite(rng, n, -10, 10);
        var options = new RoundingOptions(RoundingMode.Stochastic) { Seed = (ulong)seed, Stream = 3 };
        var whole = new float[n];
        f.Quantize(x, [n], whole, options);
        int cut = 32 * rng.Next(1, blocks);
        var parts = new float[n];
        f.Quantize(x.AsSpan(0, cut), [cut], parts.AsSpan(0, cut), options, indexOffset: 0);
        f.Quantize(x.AsSpan(cut), [n - cut], parts.AsSpan(cut), options, indexOffset: cut);
        Assert.Equal(whole.Select(FloatCompare.Bits), parts.Select(FloatCompare.Bits));
    }

    [Theory]
    [InlineData("mxfp4")]
    [InlineData("nvfp4")]
    [InlineData("bfp8")]
    public void StochasticRoundingIsUnbiasedBelowSaturation(string name)
    {
        var f = (BlockFormat)FormatRegistry.Default.Get(name);
        var rng = new Random(17);
        int n = f.BlockSize;
        float[] x = TensorSamples.Finite(rng, n, -2, 2, extremes: false);
        // the block scale does not depend on the element rounding; elements beyond max_elem * scale saturate (biased by design)
        var codes = new uint[n];
        var scale = new uint[1];
        TensorScale ts = f.Encode(x, [n], codes, scale);
        double limit = f.Element.MaxFinite * f.ScaleValue(scale[0]) * ts.Decode;
        const int trials = 4000;
        var sum = new double[n];
        var sumSq = new double[n];
        var y = new float[n];
        for (int t = 0; t < trials; t++)
        {
            var options = new RoundingOptions(RoundingMode.Stochastic) { Seed = 99, Stream = (uint)t };
            f.Quantize(x, [n], y, options);
            for (int i = 0; i < n; i++) { sum[i] += y[i]; sumSq[i] += (double)y[i] * y[i]; }
        }
        int tested = 0;
        for (int i = 0; i < n; i++)
        {
            if (Math.Abs(x[i]) > limit) continue;
            tested++;
            double mean = sum[i] / trials;
            double variance = Math.Max(sumSq[i] / trials - mean * mean, 0);
            // 6 standard errors of the mean (plus float32 slack of the decode chain) make a false alarm negligible
            double tolerance = 6 * Math.Sqrt(variance / trials) + 1e-6 * Math.Abs(x[i]);
            Assert.True(Math.Abs(mean - x[i]) <= tolerance, $"{name} x[{i}] = {x[i]:R}: mean {mean:R}, tolerance {tolerance:R}");
        }
        Assert.True(tested >= n / 2, $"only {tested} of {n} elements lie below saturation");
    }
}
