namespace Emulator.Formats.Tests.Tables;

/// <summary>HiFloat8 (FORMATS.md section 3): the 256-code table and encoding in every rounding mode.</summary>
public sealed class HiFloat8Tests
{
    private static HiFloat8Format Hif8 => (HiFloat8Format)FormatRegistry.Default.Get("hifloat8");

    [Fact]
    public void TheSpecialCodesAndLimitsMatchTheSpec()
    {
        HiFloat8Format f = Hif8;
        Assert.Equal("hifloat8", f.Kind);
        Assert.Equal(32768.0, f.Decode(0x6E));
        Assert.Equal(-32768.0, f.Decode(0xEE));
        Assert.Equal(Math.ScaleB(1.0, -22), f.Decode(0x01));
        Assert.Equal(Math.ScaleB(1.0, -16), f.Decode(0x07));
        Assert.Equal(Math.ScaleB(1.0, -15), f.Decode(0x7E));
        Assert.Equal(1.5 * Math.ScaleB(1.0, -15), f.Decode(0x7F));
        Assert.True(double.IsNaN(f.Decode(0x80)));
        Assert.Equal(double.PositiveInfinity, f.Decode(0x6F));
        Assert.Equal(double.NegativeInfinity, f.Decode(0xEF));
        Assert.Equal(0.0, f.Decode(0x00));
        Assert.Equal(1.0, f.Decode(0x08));
        Assert.Equal(1.875, f.Decode(0x0F));
        Assert.Equal(2.0, f.Decode(0x10)); // dot 001, E = +1
        Assert.Equal(0.5, f.Decode(0x18)); // dot 001, E = -1
        Assert.Equal(4.0, f.Decode(0x20)); // dot 01, E = +2
        Assert.Equal(16.0, f.Decode(0x40)); // dot 10, E = +4
        Assert.Equal(256.0, f.Decode(0x60)); // dot 11, E = +8
        Assert.Equal(32768.0, f.MaxFinite);
        Assert.Equal(Math.ScaleB(1.0, -22), f.MinSubnormal);
        Assert.Equal(OverflowPolicy.Infinity, f.DefaultOverflow);
        Assert.Equal(RoundingMode.NearestAway, f.DefaultRounding); // the preset's "rounding", as the reference rounds
    }

    /// <summary>Options that name no mode round half away from zero (the preset's default rounding), with the overflow
    /// policy as given; options that name nearest-even get nearest-even. Ties of every binade and the overflow tie 40960.</summary>
    [Fact]
    public void OptionsWithoutAModeRoundWithThePresetsNearestAway()
    {
        HiFloat8Format f = Hif8;
        var away = new RoundingOptions(RoundingMode.NearestAway);
        var even = new RoundingOptions(RoundingMode.NearestEven);
        int ties = 0, differ = 0;
        for (uint c = 0; c < 0x6E; c++)
        {
            double lo = f.Decode(c), hi = f.Decode(c + 1), mid = (lo + hi) / 2;
            foreach (double x in new[] { mid, -mid })
            {
                Assert.Equal(f.Encode(x, away), f.Encode(x));
                Assert.Equal(f.Encode(x, away), f.Encode(x, default(RoundingOptions), 0u));
                Assert.Equal(f.Encode(x, away with { Overflow = OverflowPolicy.Saturate }), f.Encode(x, new RoundingOptions { Overflow = OverflowPolicy.Saturate }));
                ties++;
                if (f.Encode(x, even) != f.Encode(x)) differ++;
            }
        }
        Assert.True(differ > ties / 4, $"only {differ} of {ties} ties differ between nearest-even and the default"); // the default is not nearest-even
        Assert.Equal(0x6Fu, f.Encode(40960.0)); // the reference's overflow tie goes to Inf
        Assert.Equal(0x6Eu, f.Encode(40960.0, new RoundingOptions { Overflow = OverflowPolicy.Saturate }));
        Assert.Equal(0x6Eu, f.Encode(40960.0, even));
        Assert.Equal(RoundingMode.NearestAway, f.WithDefaults(default).Mode);
        Assert.Equal(RoundingMode.TowardZero, f.WithDefaults(new RoundingOptions(RoundingMode.TowardZero)).Mode);
    }

    /// <summary>The value set built independently from the definition: binade E has 3, 2 or 1 mantissa bits for |E| up to
    /// 3, 7 or 15, plus denormals 2^(M-23) for M = 1..7, minus 1.5 * 2^15 (the Inf code).</summary>
    [Fact]
    public void TheDecodeTableIsTheTaperedValueSet()
    {
        var expected = new SortedSet<double>();
        for (int e = -15; e <= 15; e++)
        {
            int mb = Math.Abs(e) <= 3 ? 3 : Math.Abs(e) <= 7 ? 2 : 1;
            for (int j = 0; j < 1 << mb; j++) expected.Add(Math.ScaleB(1.0 + j / (double)(1 << mb), e));
        }
        expected.Remove(1.5 * 32768);
        for (int m = 1; m <= 7; m++) expected.Add(Math.ScaleB(1.0, m - 23));
        HiFloat8Format f = Hif8;
        var positive = new SortedSet<double>();
        for (uint c = 1; c < 0x80; c++)
        {
            double v = f.Decode(c);
            if (c == 0x6F) continue;
            Assert.True(positive.Add(v), $"code {c:x2} repeats value {v}");
            Assert.Equal(-v, f.Decode(c | 0x80));
        }
        Assert.Equal(expected, positive);
        Assert.Equal(126, positive.Count);
    }

