namespace Emulator.Formats.Tests.Properties;

/// <summary>
/// NaN (both signs), ±Inf, ±0, float32 subnormals, ±float.MaxValue and float.Epsilon for every preset, every mode and both
/// overflow policies. Each expected answer is written from the rules of FORMATS.md section 1 case by case (and must also
/// agree with <see cref="ScalarReference"/>, the oracle of the property tests).
/// </summary>
public class EdgeInputTests
{
    private static readonly float[] Subnormals =
    [
        float.Epsilon, BitConverter.UInt32BitsToSingle(0x00000002), BitConverter.UInt32BitsToSingle(0x00012345),
        BitConverter.UInt32BitsToSingle(0x00400000), BitConverter.UInt32BitsToSingle(0x007fffff),
    ];

    private static bool HasNegativeZero(ScalarFormat f) =>
        f is FloatFormat { Signed: true } ff && ff.HasZero && ff.Specials is SpecialCodes.Ieee or SpecialCodes.Fn or SpecialCodes.None;

    /// <summary>The step between zero and the smallest positive value (for formats without zero: the smallest value).</summary>
    private static double SmallestStep(ScalarFormat f) => f.MinSubnormal;

    private static IEnumerable<RoundingOptions> AllOptions()
    {
        foreach (RoundingMode m in FormatGen.AllModes)
            foreach (OverflowPolicy p in FormatGen.Policies)
                yield return new RoundingOptions(m, p) { Seed = 77, Stream = 2 };
    }

    private static void Expect(ScalarFormat f, double x, in RoundingOptions o, double expected, string rule)
    {
        for (long i = 0; i < 8; i++)
        {
            double q = f.Quantize(x, o, i);
            Assert.True(ScalarReference.Same(q, expected),
                $"{f.Name} x={x:R} {o.Mode.Name()}/{o.Overflow?.Name()}: got {q:R}, rule '{rule}' says {expected:R}");
        }
        var reference = ScalarReference.Of(f).Expected(x, o.Mode, o.Overflow!.Value);
        bool agrees = o.IsStochastic
            ? ScalarReference.Same(reference.Down, expected) && (reference.PUp == 0 || ScalarReference.Same(reference.Up, expected))
            : ScalarReference.Same(reference.Value, expected);
        Assert.True(agrees,
            $"{f.Name} x={x:R} {o.Mode.Name()}: the reference oracle disagrees with rule '{rule}'");
    }

