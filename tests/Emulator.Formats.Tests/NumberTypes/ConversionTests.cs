namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>Create with explicit rounding options, span conversions, and conversions between the types.</summary>
public class ConversionTests
{
    /// <summary>Create applies the mode and overflow policy through the preset's encoder.</summary>
    [Fact]
    public void Create_with_rounding_options()
    {
        Assert.Equal(1.125, (double)Float8E4M3.Create(1.0625, new RoundingOptions(RoundingMode.TowardPositive)));
        Assert.Equal(1.0, (double)Float8E4M3.Create(1.1, new RoundingOptions(RoundingMode.TowardZero)));
        Assert.Equal(-1.125, (double)Float8E4M3.Create(-1.0625, new RoundingOptions(RoundingMode.NearestAway)));
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.Create(500.0, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity))));
        Assert.Equal(448.0, (double)Float8E4M3.Create(500f, new RoundingOptions(RoundingMode.TowardZero, OverflowPolicy.Infinity)));
        Assert.True(BFloat16.IsPositiveInfinity(BFloat16.Create(1e39, default)));
        Assert.Equal((double)BFloat16.MaxValue, (double)BFloat16.Create(1e39, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate)));
        foreach (RoundingMode mode in Enum.GetValues<RoundingMode>())
        {
            var options = new RoundingOptions(mode) { Seed = 11 };
            for (int i = 0; i < 50; i++)
            {
                double x = (i - 25) * 0.37;
                Assert.Equal(Float8E5M2.Format.Encode(x, options, (long)i), Float8E5M2.Create(x, options, i).Code);
            }
        }
    }

    /// <summary>Span conversions equal element-wise scalar conversions (with default options: the casts, overflow included);
    /// stochastic rounding uses index offset + i.</summary>
    [Fact]
    public void Span_conversions_match_scalar()
    {
        var rng = new Random(3);
        float[] x = [.. Enumerable.Range(0, 500).Select(_ => (float)((rng.NextDouble() - 0.5) * 1200)), float.PositiveInfinity, float.NegativeInfinity, 1e6f];
        var y = new Float8E4M3[x.Length];
        NumberTypeConvert.Convert<Float8E4M3>(x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(((Float8E4M3)x[i]).ToBits(), y[i].ToBits());

        var sr = new RoundingOptions(RoundingMode.Stochastic) { Seed = 42, Stream = 1 };
        var z = new BFloat16[x.Length];
        NumberTypeConvert.Convert<BFloat16>(x, z, sr, indexOffset: 1000);
        for (int i = 0; i < x.Length; i++) Assert.Equal(BFloat16.Create(x[i], sr, 1000 + i).ToBits(), z[i].ToBits());
        var z2 = new BFloat16[x.Length];
        NumberTypeConvert.Convert<BFloat16>(x, z2, sr, indexOffset: 1000);
        Assert.Equal(z.Select(v => v.ToBits()), z2.Select(v => v.ToBits())); // deterministic
        var z3 = new BFloat16[x.Length];
        NumberTypeConvert.Convert<BFloat16>(x, z3, sr with { Seed = 43 }, indexOffset: 1000);
        Assert.NotEqual(z.Select(v => v.ToBits()), z3.Select(v => v.ToBits()));

        double[] d = x.Select(v => (double)v * 1.0000001).ToArray();
        var w = new Float6E3M2[d.Length];
        NumberTypeConvert.Convert<Float6E3M2>(d, w);
        for (int i = 0; i < d.Length; i++) Assert.Equal(((Float6E3M2)d[i]).ToBits(), w[i].ToBits());

        var back = new float[y.Length];
        NumberTypeConvert.Convert<Float8E4M3>(y, back);
        for (int i = 0; i < y.Length; i++) Assert.Equal((float)y[i], back[i]);
        var backD = new double[y.Length];
        NumberTypeConvert.Convert<Float8E4M3>(y, backD);
        for (int i = 0; i < y.Length; i++) Assert.Equal((double)y[i], backD[i]);

        var between = new Float4E2M1[y.Length];
        NumberTypeConvert.Convert<Float8E4M3, Float4E2M1>(y, between);
        for (int i = 0; i < y.Length; i++) Assert.Equal(((Float4E2M1)y[i]).ToBits(), between[i].ToBits());

        var error = Assert.Throws<ArgumentException>(() => NumberTypeConvert.Convert<Float8E4M3>(x, new Float8E4M3[3]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains(x.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    /// <summary>Every E4M3 value converted to every other type equals the preset encoder applied to the exact value with the
    /// type's rounding (nearest-even, 'infinity'); BFloat16 values beyond E4M3's range (and ±Inf) give NaN.</summary>
    [Fact]
    public void Between_types_round_once()
    {
        for (uint c = 0; c < 256; c++)
        {
            var x = Float8E4M3.FromCode(c);
            double v = x.ToDouble();
            Assert.Equal(BFloat16.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((BFloat16)x).ToBits());
            Assert.Equal(Tf32.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), ((Tf32)x).ToBits());
            Assert.Equal(Float8E5M2.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float8E5M2)x).ToBits());
            Assert.Equal(Float8E4M3Fnuz.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float8E4M3Fnuz)x).ToBits());
            Assert.Equal(Float8E5M2Fnuz.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float8E5M2Fnuz)x).ToBits());
            Assert.Equal(Float6E2M3.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float6E2M3)x).ToBits());
            Assert.Equal(Float6E3M2.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float6E3M2)x).ToBits());
            Assert.Equal(Float4E2M1.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float4E2M1)x).ToBits());
            Assert.Equal(Float8E8M0.Format.Encode(v, NumberTypeConvert.TypeRounding, 0u), (uint)((Float8E8M0)x).ToBits());
            var b = BFloat16.FromBits((ushort)(c * 257));
            Assert.Equal(Float8E4M3.Format.Encode(b.ToDouble(), NumberTypeConvert.TypeRounding, 0u), (uint)((Float8E4M3)b).ToBits());
        }
    }
}