    [Fact]
    public void EveryCodeRoundTripsInEveryMode()
    {
        HiFloat8Format f = Hif8;
        foreach (RoundingMode mode in Enum.GetValues<RoundingMode>())
            for (uint c = 0; c < 256; c++)
            {
                if (c == 0x80) continue;
                Assert.Equal(c, f.Encode(f.Decode(c), new RoundingOptions(mode, OverflowPolicy.Infinity) { Seed = 5 }, index: c));
            }
        Assert.Equal(0x80u, f.Encode(double.NaN));
    }

    [Fact]
    public void OverflowFollowsTheReference()
    {
        HiFloat8Format f = Hif8;
        var away = new RoundingOptions(RoundingMode.NearestAway);
        Assert.Equal(0x6Fu, f.Encode(40960.0, away));
        Assert.Equal(0xEFu, f.Encode(-40960.0, away));
        Assert.Equal(0x6Eu, f.Encode(Math.BitDecrement(40960.0), away));
        Assert.Equal(0x6Eu, f.Encode(40960.0, new RoundingOptions(RoundingMode.NearestEven))); // 0x6E is even
        Assert.Equal(0x6Fu, f.Encode(Math.BitIncrement(40960.0)));
        Assert.Equal(0x6Eu, f.Encode(1e9, new RoundingOptions(RoundingMode.TowardZero)));
        Assert.Equal(0x6Eu, f.Encode(1e9, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate)));
        Assert.Equal(0xEEu, f.Encode(double.NegativeInfinity, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate)));
        Assert.Equal(0x6Fu, f.Encode(double.PositiveInfinity));
    }

    [Fact]
    public void TiesAndDenormalsRoundPerSectionOne()
    {
        HiFloat8Format f = Hif8;
        var even = new RoundingOptions(RoundingMode.NearestEven);
        var away = new RoundingOptions(RoundingMode.NearestAway);
        Assert.Equal(0x08u, f.Encode(1.0625, even));
        Assert.Equal(0x09u, f.Encode(1.0625, away));
        Assert.Equal(0x02u, f.Encode(1.5 * Math.ScaleB(1.0, -22), even)); // between 0x01 and 0x02: 0x02 is even
        Assert.Equal(0x00u, f.Encode(Math.ScaleB(1.0, -23), even));
        Assert.Equal(0x01u, f.Encode(Math.ScaleB(1.0, -23), away));
        Assert.Equal(0x00u, f.Encode(-Math.ScaleB(1.0, -24), away)); // no -0: never the NaN code
        Assert.Equal(0x00u, f.Encode(-0.0));
        Assert.Equal(0x81u, f.Encode(-Math.ScaleB(1.0, -24), new RoundingOptions(RoundingMode.TowardNegative)));
        // crossing from the 3-bit binade E = 3 (step 1) to the 2-bit binade E = 4 (step 4): 15 -> 16 -> 20
        Assert.Equal(16.0, f.Quantize(15.5, away));
        Assert.Equal(16.0, f.Quantize(18.0, even)); // tie between 16 (0x40, even) and 20
        Assert.Equal(20.0, f.Quantize(18.0, away));
    }

    [Fact]
    public void EncodeIsMonotone()
    {
        HiFloat8Format f = Hif8;
        var rng = new Random(8);
        double[] xs = Enumerable.Range(0, 20000).Select(_ => (rng.Next(2) == 0 ? -1 : 1) * Math.ScaleB(rng.NextDouble() + 0.5, rng.Next(-26, 18))).Order().ToArray();
        foreach (RoundingMode mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero, RoundingMode.TowardZero, RoundingMode.TowardPositive, RoundingMode.TowardNegative, RoundingMode.ToOdd })
        {
            double previous = double.NegativeInfinity;
            foreach (double x in xs)
            {
                double v = f.Decode(f.Encode(x, new RoundingOptions(mode)));
                Assert.True(v >= previous, $"{mode}: {x} gives {v} after {previous}");
                previous = v;
            }
        }
    }

    [Fact]
    public void DirectedModesBracketTheInput()
    {
        HiFloat8Format f = Hif8;
        var rng = new Random(4);
        for (int t = 0; t < 5000; t++)
        {
            double x = (rng.Next(2) == 0 ? -1 : 1) * Math.ScaleB(rng.NextDouble() + 0.5, rng.Next(-24, 15));
            double down = f.Quantize(x, new RoundingOptions(RoundingMode.TowardNegative));
            double up = f.Quantize(x, new RoundingOptions(RoundingMode.TowardPositive));
            Assert.True(down <= x && x <= up, $"{x}: [{down}, {up}]");
            double nearest = f.Quantize(x, new RoundingOptions(RoundingMode.NearestEven));
            Assert.True(nearest == down || nearest == up);
            Assert.True(Math.Abs(nearest - x) <= Math.Min(x - down, up - x), $"{x}: nearest {nearest} is not the closer of [{down}, {up}]");
        }
    }
}
