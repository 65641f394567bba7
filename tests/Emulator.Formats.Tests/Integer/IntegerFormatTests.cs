using Emulator.Formats.Tests.Properties;
using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.Integer;

/// <summary>int&lt;b&gt; / uint&lt;b&gt; (b = 1..32, with and without narrow range) and fixed point Q&lt;i&gt;.&lt;f&gt; (FORMATS.md section 3).</summary>
public class IntegerFormatTests
{
    public static TheoryData<int, bool, bool> Widths()
    {
        var data = new TheoryData<int, bool, bool>();
        for (int b = 1; b <= 32; b++)
        {
            data.Add(b, false, false);
            data.Add(b, true, false);
            if (b >= 2) data.Add(b, true, true);
        }
        return data;
    }

    private static IntegerFormat Make(int bits, bool signed, bool narrow) =>
        new(FormatInfo.Named($"{(signed ? "int" : "uint")}{bits}{(narrow ? "n" : "")}"), bits, signed, narrow);

    [Theory]
    [MemberData(nameof(Widths))]
    public void RangeAndTwosComplementCodes(int bits, bool signed, bool narrow)
    {
        IntegerFormat f = Make(bits, signed, narrow);
        long max = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        long min = !signed ? 0 : narrow ? -max : -(1L << (bits - 1));
        Assert.Equal(max, f.MaxInt);
        Assert.Equal(min, f.MinInt);
        Assert.Equal((double)max, f.MaxFinite);
        Assert.Equal((double)min, f.MinFinite);
        Assert.False(f.HasNaN);
        Assert.False(f.HasInfinity);
        Assert.Equal(bits, f.Bits);
        IEnumerable<long> ks = bits <= 12
            ? Enumerable.Range(0, (int)(max - min + 1)).Select(i => min + i)
            : new[] { min, min + 1, -2L, -1, 0, 1, 2, max - 1, max, max / 3, min / 3 }.Where(k => k >= min && k <= max);
        foreach (long k in ks)
        {
            uint code = f.CodeOf(k);
            Assert.Equal((uint)((ulong)k & ((1UL << bits) - 1)), code); // two's complement in b bits
            Assert.Equal(k, f.IntegerOf(code));
            Assert.Equal((double)k, f.Decode(code));
            Assert.True(f.IsCanonicalCode(code));
            foreach (RoundingMode m in FormatGen.DeterministicModes)
                Assert.Equal(code, f.Encode(k, new RoundingOptions(m)));
        }
        if (narrow)
        {
            // -2^(b-1) is not a value of a narrow-range format: its code is never produced
            uint unused = 1u << (bits - 1);
            Assert.False(f.IsCanonicalCode(unused), $"code {unused:x} (-2^{bits - 1}) of a narrow-range format is not a value");
            Assert.Equal(f.CodeOf(min), f.Encode(-(double)(1L << (bits - 1))));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void RoundsOnTheIntegerGridAndClamps(int bits, bool signed, bool narrow)
    {
        IntegerFormat f = Make(bits, signed, narrow);
        // eighths around every integer of small formats, around the ends and zero of wide ones, and far outside
        IEnumerable<double> xs = bits <= 6
            ? Enumerable.Range(-8 * 70, 16 * 70 + 1).Select(i => i / 8.0)
            : new[] { f.MinInt, f.MaxInt, 0.0, -3, 3 }.SelectMany(c => Enumerable.Range(-40, 81).Select(i => c + i / 8.0));
        xs = xs.Concat([1e12, -1e12, 1e300, -1e300, double.MaxValue, -double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -1e-300]);
        foreach (double x in xs)
            foreach (RoundingMode m in FormatGen.DeterministicModes)
                foreach (OverflowPolicy p in FormatGen.Policies)
                {
                    double rounded = double.IsInfinity(x) ? x : ExactRounding.MathRound(x, m);
                    double expected = Math.Clamp(rounded, f.MinInt, f.MaxInt); // out of range always clamps, whatever the policy
                    double got = f.Quantize(x, new RoundingOptions(m, p));
                    Assert.True(got == expected, $"{f.Name} x={x:R} {m.Name()}/{p.Name()}: got {got:R}, expected {expected:R}");
                    Assert.False(double.IsNegative(got) && got == 0, $"{f.Name}: integers have no -0");
                }
        foreach (RoundingOptions o in FormatGen.AllModes.Select(m => new RoundingOptions(m)))
            Assert.Equal(f.CodeOf(0), f.Encode(double.NaN, o)); // no NaN: +0's code
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(8, true)]
    [InlineData(20, false)]
    [InlineData(32, true)]
    public void StochasticRoundingPicksFloorOrCeilingWithTheFractionAsProbability(int bits, bool signed)
    {
        IntegerFormat f = Make(bits, signed, false);
        var gen = from k in Gen.Choose(0, 7) from j in Gen.Choose(1, 255) from neg in Gen.Elements(signed, false) select (neg ? -1 : 1) * (k + j / 256.0);
        FormatGen.Check(gen, x =>
        {
            var o = new RoundingOptions(RoundingMode.Stochastic) { Seed = (ulong)BitConverter.DoubleToInt64Bits(x) };
            const int n = 2000;
            int ups = 0;
            for (int i = 0; i < n; i++)
            {
                double q = f.Quantize(x, o, i);
                Assert.True(q == Math.Floor(x) || q == Math.Ceiling(x), $"x={x}: {q}");
                if (Math.Abs(q) > Math.Abs(x)) ups++;
            }
            double p = Math.Abs(x) - Math.Floor(Math.Abs(x));
            FormatGen.AssertProportion(ups, n, p, $"{f.Name} x={x}");
        }, 30);
    }

    public static TheoryData<int, int, bool> QFormats() => new()
    {
        { 0, 7, true }, { 3, 4, true }, { 7, 0, true }, { 4, 4, false }, { 0, 8, false }, { 15, 16, true }, { 1, 30, true }, { 0, 32, false }, { 2, 1, true },
    };

    [Theory]
    [MemberData(nameof(QFormats))]
    public void FixedPointIsTheIntegerGridScaledBy2ToMinusF(int i, int fraction, bool signed)
    {
        string json = $$"""{"name": "q{{i}}.{{fraction}}", "kind": "fixed", "signed": {{(signed ? "true" : "false")}}, "integerBits": {{i}}, "fractionBits": {{fraction}}}""";
        var f = Assert.IsType<IntegerFormat>(FormatSpecReader.Read(json));
        int bits = i + fraction + (signed ? 1 : 0);
        Assert.Equal(fraction == 0 ? "integer" : "fixed", f.Kind);
        Assert.Equal(bits, f.Bits);
        Assert.Equal(fraction, f.FractionBits);
        double step = Math.ScaleB(1.0, -fraction);
        double max = (signed ? Math.ScaleB(1.0, bits - 1) - 1 : Math.ScaleB(1.0, bits) - 1) * step;
        double min = signed ? -Math.ScaleB(1.0, bits - 1) * step : 0;
        Assert.Equal(max, f.MaxFinite);
        Assert.Equal(min, f.MinFinite);
        Assert.Equal(step, f.MinSubnormal);
        var gen = from k in Gen.Choose(-(1 << 30), 1 << 30) from j in Gen.Choose(0, 15) from scale in Gen.Choose(-4, 4)
                  select Math.ScaleB(k + j / 16.0, (int)Math.Floor(Math.Log2(Math.Max(Math.Abs(max), 1))) - 30 + scale);
        FormatGen.Check(gen.SelectMany(x => FormatGen.Mode(FormatGen.DeterministicModes).Select(m => (x, m))), t =>
        {
            var (x, m) = t;
            double expected = Math.Clamp(ExactRounding.MathRound(Math.ScaleB(x, fraction), m) * step, min, max);
            double got = f.Quantize(x, new RoundingOptions(m));
            Assert.True(got == expected, $"{f.Name} x={x:R} {m.Name()}: got {got:R}, expected {expected:R}");
            uint code = f.Encode(x, new RoundingOptions(m));
            long k = (long)Math.Round(expected / step);
            Assert.Equal((uint)((ulong)k & ((1UL << bits) - 1)), code);
        }, 400);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameter()
    {
        var info = FormatInfo.Named("x");
        ParamAssert.Throws("bits", "0", () => new IntegerFormat(info, 0, true));
        ParamAssert.Throws("bits", "33", () => new IntegerFormat(info, 33, false));
        ParamAssert.Throws("narrowRange", null, () => new IntegerFormat(info, 8, false, narrowRange: true));
        ParamAssert.Throws("bits", "1", () => new IntegerFormat(info, 1, true, narrowRange: true));
        ParamAssert.Throws("fractionBits", "-1", () => new IntegerFormat(info, 8, true, fractionBits: -1));
        ParamAssert.Throws("fractionBits", "65", () => new IntegerFormat(info, 8, true, fractionBits: 65));
        var int8 = new IntegerFormat(info, 8, true);
        ParamAssert.Throws("k", "128", () => int8.CodeOf(128));
        ParamAssert.Throws("k", "-129", () => int8.CodeOf(-129));
        ParamAssert.Throws("code", "256", () => int8.IntegerOf(256));
        ParamAssert.Throws("code", "256", () => int8.Decode(256));
        ParamAssert.Throws("scale", "0", () => IntegerFormat.RoundQuotient(1, 0, default, 0));
        ParamAssert.Throws("scale", "-1", () => IntegerFormat.RoundQuotient(1, -1, default, 0));
        ParamAssert.Throws("scale", null, () => IntegerFormat.RoundQuotient(1, double.NaN, default, 0));
        ParamAssert.Throws("scale", null, () => IntegerFormat.RoundQuotient(1, double.PositiveInfinity, default, 0));
    }
}

/// <summary>Checks the house rule for bad input: ArgumentException naming the parameter (and the value).</summary>
public static class ParamAssert
{
    /// <summary>Asserts an ArgumentException whose ParamName is <paramref name="param"/> and whose message shows the value.</summary>
    public static void Throws(string param, string? value, Action act)
    {
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Equal(param, e.ParamName);
        if (value is not null) Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }
}
