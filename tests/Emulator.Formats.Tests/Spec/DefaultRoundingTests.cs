namespace Emulator.Formats.Tests.Spec;

/// <summary>
/// The spec's <c>rounding</c> field (formats-spec/README.md, "Default rounding"): read for every scalar kind, nearest-even
/// when absent, deterministic modes only, refused by kinds without element rounding; options that name no mode round with
/// it (<see cref="ScalarFormat.WithDefaults"/>), options that name a mode keep theirs.
/// </summary>
public sealed class DefaultRoundingTests
{
    public static TheoryData<string> ScalarKinds() => new(
        """ "kind": "float", "exponentBits": 3, "mantissaBits": 2, "specials": "none" """,
        """ "kind": "integer", "bits": 4 """,
        """ "kind": "fixed", "integerBits": 2, "fractionBits": 2 """,
        """ "kind": "table", "values": [-1, -0.25, 0, 0.5, 1.5, 4] """,
        """ "kind": "hifloat8" """,
        """ "kind": "posit", "bits": 8 """);

    private static ScalarFormat Read(string kindFields, string? rounding) =>
        (ScalarFormat)FormatSpecReader.Read($$"""{ "name": "x", {{kindFields}}{{(rounding is null ? "" : $", \"rounding\": \"{rounding}\"")}} }""");

    [Theory]
    [MemberData(nameof(ScalarKinds))]
    public void EveryScalarKindReadsTheFieldAndDefaultsToNearestEven(string kind)
    {
        Assert.Equal(RoundingMode.NearestEven, Read(kind, null).DefaultRounding);
        foreach (string name in RoundingNames.DeterministicModeNames)
        {
            ScalarFormat f = Read(kind, name);
            Assert.Equal(RoundingNames.ParseMode(name), f.DefaultRounding);
            Assert.Contains(new KeyValuePair<string, string>("default rounding", name), f.Parameters);
        }
    }

    /// <summary>For every scalar kind and every deterministic default: Encode with options naming no mode equals Encode
    /// with the default named, on values, midpoints and their neighbours; a named mode overrides the default.</summary>
    [Theory]
    [MemberData(nameof(ScalarKinds))]
    public void OptionsWithoutAModeUseTheFormatsDefault(string kind)
    {
        foreach (string name in RoundingNames.DeterministicModeNames)
        {
            ScalarFormat f = Read(kind, name);
            var named = new RoundingOptions(f.DefaultRounding);
            var other = new RoundingOptions(f.DefaultRounding == RoundingMode.TowardZero ? RoundingMode.TowardPositive : RoundingMode.TowardZero);
            int differ = 0;
            foreach (double x in Probes(f))
            {
                Assert.Equal(f.Encode(x, named), f.Encode(x));
                Assert.Equal(f.Encode(x, named), f.Encode(x, new RoundingOptions { Seed = 3 }, 0u));
                Assert.Equal(f.Encode(x, named with { Overflow = OverflowPolicy.Saturate }),
                    f.Encode(x, new RoundingOptions { Overflow = OverflowPolicy.Saturate }));
                Assert.Equal(f.Quantize(x, named), f.Quantize(x), 0.0);
                if (f.Encode(x, other) != f.Encode(x)) differ++;
            }
            Assert.True(differ > 0, $"{kind} '{name}': a named mode never differed from the default");
        }
    }

    /// <summary>Values of the format, midpoints of neighbours and points a quarter and three quarters in, both signs.</summary>
    private static IEnumerable<double> Probes(ScalarFormat f)
    {
        var values = Enumerable.Range(0, (int)Math.Min(f.CodeCount, 256)).Select(c => f.Decode((uint)c))
            .Where(double.IsFinite).Distinct().Order().ToArray();
        for (int i = 0; i + 1 < values.Length; i++)
        {
            double lo = values[i], hi = values[i + 1];
            foreach (double t in new[] { 0.25, 0.5, 0.75 })
            {
                double x = lo + (hi - lo) * t;
                yield return x;
                yield return -x;
            }
        }
    }

