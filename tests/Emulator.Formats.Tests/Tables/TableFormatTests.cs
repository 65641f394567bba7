namespace Emulator.Formats.Tests.Tables;

/// <summary>Table formats (FORMATS.md section 3): NF4/AF4 presets and section-1 rounding between neighbouring values.</summary>
public sealed class TableFormatTests
{
    private static readonly float[] PublishedNf4 =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    private static TableFormat Nf4 => (TableFormat)FormatRegistry.Default.Get("nf4");

    [Fact]
    public void Nf4HoldsThePublishedFloat32Values()
    {
        TableFormat f = Nf4;
        Assert.Equal("table", f.Kind);
        Assert.Equal(4, f.Bits);
        Assert.Equal(PublishedNf4.Select(v => (double)v), f.Values);
        Assert.Equal(1.0, f.MaxFinite);
        Assert.Equal(-1.0, f.MinFinite);
        Assert.True(f.HasZero);
        Assert.Equal(4.0, f.BitsPerValue);
        var af4 = (TableFormat)FormatRegistry.Default.Get("af4");
        Assert.Equal(16, af4.Values.Count);
        Assert.Equal(0.0, af4.Values[7]);
    }

    [Fact]
    public void EveryValueEncodesToItsOwnCodeInEveryMode()
    {
        TableFormat f = Nf4;
        foreach (RoundingMode mode in Enum.GetValues<RoundingMode>())
            for (uint c = 0; c < 16; c++)
                Assert.Equal(c, f.Encode(f.Values[(int)c], new RoundingOptions(mode) { Seed = 9 }, index: c));
    }

    [Fact]
    public void MidpointsFollowTheTieRule()
    {
        TableFormat f = Nf4;
        for (int i = 0; i + 1 < 16; i++)
        {
            double lo = f.Values[i], hi = f.Values[i + 1];
            double mid = (lo + hi) / 2; // exact: both are float32 values
            bool negative = mid < 0;
            int towardZero = negative ? i + 1 : i, away = negative ? i : i + 1;
            Assert.Equal((uint)(towardZero % 2 == 0 ? towardZero : away), f.Encode(mid, new RoundingOptions(RoundingMode.NearestEven)));
            Assert.Equal((uint)away, f.Encode(mid, new RoundingOptions(RoundingMode.NearestAway)));
            Assert.Equal((uint)towardZero, f.Encode(mid, new RoundingOptions(RoundingMode.NearestZero)));
            // one double ulp either side of the midpoint decides by distance, whatever the tie rule
            Assert.Equal((uint)i, f.Encode(Math.BitDecrement(mid), new RoundingOptions(RoundingMode.NearestAway)));
            Assert.Equal((uint)(i + 1), f.Encode(Math.BitIncrement(mid), new RoundingOptions(RoundingMode.NearestZero)));
        }
    }

    [Fact]
    public void DirectedModesPickTheRightNeighbour()
    {
        TableFormat f = Nf4;
        for (int i = 0; i + 1 < 16; i++)
        {
            double lo = f.Values[i], hi = f.Values[i + 1];
            double x = lo + (hi - lo) * 0.3;
            Assert.Equal((uint)(i + 1), f.Encode(x, new RoundingOptions(RoundingMode.TowardPositive)));
            Assert.Equal((uint)i, f.Encode(x, new RoundingOptions(RoundingMode.TowardNegative)));
            Assert.Equal((uint)(x < 0 ? i + 1 : i), f.Encode(x, new RoundingOptions(RoundingMode.TowardZero)));
            uint odd = f.Encode(x, new RoundingOptions(RoundingMode.ToOdd));
            Assert.Equal(1u, odd & 1);
            Assert.True(odd == i || odd == i + 1);
        }
    }

    [Fact]
    public void StochasticRoundingUpFrequencyIsTheFraction()
    {
        TableFormat f = Nf4;
        double lo = f.Values[9], hi = f.Values[10];
        double x = lo + (hi - lo) / 4;
        var options = new RoundingOptions(RoundingMode.Stochastic) { Seed = 1234 };
        int up = 0;
        const int trials = 20000;
        for (int t = 0; t < trials; t++)
        {
            uint c = f.Encode(x, options, index: t);
            Assert.True(c is 9 or 10);
            if (c == 10) up++;
        }
        // Binomial(20000, ~0.25): standard deviation ~0.003, the bound is 5 of them.
        Assert.InRange(up / (double)trials, 0.235, 0.265);
    }