    private static void ExpectOneOf(ScalarFormat f, double x, in RoundingOptions o, double a, double b, string rule)
    {
        var seen = new HashSet<double>();
        for (long i = 0; i < 64; i++)
        {
            double q = f.Quantize(x, o, i);
            Assert.True(ScalarReference.Same(q, a) || ScalarReference.Same(q, b),
                $"{f.Name} x={x:R} {o.Mode.Name()}/{o.Overflow?.Name()}: got {q:R}, rule '{rule}' says {a:R} or {b:R}");
        }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void NaNGivesTheFormatsNaNOrPlusZerosCode(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        foreach (double nan in new[] { double.NaN, -double.NaN, BitConverter.UInt64BitsToDouble(0x7FF0_0000_0000_0001UL), (double)BitConverter.UInt32BitsToSingle(0xffc00000) })
            foreach (RoundingOptions o in AllOptions())
            {
                Assert.True(double.IsNaN(f.Quantize(nan, o)), $"{name}: Quantize(NaN) must stay NaN");
                uint code = f.Encode(nan, o);
                if (f.HasNaN) Assert.True(f.IsNaNCode(code), $"{name}: NaN encodes to {code:x}, not a NaN code");
                else
                {
                    // rule 1: a format without NaN encodes it as +0's code (fp6/fp4, integers)
                    Assert.Equal(0.0, f.Decode(code));
                    Assert.False(double.IsNegative(f.Decode(code)));
                }
            }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void InfinitiesFollowTheOverflowPolicy(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        foreach (RoundingOptions o in AllOptions())
        {
            bool saturate = o.Overflow == OverflowPolicy.Saturate;
            double plus = f is IntegerFormat ? f.MaxFinite                      // integers always clamp
                : saturate ? f.MaxFinite                                       // saturate: ±max finite, Inf inputs too
                : f.HasInfinity ? double.PositiveInfinity : f.HasNaN ? double.NaN : f.MaxFinite;
            Expect(f, double.PositiveInfinity, o, plus, "+Inf");
            double minus;
            if (!f.IsSigned) minus = !saturate && f.HasNaN ? double.NaN : f.HasZero ? 0.0 : f.MinFinite; // negative x, unsigned
            else minus = f is IntegerFormat ? f.MinFinite
                : saturate ? -f.MaxFinite
                : f.HasInfinity ? double.NegativeInfinity : f.HasNaN ? double.NaN : -f.MaxFinite;
            Expect(f, double.NegativeInfinity, o, minus, "-Inf");
        }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void ZerosKeepTheirSignWhereMinusZeroExists(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        foreach (RoundingOptions o in AllOptions())
        {
            // rule 1: zero in a format without zero (E8M0) rounds up to its smallest value; rule 4: -0 encodes as +0 where -0 does not exist
            Expect(f, 0.0, o, f.HasZero ? 0.0 : f.MinFinite, "+0");
            Expect(f, -0.0, o, !f.HasZero ? f.MinFinite : HasNegativeZero(f) ? -0.0 : 0.0, "-0");
        }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void Float32SubnormalsAndEpsilonRoundOnTheFormatsFloor(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        double s = SmallestStep(f);
        foreach (float tiny in Subnormals)
            foreach (double x in new[] { (double)tiny, -(double)tiny })
                foreach (RoundingOptions o in AllOptions())
                {
                    bool negative = x < 0;
                    if (negative && !f.IsSigned)
                    {
                        Expect(f, x, o, o.Overflow == OverflowPolicy.Infinity && f.HasNaN ? double.NaN : f.HasZero ? 0.0 : f.MinFinite, "negative, unsigned");
                        continue;
                    }
                    if (!f.HasZero)
                    {
                        if (Math.Abs(x) < f.MinFinite) Expect(f, x, o, f.MinFinite, "below the smallest value of a format without zero");
                        else ReferenceOnly(f, x, o);
                        continue;
                    }
                    if (Math.Abs(x) * 2 >= s) { ReferenceOnly(f, x, o); continue; } // bfloat16/tf32: these are not below half a step
                    // 0 < |x| < s/2: candidates are zero (code 0, even, except in a table: NF4's zero is code 7) and ±s.
                    bool zeroOdd = (f.Encode(0.0) & 1) != 0;
                    double zero = negative && HasNegativeZero(f) ? -0.0 : 0.0;
                    var (below, above) = ScalarReference.Of(f).Neighbours(x); // ±s, or a table's own nearest values around zero
                    double away = negative ? below : above;
                    double expected = o.Mode switch
                    {
                        RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.NearestZero or RoundingMode.TowardZero => zero,
                        RoundingMode.TowardPositive => negative ? zero : away,
                        RoundingMode.TowardNegative => negative ? away : zero,
                        RoundingMode.ToOdd => zeroOdd ? zero : away,
                        // nu = |x|/s < 2^-32 for every such format here, so floor(nu * 2^32) = 0 never rounds up
                        RoundingMode.Stochastic => Math.Abs(x) / s < Math.ScaleB(1, -32) ? zero : double.NaN,
                        _ => double.NaN,
                    };
                    if (o.Mode == RoundingMode.StochasticEqual) ExpectOneOf(f, x, o, zero, away, "50/50 between zero and the smallest value");
                    else if (double.IsNaN(expected)) ExpectOneOf(f, x, o, zero, away, "stochastic between zero and the smallest value");
                    else Expect(f, x, o, expected, $"|x| below half the smallest step, {o.Mode.Name()}");
                }
    }

    private static void ReferenceOnly(ScalarFormat f, double x, in RoundingOptions o)
    {
        var e = ScalarReference.Of(f).Expected(x, o.Mode, o.Overflow!.Value);
        if (o.IsStochastic) ExpectOneOf(f, x, o, e.Down, e.Up, "reference neighbours");
        else Expect(f, x, o, e.Value, "reference rounding");
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void FloatMaxValueOverflowsPerPolicyAndMode(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        foreach (double x in new[] { (double)float.MaxValue, -(double)float.MaxValue })
            foreach (RoundingOptions o in AllOptions())
            {
                bool negative = x < 0;
                bool saturate = o.Overflow == OverflowPolicy.Saturate;
                if (f is IntegerFormat or TableFormat) { Expect(f, x, o, negative ? f.MinFinite : f.MaxFinite, "integers and tables clamp"); continue; }
                if (negative && !f.IsSigned) { Expect(f, x, o, !saturate && f.HasNaN ? double.NaN : f.HasZero ? 0.0 : f.MinFinite, "negative, unsigned"); continue; }
                if (f is not FloatFormat ff) { ReferenceOnly(f, x, o); continue; } // HiFloat8: the reference's above-max rule
                double max = negative ? -f.MaxFinite : f.MaxFinite;
                double inf = negative ? double.NegativeInfinity : double.PositiveInfinity;
                bool keepsMax = o.Mode is RoundingMode.TowardZero or RoundingMode.ToOdd
                    || (o.Mode == RoundingMode.TowardNegative && !negative) || (o.Mode == RoundingMode.TowardPositive && negative);
                double overflow = saturate || keepsMax ? max : f.HasInfinity ? inf : f.HasNaN ? double.NaN : max;
                // The candidate above max finite (code max + 1) is max + one step of max's binade.
                double step = Math.ScaleB(1.0, ff.MaxExponent - ff.MantissaBits);
                double next = f.MaxFinite + step;
                if (Math.Abs(x) >= next) { Expect(f, x, o, overflow, "both candidates above max finite"); continue; }
                // bfloat16, tf32, e8m0: float.MaxValue lies between max finite and the next candidate
                double nu = (Math.Abs(x) - f.MaxFinite) / step;
                Assert.True(nu > 0.5 && nu < 1, $"{name}: nu = {nu}");
                bool maxOdd = (ff.MaxFiniteCode & 1) != 0;
                double expected = o.Mode switch
                {
                    RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.NearestZero => overflow, // nu > 1/2
                    RoundingMode.TowardZero => max,
                    RoundingMode.TowardPositive => negative ? max : overflow,
                    RoundingMode.TowardNegative => negative ? overflow : max,
                    RoundingMode.ToOdd => maxOdd ? max : overflow, // overflow keeps max for to-odd anyway
                    _ => double.NaN,
                };
                if (o.IsStochastic) ExpectOneOf(f, x, o, max, overflow, "stochastic between max finite and overflow");
                else Expect(f, x, o, expected, $"between max finite and the next candidate, {o.Mode.Name()}");
            }
    }
}
