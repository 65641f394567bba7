using Emulator.Formats;

namespace Emulator.Testing.Tests;

public class FormatLawsTests
{
    private static readonly FormatLawSettings Quick = new() { MaxTest = 150, StochasticSamples = 1000, StochasticInputs = 12 };

    public static TheoryData<string> Presets() =>
        new(FormatRegistry.Default.All.OfType<ScalarFormat>().Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Presets))]
    public void TheReferenceObeysEveryLawInEveryModeAndPolicy(string name)
    {
        var format = FormatRegistry.Default.GetScalar(name);
        foreach (RoundingMode mode in Enum.GetValues<RoundingMode>())
            foreach (OverflowPolicy policy in Enum.GetValues<OverflowPolicy>())
            {
                var options = new RoundingOptions(mode, policy) { StochasticBits = mode == RoundingMode.Stochastic ? 12 : 32, Seed = 7 };
                // every code once (nearest-even, infinity); a sample of codes in the other combinations
                var settings = mode == RoundingMode.NearestEven && policy == OverflowPolicy.Infinity ? Quick : Quick with { MaxCodes = 1024 };
                FormatLaws.Assert(format, FormatImplementation.Reference(format, options), options, settings);
            }
    }

    [Fact]
    public void AnEncoderThatRoundsTiesAwayIsCaughtAtATie()
    {
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        var rne = new RoundingOptions(RoundingMode.NearestEven);
        var away = new RoundingOptions(RoundingMode.NearestAway);
        var report = FormatLaws.Verify(e4m3, FormatImplementation.FromEncoder(x => e4m3.Encode(x, away)), rne);
        Assert.False(report.Passed);
        LawResult failed = report.Results.First(r => !r.Passed);
        Assert.Contains("encode matches the reference", failed.Law);
        Assert.Contains("x = ", failed.Counterexample);
    }

    [Fact]
    public void ATruncatingEncoderBreaksTheNearestBound()
    {
        var bf16 = FormatRegistry.Default.GetScalar("bfloat16");
        var rne = new RoundingOptions(RoundingMode.NearestEven);
        // Only Decode is the reference; the "hardware" encoder truncates.
        var truncating = new FormatImplementation { Encode = (x, _) => BitConverter.SingleToUInt32Bits(x) >> 16 };
        var report = FormatLaws.Verify(bf16, truncating, rne);
        Assert.Contains(report.Results, r => !r.Passed && r.Law == "error bound of the mode");
        Assert.Throws<FormatLawException>(() => FormatLaws.Assert(bf16, truncating, rne));
    }

    [Fact]
    public void AWrongDecoderIsCaughtWithTheCode()
    {
        var e2m1 = FormatRegistry.Default.GetScalar("e2m1");
        var broken = new FormatImplementation { Decode = c => c == 5 ? 2.5 : e2m1.Decode(c) };
        var report = FormatLaws.Verify(e2m1, broken, new RoundingOptions(RoundingMode.NearestEven));
        var decode = report.Results.Single(r => r.Law == "decode matches the reference");
        Assert.False(decode.Passed);
        Assert.Contains("code 0x5", decode.Counterexample);
    }

    [Fact]
    public void BiasedStochasticRoundingIsCaught()
    {
        var fp16 = FormatRegistry.Default.GetScalar("binary16");
        var sr = new RoundingOptions(RoundingMode.Stochastic) { Seed = 1 };
        // always rounds up with probability 1/2 regardless of the distance: stochastic-equal posing as proportional
        var equal = new RoundingOptions(RoundingMode.StochasticEqual) { Seed = 1 };
        var impl = new FormatImplementation { Encode = (x, i) => fp16.Encode(x, equal, i) };
        var report = FormatLaws.Verify(fp16, impl, sr, new FormatLawSettings { MaxTest = 50 });
        Assert.Contains(report.Results, r => !r.Passed && r.Law.StartsWith("stochastic rounding is unbiased", StringComparison.Ordinal));
    }

    [Fact]
    public void OverflowToInfinityUnderSaturateIsCaught()
    {
        var e5m2 = FormatRegistry.Default.GetScalar("e5m2");
        var sat = new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate);
        var inf = new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity);
        var report = FormatLaws.Verify(e5m2, FormatImplementation.FromEncoder(x => e5m2.Encode(x, inf)), sat);
        Assert.Contains(report.Results, r => !r.Passed && r.Law == "overflow policy");
    }
}
