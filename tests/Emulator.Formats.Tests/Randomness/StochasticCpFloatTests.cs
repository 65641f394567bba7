using Emulator.Formats.Tests.Properties;

namespace Emulator.Formats.Tests.Randomness;

/// <summary>
/// Our stochastic rounding to binary16 against CPFloat's measured statistics (golden/float/cpfloat, "Stochastic statistics"):
/// CPFloat's p_up comes from 100000 trials with its own RNG, ours from <see cref="Trials"/> element indices of one Philox
/// key, so agreement is statistical: within 5 standard errors of the difference of two independent proportions.
/// </summary>
public class StochasticCpFloatTests
{
    private const int Trials = 20000, CpFloatTrials = 100000;
    private const double Binary16Max = 65504, Binary16Next = 65536; // 65536: the candidate above max finite (code 0x7C00)

    private static readonly ScalarFormat Binary16 = FormatGen.Preset("binary16");

    private static IEnumerable<(double X, double CpFloatPUp, int Count)> Lines(string file)
    {
        string path = GoldenFiles.PathOf("float", "cpfloat", file);
        var records = GoldenFiles.Records(path).ToList();
        Assert.Equal(64, records.Count);
        foreach (string[] r in records)
        {
            int count = int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture);
            double p = double.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(count / (double)CpFloatTrials, p, 1e-9);
            yield return (BitConverter.UInt32BitsToSingle(GoldenFiles.Hex(r[0])), p, count);
        }
    }

    /// <summary>Our observed fraction of indices whose result is larger in magnitude than |x|, and a check that every result
    /// is one of the two neighbours.</summary>
    private static double OurPUp(double x, RoundingMode mode, ulong seed)
    {
        var options = new RoundingOptions(mode, OverflowPolicy.Infinity) { Seed = seed, Stream = 1 };
        var expected = ScalarReference.Of(Binary16).Expected(x, mode, OverflowPolicy.Infinity);
        int up = 0;
        for (long i = 0; i < Trials; i++)
        {
            double q = Binary16.Quantize(x, options, i);
            Assert.True(expected.Allows(q), $"x={x:R}: index {i} gave {q:R}, not {expected.Down:R} or {expected.Up:R}");
            if (Math.Abs(q) > Math.Abs(x)) up++;
        }
        return up / (double)Trials;
    }

    private static double Se(double p, int n) => Math.Sqrt(p * (1 - p) / n);

    [Fact]
    public void ProportionalMatchesTheExactProbabilityAndCpFloatUpToXmax()
    {
        int compared = 0, deviating = 0;
        foreach (var (x, cp, _) in Lines("binary16.stochastic-stats.txt"))
        {
            double a = Math.Abs(x);
            double ours = OurPUp(x, RoundingMode.Stochastic, 0x5eed);
            if (a <= Binary16Max)
            {
                var (lo, hi) = ScalarReference.Of(Binary16).Neighbours(a);
                double p = (a - lo) / (hi - lo); // exact: 13 discarded bits, fewer than our 32 random bits
                Assert.InRange(p, double.Epsilon, 1 - 1e-12);
                Assert.True(Math.Abs(ours - p) <= 5 * Se(p, Trials) + 1e-12, $"x={x:R}: our p_up {ours} vs exact {p}");
                Assert.True(Math.Abs(cp - p) <= 5 * Se(p, CpFloatTrials) + 1e-12, $"x={x:R}: CPFloat p_up {cp} vs exact {p}");
                Assert.True(Math.Abs(ours - cp) <= 5 * Math.Sqrt(p * (1 - p) * (1.0 / Trials + 1.0 / CpFloatTrials)) + 1e-12,
                    $"x={x:R}: our p_up {ours} vs CPFloat {cp}");
                compared++;
                continue;
            }
            // Above xmax CPFloat rounds inside [xmax, xbnd = 65520] and overflows on reaching xbnd (README). Our contract
            // (FORMATS.md section 1) rounds with an unbounded exponent: the candidates are 65504 and 65536 (which overflows
            // to Inf under 'infinity'), so p_up = (|x| - 65504) / 32 below 65536, and 1 from 65536 on (both candidates overflow).
            double contract = a < Binary16Next ? (a - Binary16Max) / 32 : 1.0;
            Assert.True(Math.Abs(ours - contract) <= 5 * Se(contract, Trials) + 1e-12, $"x={x:R}: our p_up {ours} vs contract {contract}");
            // and CPFloat's answer is the documented deviation, not noise
            double cpfloatRule = a < 65520 ? (a - Binary16Max) / 16 : 1.0;
            Assert.True(Math.Abs(cp - cpfloatRule) <= 5 * Se(cpfloatRule, CpFloatTrials) + 1e-12, $"x={x:R}: CPFloat {cp} vs its documented {cpfloatRule}");
            deviating++;
        }
        Assert.True(compared >= 50, $"only {compared} inputs compared");
        Assert.True(deviating >= 1);
    }

    [Fact]
    public void EqualProbabilityIsOneHalfUpToTheCandidateAboveXmax()
    {
        int compared = 0, deviating = 0;
        foreach (var (x, cp, _) in Lines("binary16.stochastic-equal-stats.txt"))
        {
            double a = Math.Abs(x);
            double ours = OurPUp(x, RoundingMode.StochasticEqual, 0xe9);
            if (a < Binary16Next)
            {
                // |x| <= xmax: neighbours of x; 65504 < |x| < 65536: 65504 or Inf. Both give 1/2 (so does CPFloat).
                Assert.True(Math.Abs(ours - 0.5) <= 5 * Se(0.5, Trials), $"x={x:R}: our p_up {ours}");
                Assert.True(Math.Abs(cp - 0.5) <= 5 * Se(0.5, CpFloatTrials), $"x={x:R}: CPFloat p_up {cp}");
                Assert.True(Math.Abs(ours - cp) <= 5 * Math.Sqrt(0.25 * (1.0 / Trials + 1.0 / CpFloatTrials)), $"x={x:R}: ours {ours} vs CPFloat {cp}");
                compared++;
                continue;
            }
            // |x| >= 65536: with an unbounded exponent both candidates exceed max finite, so every trial overflows to Inf
            // (p_up = 1). CPFloat picks 65504 or Inf half of the time each (its README: x = 1e6 becomes inf half of the time).
            Assert.Equal(1.0, ours);
            Assert.True(Math.Abs(cp - 0.5) <= 5 * Se(0.5, CpFloatTrials), $"x={x:R}: CPFloat p_up {cp}");
            deviating++;
        }
        Assert.True(compared >= 50, $"only {compared} inputs compared");
        Assert.True(deviating >= 1, "the file has inputs at or above 65536");
    }
}
