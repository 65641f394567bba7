using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class VerifierTests
{
    [Theory]
    [InlineData("e4m3", RoundingMode.NearestEven, 0x3F00_0000u)]
    [InlineData("e2m1", RoundingMode.Stochastic, 0xBF7F_0000u)]
    [InlineData("bfloat16", RoundingMode.ToOdd, 0x0000_0000u)]
    public void A_range_of_patterns_has_no_mismatch(string name, RoundingMode mode, uint start)
    {
        var r = KernelVerifier.Compare(FormatRegistry.Default.GetScalar(name), new RoundingOptions(mode) { Seed = 5 }, start, 200_000);
        Assert.Equal(200_000UL, r.Checked);
        Assert.Equal(0, r.Mismatches);
        Assert.Empty(r.FirstMismatches);
    }

    [Fact]
    public void The_range_must_stay_within_float32_patterns()
    {
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelVerifier.Compare(e4m3, default, 0xFFFF_FFF0, 100));
        Assert.Equal("count", e.ParamName);
    }
}
