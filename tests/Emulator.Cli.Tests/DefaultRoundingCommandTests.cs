using Emulator.Formats;

namespace Emulator.Cli.Tests;

/// <summary>Without --rounding the commands round with the format's default (the spec's <c>rounding</c>: hifloat8's is
/// nearest-away, as its reference); <c>emu show</c> prints it.</summary>
public class DefaultRoundingCommandTests
{
    private static readonly ScalarFormat Hif8 = FormatRegistry.Default.GetScalar("hifloat8");

    /// <summary>Ties of HiF8 (1.0625 between 1 and 1.125, 40960 between max and Inf, ...) where nearest-away and
    /// nearest-even differ.</summary>
    private static readonly float[] Ties = [1.0625f, -1.0625f, 1.1875f, 3.25f, 40960f, -40960f, 0.3f, 100f];

    [Fact]
    public void QuantizeWithoutRoundingUsesTheFormatsDefault()
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", Ties);
        var (code, output, err) = h.Run("quantize", "--format", "hifloat8", "--in", input, "--out", h.PathOf("y.f32"));
        Assert.True(code == 0, err);
        Assert.Contains("to hifloat8 (nearest-away, overflow infinity)", output);
        float[] y = CliHarness.ReadRaw(h.PathOf("y.f32"));
        var away = new RoundingOptions(RoundingMode.NearestAway);
        Assert.Equal(Ties.Select(v => Hif8.Quantize(v, away)), y);
        Assert.Equal(float.PositiveInfinity, y[4]);

        (code, output, err) = h.Run("quantize", "--format", "hifloat8", "--rounding", "nearest-even", "--in", input, "--out", h.PathOf("z.f32"));
        Assert.True(code == 0, err);
        Assert.Contains("to hifloat8 (nearest-even, overflow infinity)", output);
        float[] z = CliHarness.ReadRaw(h.PathOf("z.f32"));
        Assert.Equal(Ties.Select(v => Hif8.Quantize(v, new RoundingOptions(RoundingMode.NearestEven))), z);
        Assert.NotEqual(y, z);

        (code, output, err) = h.Run("quantize", "--format", "e4m3", "--in", input, "--out", h.PathOf("w.f32"));
        Assert.True(code == 0, err);
        Assert.Contains("to e4m3 (nearest-even, overflow saturate)", output);
    }

    [Fact]
    public void ShowPrintsTheDefaultRounding()
    {
        using var h = new CliHarness();
        var (code, output, err) = h.Run("show", "hifloat8");
        Assert.True(code == 0, err);
        Assert.Matches(@"default rounding\s*│\s*nearest-away", output);
        (code, output, err) = h.Run("show", "posit16");
        Assert.True(code == 0, err);
        Assert.Matches(@"default rounding\s*│\s*nearest-even", output);
    }

    [Fact]
    public void StudyWithoutRoundingUsesEachFormatsDefault()
    {
        using var h = new CliHarness();
        string dir = h.PathOf("report");
        var (code, _, err) = h.Run("study", "--formats", "hifloat8,e4m3", "--distributions", "gaussian", "--size", "1024", "--out", dir);
        Assert.True(code == 0, err);
        string[] rows = File.ReadAllText(Path.Combine(dir, "study.csv")).TrimEnd().Split('\n').Skip(1).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Contains(rows, r => r.StartsWith("hifloat8,gaussian,nearest-away,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("e4m3@tensor,gaussian,nearest-even,", StringComparison.Ordinal));
        (code, _, err) = h.Run("study", "--formats", "hifloat8", "--distributions", "gaussian", "--size", "1024", "--rounding", "nearest-even,toward-zero", "--out", dir);
        Assert.True(code == 0, err);
        rows = File.ReadAllText(Path.Combine(dir, "study.csv")).TrimEnd().Split('\n').Skip(1).ToArray();
        Assert.Equal(["nearest-even", "toward-zero"], rows.Select(r => r.Split(',')[2]));
    }

    [Fact]
    public void VerifyWithoutRoundingChecksTheDefault()
    {
        using var h = new CliHarness();
        var (code, output, err) = h.Run("verify", "--format", "hifloat8", "--random", "20000");
        Assert.True(code == 0, err);
        Assert.Contains("hifloat8 nearest-away infinity: 20000 inputs, 0 mismatches", output);
    }
}
