namespace Emulator.Formats.Tests.Lattice;

/// <summary>Mean squared error on N(0, 1) weights at (nearly) equal rates, each codec with its best per-row scale.</summary>
public class RateDistortionTests(ITestOutputHelper output)
{
    private static float[] GaussianWeights(int count, int seed)
    {
        var rng = new System.Random(seed);
        var w = new float[count];
        for (int i = 0; i < count; i++) w[i] = (float)E8PTests.Gaussian(rng);
        return w;
    }

    [Fact]
    public void LatticeCodecsBeatTheScalarGridAtTwoBitsPerWeight()
    {
        const int rows = 4, cols = 1152; // 1152 = 48 · 24: divisible by 1, 4, 8 and 24
        float[] w = GaussianWeights(rows * cols, 42);
        var codecs = new (string Name, VectorCodec Codec)[]
        {
            ("int2 (scalar grid)", new ScalarCodec(FormatRegistry.Default.GetScalar("int2"))),
            ("d4, R = 1", new RootLatticeCodec(FormatInfo.Named("d4r1"), RootLattice.Checkerboard, 4, 1)),
            ("e8, R = 1", new RootLatticeCodec(FormatInfo.Named("e8r1"), RootLattice.Gosset, 8, 1)),
            ("e8p", (VectorCodec)FormatRegistry.Default.Get("e8p")),
            ("leech", (VectorCodec)FormatRegistry.Default.Get("leech")),
        };
        var mse = new Dictionary<string, double>();
        output.WriteLine("| codec | bits/weight (indices) | bits/weight (with fp16 row scales) | MSE |");
        output.WriteLine("|---|---|---|---|");
        foreach (var (name, codec) in codecs)
        {
            var r = LatticeMatrixQuantizer.Quantize(codec, w, rows, cols, new LatticeQuantizationOptions { ScaleSearchSteps = 16, RefineSteps = 8, MinScaleFactor = 0.5, MaxScaleFactor = 2 });
            mse[name] = r.MeanSquaredError;
            output.WriteLine($"| {name} | {codec.BitsPerValue:F3} | {r.BitsPerWeight:F3} | {r.MeanSquaredError:F4} |");
        }
        // Measured ordering (the table is in the report): at 2 bits/weight E8P beats the best-scaled 2-bit integer grid, and
        // the Leech ball code at 2 bits/weight beats E8P; the sparser D4 and E8 boxes at 1.5 and 1.75 bits/weight lose to both.
        Assert.True(mse["e8p"] < mse["int2 (scalar grid)"]);
        Assert.True(mse["leech"] < mse["e8p"]);
        Assert.True(mse["e8p"] < mse["e8, R = 1"]);
        Assert.True(mse["e8p"] < mse["d4, R = 1"]);
        Assert.Equal(2.0, codecs[3].Codec.BitsPerValue);
        Assert.Equal(2.0, codecs[4].Codec.BitsPerValue);
    }

    [Fact]
    public void RotationIsReversibleAndSeeded()
    {
        var h = new RandomHadamard(64, 9);
        var rng = new System.Random(4);
        double[] x = Enumerable.Range(0, 64).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] y = (double[])x.Clone();
        h.Forward(y);
        Assert.Equal(x.Sum(v => v * v), y.Sum(v => v * v), 12);
        h.Inverse(y);
        for (int i = 0; i < 64; i++) Assert.Equal(x[i], y[i], 12);
        double[] z = (double[])x.Clone();
        new RandomHadamard(64, 9).Forward(z);
        double[] z2 = (double[])x.Clone();
        h.Forward(z2);
        Assert.Equal(z, z2);
    }

    [Fact]
    public void MatrixQuantizationWithRotationReportsBitsAndError()
    {
        const int rows = 3, cols = 64;
        float[] w = GaussianWeights(rows * cols, 8);
        var codec = (VectorCodec)FormatRegistry.Default.Get("e8p");
        var plain = LatticeMatrixQuantizer.Quantize(codec, w, rows, cols, new LatticeQuantizationOptions { GroupSize = 32 });
        var rotated = LatticeMatrixQuantizer.Quantize(codec, w, rows, cols, new LatticeQuantizationOptions { GroupSize = 32, Rotate = true, Seed = 5 });
        // 2 bits per weight plus one 16-bit scale per 32 weights.
        Assert.Equal(2.5, plain.BitsPerWeight);
        Assert.Equal(rows * cols / 8, plain.Indices.Length);
        Assert.Equal(rows * 2, plain.Scales.Length);
        foreach (var r in new[] { plain, rotated })
        {
            double err = 0;
            for (int i = 0; i < w.Length; i++) err += ((double)w[i] - r.Dequantized[i]) * ((double)w[i] - r.Dequantized[i]);
            Assert.Equal(err, r.SquaredError, 9);
            Assert.True(r.MeanSquaredError < 0.15);
        }
        // Without rotation the dequantized values are exactly scale · codeword.
        var v = new float[8];
        for (int g = 0; g < plain.Indices.Length; g++)
        {
            codec.Decode(plain.Indices[g], v, plain.Scales[g * 8 / 32]);
            for (int k = 0; k < 8; k++) Assert.Equal(v[k], plain.Dequantized[g * 8 + k]);
        }
        // cols must be a multiple of the dimension.
        Assert.Throws<ArgumentException>(() => LatticeMatrixQuantizer.Quantize(codec, w.AsSpan(0, rows * 60), rows, 60, null));
    }
}