    [Fact]
    public void ExplicitModesAndWithDefaults()
    {
        ScalarFormat f = Read(""" "kind": "float", "exponentBits": 3, "mantissaBits": 2, "specials": "none" """, "toward-zero");
        Assert.Equal(RoundingMode.TowardZero, f.WithDefaults(default).Mode);
        Assert.Equal(RoundingMode.NearestEven, f.WithDefaults(new RoundingOptions(RoundingMode.NearestEven)).Mode);
        Assert.Null(default(RoundingOptions).NamedMode);
        Assert.Equal(RoundingMode.NearestEven, default(RoundingOptions).Mode); // unnamed reads as nearest-even until completed
        Assert.Equal(RoundingMode.TowardZero, f.WithDefaults(default).NamedMode);
        var stochastic = new RoundingOptions(RoundingMode.Stochastic) { Seed = 9 };
        Assert.Equal(stochastic, f.WithDefaults(stochastic));
        Assert.Equal(RoundingMode.NearestAway, default(RoundingOptions).ModeOr(RoundingMode.NearestAway));
        Assert.Equal(RoundingMode.ToOdd, new RoundingOptions(RoundingMode.ToOdd).ModeOr(RoundingMode.NearestAway));
        Assert.Equal(1.75, f.Quantize(1.99)); // toward zero (steps of 0.25 in [1, 2)), not 2
        Assert.Equal(2.0, f.Quantize(1.99, new RoundingOptions(RoundingMode.NearestEven)));
    }

    [Fact]
    public void PresetsDefaultToNearestEvenExceptHiFloat8()
    {
        foreach (NumberFormat f in FormatRegistry.Default.All)
            if (f is ScalarFormat s)
                Assert.Equal(s.Name == "hifloat8" ? RoundingMode.NearestAway : RoundingMode.NearestEven, s.DefaultRounding);
            else if (f is BlockFormat b)
                Assert.Equal(RoundingMode.NearestEven, b.Element.DefaultRounding);
    }

    [Theory]
    [InlineData("stochastic")]
    [InlineData("stochastic-equal")]
    [InlineData("rne")]
    [InlineData("nearest")]
    public void StochasticAndAliasNamesAreRefused(string name)
    {
        var e = Assert.Throws<FormatSpecException>(() => Read(""" "kind": "integer", "bits": 4 """, name));
        Assert.Equal("$.rounding", e.JsonPath);
        Assert.Contains($"'{name}' is not one of: nearest-even, nearest-away", e.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "b", "kind": "block", "element": "e2m1", "block": [32], "scale": "e8m0", "scaleRule": "floor", "rounding": "toward-zero" }""")]
    [InlineData("""{ "name": "l", "kind": "lattice", "lattice": "e8", "maxCoordinate": 1, "rounding": "toward-zero" }""")]
    public void KindsWithoutElementRoundingRefuseTheField(string json)
    {
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read(json));
        Assert.Equal("$.rounding", e.JsonPath);
    }

    /// <summary>A block format's elements round with the element format's default (an inline element spec may set it).</summary>
    [Fact]
    public void BlockElementsUseTheElementFormatsDefault()
    {
        var block = (BlockFormat)FormatSpecReader.Read("""
            { "name": "b", "kind": "block", "block": [8], "scale": "e8m0", "scaleRule": "floor",
              "element": { "name": "e2m1-rz", "kind": "float", "exponentBits": 2, "mantissaBits": 1, "specials": "none", "rounding": "toward-zero" } }
            """);
        Assert.Equal(RoundingMode.TowardZero, block.Element.DefaultRounding);
        float[] x = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i * 0.7) * 5).ToArray();
        float[] unnamed = new float[64], named = new float[64], even = new float[64];
        block.Quantize(x, [64], unnamed, default, 0);
        block.Quantize(x, [64], named, new RoundingOptions(RoundingMode.TowardZero), 0);
        block.Quantize(x, [64], even, new RoundingOptions(RoundingMode.NearestEven), 0);
        Assert.Equal(named, unnamed);
        Assert.NotEqual(even, unnamed);
    }

    [Fact]
    public void DefaultRoundingMustBeDeterministic()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new IntegerFormat(FormatInfo.Named("i"), 4, true) { DefaultRounding = RoundingMode.Stochastic });
        Assert.Equal("DefaultRounding", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntegerFormat(FormatInfo.Named("i"), 4, true) { DefaultRounding = (RoundingMode)99 });
    }
}
