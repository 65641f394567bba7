using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.Properties;

/// <summary>
/// FORMATS.md section 1 as properties of every preset scalar format, every rounding mode and both overflow policies.
/// The oracle is <see cref="ScalarReference"/> (sorted value list + the mode table), never the format's own arithmetic.
/// </summary>
public class ScalarRoundingProperties
{
    private static string Describe(ScalarFormat f, double x, in RoundingOptions o) =>
        $"{f.Name} x={x:R} (float bits {BitConverter.SingleToUInt32Bits((float)x):x8}) mode={o.Mode.Name()} overflow={o.Overflow?.Name()} N={o.StochasticBits}";

    /// <summary>Canonical finite codes: the lowest code of each (value, sign of zero); found without calling Encode.</summary>
    private static IEnumerable<uint> CanonicalFiniteCodes(ScalarFormat f)
    {
        var seen = new HashSet<(double, bool)>();
        for (ulong c = 0; c < f.CodeCount; c++)
        {
            double v = f.Decode((uint)c);
            if (double.IsFinite(v) && seen.Add((v, double.IsNegative(v)))) yield return (uint)c;
        }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void RepresentableValuesAreFixedPoints(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        int checkedCodes = 0;
        // exhaustive up to 16 bits; a fixed pseudo-random 1/64 sample of the canonical codes beyond (tf32)
        IEnumerable<uint> codes = f.Bits <= 16
            ? CanonicalFiniteCodes(f)
            : CanonicalFiniteCodes(f).Where(c => Philox4x32.Word(99, 0, c) % 64 == 0);
        foreach (uint c in codes)
        {
            double v = f.Decode(c);
            Assert.True(f.IsCanonicalCode(c), $"{name}: code {c:x} decodes to {v:R} but IsCanonicalCode says no");
            foreach (RoundingMode mode in FormatGen.AllModes)
                foreach (OverflowPolicy policy in FormatGen.Policies)
                {
                    var o = new RoundingOptions(mode, policy);
                    // an exact value ignores the random word: pass a varying one instead of drawing Philox words
                    uint got = f.Encode(v, o, c * 0x9E3779B9u);
                    if (got != c) Assert.Fail($"{Describe(f, v, o)}: code {c:x} (value {v:R}) re-encodes to {got:x}");
                }
            checkedCodes++;
        }
        Assert.True(checkedCodes >= (int)Math.Min(f.CodeCount / 2, 1000UL), $"{name}: only {checkedCodes} codes checked");
        if (f.Bits <= 16)
        {
            // every distinct finite value was covered (the grid has one zero; -0 is its own code where it exists)
            int distinct = ScalarReference.Of(f).Values.Length - (f.HasZero ? 0 : 1) + (ScalarReference.Of(f).HasNegativeZero ? 1 : 0);
            Assert.Equal(distinct, checkedCodes);
        }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void InfinityCodesAreFixedPointsUnderTheInfinityPolicy(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        foreach (double inf in new[] { double.PositiveInfinity, double.NegativeInfinity })
            foreach (RoundingMode mode in FormatGen.AllModes)
            {
                bool representable = f.HasInfinity && (f.IsSigned || inf > 0);
                double q = f.Quantize(inf, new RoundingOptions(mode, OverflowPolicy.Infinity));
                if (representable) Assert.Equal(inf, q);
                else Assert.False(double.IsInfinity(q), $"{name}: {inf} -> {q} but the format has no such infinity");
            }
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void QuantizeMatchesTheReferenceRules(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        var gen = from x in FormatGen.Inputs(r) from o in FormatGen.Options() from i in Gen.Choose(0, int.MaxValue) select (x, o, i);
        FormatGen.Check(gen, t =>
        {
            var (x, o, index) = t;
            double q = f.Quantize(x, o, index);
            var expected = r.Expected(x, o.Mode, o.Overflow!.Value, o.StochasticBits);
            if (o.IsStochastic)
            {
                Assert.True(expected.Allows(q), $"{Describe(f, x, o)}: got {q:R}, expected {expected.Down:R} or {expected.Up:R}");
                if (expected.PUp == 0) Assert.True(ScalarReference.Same(q, expected.Down), $"{Describe(f, x, o)}: p_up = 0 but got {q:R}");
            }
            else Assert.True(ScalarReference.Same(q, expected.Value), $"{Describe(f, x, o)}: got {q:R}, expected {expected.Value:R}");
            // Encode agrees with Quantize (the code decodes to the result; NaN in a NaN-less format is +0's code).
            uint code = f.Encode(x, o, index);
            double decoded = f.Decode(code);
            if (double.IsNaN(x) && !f.HasNaN) Assert.True(ScalarReference.Same(decoded, f.HasZero ? 0.0 : f.MinFinite), Describe(f, x, o));
            else Assert.True(ScalarReference.Same(decoded, q) || (double.IsNaN(decoded) && double.IsNaN(q)), $"{Describe(f, x, o)}: code {code:x}");
        }, 1500);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void NearestModesAreWithinHalfAStepAndDirectedModesBoundTheInput(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        var gen = from x in FormatGen.InRangeInputs(r) from o in FormatGen.Options(FormatGen.DeterministicModes) select (x, o);
        FormatGen.Check(gen, t =>
        {
            var (x, o) = t;
            double q = f.Quantize(x, o);
            var (lo, hi) = r.Neighbours(x);
            string where = $"{Describe(f, x, o)}: q={q:R} neighbours [{lo:R}, {hi:R}]";
            if (!f.HasZero && q == f.MinFinite && lo == 0) return; // zero is not a value: it rounds up to the smallest (rule 1)
            Assert.True(q == lo || q == hi, where);
            double err = Math.Abs(q - x), half = (hi - lo) / 2;
            switch (o.Mode)
            {
                case RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.NearestZero:
                    Assert.True(err <= half, where);
                    if (err == half && lo != hi)
                    {
                        double chosen = o.Mode switch
                        {
                            RoundingMode.NearestAway => Math.Abs(lo) > Math.Abs(hi) ? lo : hi,
                            RoundingMode.NearestZero => Math.Abs(lo) < Math.Abs(hi) ? lo : hi,
                            _ => r.CodeIsOdd(lo) ? hi : lo,
                        };
                        Assert.True(q == chosen, $"{where}: tie must go to {chosen:R}");
                    }
                    break;
                case RoundingMode.TowardPositive: Assert.True(q >= x, where); break;
                case RoundingMode.TowardNegative: Assert.True(q <= x, where); break;
                case RoundingMode.TowardZero: Assert.True(Math.Abs(q) <= Math.Abs(x), where); break;
                case RoundingMode.ToOdd: Assert.True(q == x || r.CodeIsOdd(q), where); break;
            }
        }, 600);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void DeterministicModesAreMonotone(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        Gen<double> x = FormatGen.Inputs(r).Where(v => !double.IsNaN(v));
        var gen = from a in x from b in Gen.Frequency((1, x), (2, Gen.Choose(-3, 3).Select(d => FormatGen.Ulps(a, d)))) from o in FormatGen.Options(FormatGen.DeterministicModes) select (a, b, o);
        FormatGen.Check(gen, t =>
        {
            var (a, b, o) = t;
            double lo = Math.Min(a, b), hi = Math.Max(a, b);
            double qlo = f.Quantize(lo, o), qhi = f.Quantize(hi, o);
            if (r.InRange(lo)) Assert.False(double.IsNaN(qlo), Describe(f, lo, o));
            if (r.InRange(hi)) Assert.False(double.IsNaN(qhi), Describe(f, hi, o));
            if (!double.IsNaN(qlo) && !double.IsNaN(qhi))
                Assert.True(qlo <= qhi, $"{Describe(f, lo, o)}: q({lo:R}) = {qlo:R} > q({hi:R}) = {qhi:R}");
        }, 800);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void QuantizeIsIdempotent(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        var gen = from x in FormatGen.Inputs(r) from o in FormatGen.Options() from i in Gen.Choose(0, 1 << 20) select (x, o, i);
        FormatGen.Check(gen, t =>
        {
            var (x, o, i) = t;
            double q = f.Quantize(x, o, i);
            double qq = f.Quantize(q, o, i + 1);
            Assert.True(ScalarReference.Same(q, qq) || (q == 0 && qq == 0 && !r.HasNegativeZero), $"{Describe(f, x, o)}: q={q:R}, q(q)={qq:R}");
        }, 600);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void SymmetricFormatsRoundSymmetrically(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        if (!r.Symmetric)
        {
            Assert.True(!f.IsSigned || f is IntegerFormat { NarrowRange: false } or TableFormat, $"{name}: a signed float format should be symmetric");
            return;
        }
        var gen = from x in FormatGen.Inputs(r).Where(v => !double.IsNaN(v)) from p in FormatGen.Policy() select (x, p);
        FormatGen.Check(gen, t =>
        {
            var (x, p) = t;
            static bool Eq(double a, double b) => a == b || (double.IsNaN(a) && double.IsNaN(b));
            foreach (RoundingMode m in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.NearestZero, RoundingMode.TowardZero, RoundingMode.ToOdd })
            {
                var o = new RoundingOptions(m, p);
                Assert.True(Eq(f.Quantize(-x, o), -f.Quantize(x, o)), $"{Describe(f, x, o)}: q(-x) != -q(x)");
            }
            var up = new RoundingOptions(RoundingMode.TowardPositive, p);
            var down = new RoundingOptions(RoundingMode.TowardNegative, p);
            Assert.True(Eq(f.Quantize(-x, up), -f.Quantize(x, down)), $"{Describe(f, x, up)}: up(-x) != -down(x)");
        }, 400);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void StochasticRoundingIsUnbiasedAndReturnsANeighbour(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        const int n = 2000;
        var gen = from x in FormatGen.InRangeInputs(r) from o in FormatGen.Options([RoundingMode.Stochastic, RoundingMode.StochasticEqual]) select (x, o);
        FormatGen.Check(gen, t =>
        {
            var (x, o) = t;
            var e = r.Expected(x, o.Mode, o.Overflow!.Value, o.StochasticBits);
            int ups = 0;
            for (long i = 0; i < n; i++)
            {
                double q = f.Quantize(x, o, i);
                if (ScalarReference.Same(q, e.Up) && !ScalarReference.Same(q, e.Down)) ups++;
                else if (!ScalarReference.Same(q, e.Down)) Assert.Fail($"{Describe(f, x, o)}: index {i} gave {q:R}, not {e.Down:R} or {e.Up:R}");
            }
            if (ScalarReference.Same(e.Down, e.Up)) return;
            FormatGen.AssertProportion(ups, n, e.PUp, Describe(f, x, o));
        }, 40);
    }

    [Theory]
    [MemberData(nameof(FormatGen.PresetScalars), MemberType = typeof(FormatGen))]
    public void StochasticRoundingIsReproducibleAndDependsOnTheSeed(string name)
    {
        ScalarFormat f = FormatGen.Preset(name);
        ScalarReference r = ScalarReference.Of(f);
        // a point 3/8 of the way between two neighbours (both modes round up with probability in [1/4, 3/4])
        int k = r.Values.Length / 2;
        double x = (float)(r.Values[k] + (r.Values[k + 1] - r.Values[k]) * 3 / 8);
        foreach (RoundingMode mode in new[] { RoundingMode.Stochastic, RoundingMode.StochasticEqual })
        {
            var a = new RoundingOptions(mode) { Seed = 1234, Stream = 7 };
            var b = a with { Seed = 1235 };
            var c = a with { Stream = 8 };
            var first = Enumerable.Range(0, 64).Select(i => f.Encode(x, a, i)).ToArray();
            var again = Enumerable.Range(0, 64).Select(i => f.Encode(x, a, i)).ToArray();
            var word = Enumerable.Range(0, 64).Select(i => f.Encode(x, a, Philox4x32.Word(1234, 7, i))).ToArray();
            Assert.Equal(first, again);
            Assert.Equal(first, word);
            Assert.NotEqual(first, Enumerable.Range(0, 64).Select(i => f.Encode(x, b, i)).ToArray());
            Assert.NotEqual(first, Enumerable.Range(0, 64).Select(i => f.Encode(x, c, i)).ToArray());
            // span form: element i uses index offset + i, so slices give the same codes as one call
            float[] xs = Enumerable.Repeat((float)x, 64).ToArray();
            uint[] whole = new uint[64], sliced = new uint[64];
            f.Encode(xs, whole, a, indexOffset: 100);
            f.Encode(xs.AsSpan(0, 29), sliced.AsSpan(0, 29), a, indexOffset: 100);
            f.Encode(xs.AsSpan(29), sliced.AsSpan(29), a, indexOffset: 129);
            Assert.Equal(whole, sliced);
            Assert.Equal(Enumerable.Range(100, 64).Select(i => f.Encode(x, a, i)).ToArray(), whole);
        }
    }
}