    [Fact]
    public void OutOfRangeClampsAndNaNTakesTheValueNearestZero()
    {
        TableFormat f = Nf4;
        Assert.Equal(15u, f.Encode(3.0));
        Assert.Equal(15u, f.Encode(double.PositiveInfinity, new RoundingOptions(RoundingMode.TowardZero)));
        Assert.Equal(0u, f.Encode(-7.0, new RoundingOptions(RoundingMode.TowardPositive)));
        Assert.Equal(7u, f.Encode(double.NaN));
        Assert.True(double.IsNaN(f.Quantize(double.NaN)));
        Assert.Equal(7u, f.Encode(-0.0));
    }

    [Fact]
    public void EncodeIsMonotone()
    {
        TableFormat f = Nf4;
        var rng = new Random(2);
        double[] xs = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble() * 2.4 - 1.2).Order().ToArray();
        foreach (RoundingMode mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.TowardZero, RoundingMode.TowardPositive, RoundingMode.TowardNegative })
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
    public void ANonPowerOfTwoTableLeavesCodesUnused()
    {
        var f = (TableFormat)FormatSpecReader.Read("""{ "name": "t5", "kind": "table", "values": [-2, -0.5, 0.25, 1, 3] }""");
        Assert.Equal(3, f.Bits);
        Assert.False(f.IsCanonicalCode(5));
        Assert.True(double.IsNaN(f.Decode(7)));
        Assert.Equal(2u, f.Encode(double.NaN)); // 0.25 is nearest zero
        // -0.1 lies between -0.5 and 0.25 (no zero in the table): for x < 0 "toward zero" is upward, to 0.25
        Assert.Equal(2u, f.Encode(-0.1, new RoundingOptions(RoundingMode.TowardZero)));
        Assert.Equal(1u, f.Encode(-0.1, new RoundingOptions(RoundingMode.TowardNegative)));
        Assert.Equal(2u, f.Encode(-0.1, new RoundingOptions(RoundingMode.NearestEven))); // 0.4 of the way from 0.25 to -0.5
    }

    [Fact]
    public void BadTablesAreRejectedWithThePath()
    {
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""{ "name": "t", "kind": "table", "values": [0, 1, 3, 2] }""", "t.json"));
        Assert.Equal("$.values[3]", e.JsonPath);
        var dup = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("""{ "name": "t", "kind": "table", "valueType": "float32", "values": [0, 0.1, 0.10000000001] }""", "t.json"));
        Assert.Equal("$.values[2]", dup.JsonPath);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TableFormat(FormatInfo.Named("one"), [1.0]));
    }

    [Fact]
    public void ExactFractionAgreesAcrossItsTwoPaths()
    {
        // near and far exponent spreads take the 128-bit and the BigInteger paths; both must give the exact fraction
        var rng = new Random(6);
        for (int t = 0; t < 2000; t++)
        {
            double lo = Math.ScaleB(rng.NextDouble(), rng.Next(-60, 0)) * (rng.Next(2) == 0 ? -1 : 1);
            double hi = lo + Math.ScaleB(rng.NextDouble() + 0.01, rng.Next(-60, 0));
            double x = lo + (hi - lo) * rng.NextDouble();
            if (x < lo || x >= hi) continue;
            Remainder r = ExactFraction.Between(lo, x, hi);
            // reference: BigInteger arithmetic done here directly on the exact binary expansions
            System.Numerics.BigInteger L = Exact(lo), X = Exact(x), H = Exact(hi);
            System.Numerics.BigInteger num = X - L, den = H - L;
            Assert.Equal(num != 0, r.Inexact);
            if (num == 0) continue;
            Assert.Equal(((num * 2).CompareTo(den)), r.CompareHalf);
            Assert.Equal((uint)((num << 32) / den), r.Top32);
        }
        Assert.Equal(0, ExactFraction.Between(0.0, Math.ScaleB(1.0, -1074), Math.ScaleB(1.0, -1073)).CompareHalf);
        Assert.Equal(-1, ExactFraction.Between(0.0, Math.ScaleB(1.0, -1074), 1.0).CompareHalf);
    }

    /// <summary>v * 2^1100 as an exact integer.</summary>
    private static System.Numerics.BigInteger Exact(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(v));
        int e = (int)((bits >> 52) & 0x7FF);
        long m = bits & 0xF_FFFF_FFFF_FFFFL;
        if (e != 0) m |= 1L << 52; else e = 1;
        var b = new System.Numerics.BigInteger(m) << (e - 1075 + 1100);
        return v < 0 ? -b : b;
    }
}
