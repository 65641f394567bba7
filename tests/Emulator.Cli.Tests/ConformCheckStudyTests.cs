using Emulator.Formats;

namespace Emulator.Cli.Tests;

public class ConformCheckStudyTests
{
    [Fact]
    public void ConformCountsMatchesAndGroupsMismatchesByKind()
    {
        using var h = new CliHarness();
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        var away = new RoundingOptions(RoundingMode.NearestAway);
        float[] inputs = [1.0625f, 0.3f, 1000f, float.NaN, 0.0009765625f, 2.5f, 17f, 464f];
        // the "implementation" rounds ties away: it disagrees with nearest-even exactly at ties
        var lines = inputs.Select(x => $"{BitConverter.SingleToUInt32Bits(x):x8} {e4m3.Encode(x, away):x2}");
        File.WriteAllLines(h.PathOf("cases.txt"), ["# xbits code", .. lines]);
        var (code, output, err) = h.Run("conform", "--format", "e4m3", "--cases", h.PathOf("cases.txt"));
        Assert.Equal(1, code);
        Assert.Contains("5 of 8 cases match", output);
        Assert.Contains("tie: 2 mismatches", output);             // 1.0625 and 17 are ties, away != even
        Assert.Contains("underflow/subnormal: 1 mismatches", output); // 2^-10 is the tie between 0 and 2^-9
        (code, output, _) = h.Run("conform", "--format", "e4m3", "--rounding", "nearest-away", "--cases", h.PathOf("cases.txt"));
        Assert.Equal(0, code);
        Assert.Contains("8 of 8 cases match", output);

        File.WriteAllText(h.PathOf("bad.txt"), "3f800000 zz\n");
        (code, _, err) = h.Run("conform", "--format", "e4m3", "--cases", h.PathOf("bad.txt"));
        Assert.Equal(2, code);
        Assert.Contains("line 1", err);
    }

    [Fact]
    public void ConformReadsTheGoldenLayout()
    {
        using var h = new CliHarness();
        string golden = Path.Combine(RepoRoot(), "..", "shared", "golden", "float", "ml_dtypes", "float8_e5m2.nearest-even.saturate.txt");
        var lines = File.ReadLines(golden).Where(l => !l.StartsWith('#'))
            .Where(l => !l.StartsWith("7f8", StringComparison.Ordinal) && !l.StartsWith("ff8", StringComparison.Ordinal)); // ±Inf: documented deviation
        File.WriteAllLines(h.PathOf("e5m2.txt"), lines);
        var (code, output, err) = h.Run("conform", "--format", "e5m2", "--overflow", "saturate", "--cases", h.PathOf("e5m2.txt"));
        Assert.True(code == 0, output + err);
    }

    [Fact]
    public void CheckPassesForAValidUserSpec()
    {
        using var h = new CliHarness();
        File.WriteAllText(h.PathOf("f.json"), """{ "name": "e3m1", "kind": "float", "exponentBits": 3, "mantissaBits": 1, "specials": "fn", "subnormals": false }""");
        var (code, output, err) = h.Run("check", h.PathOf("f.json"), "--cases", "60");
        Assert.True(code == 0, output + err);
        Assert.Contains("all laws pass", output);
        (code, _, err) = h.Run("check", h.PathOf("missing.json"));
        Assert.Equal(2, code);
    }

    [Fact]
    public void StudyWritesTheReportFiles()
    {
        using var h = new CliHarness();
        string dir = h.PathOf("report");
        var (code, output, err) = h.Run("study", "--formats", "e4m3,e2m1,int4@group-32,bfloat16", "--distributions", "gaussian,student-t3", "--size", "4096", "--out", dir);
        Assert.True(code == 0, err);
        Assert.Contains("report:", output);
        string csv = File.ReadAllText(Path.Combine(dir, "study.csv"));
        Assert.Equal(1 + 4 * 2, csv.TrimEnd().Split('\n').Length);
        Assert.Contains("int4@group-32,gaussian", csv);
        Assert.True(new FileInfo(Path.Combine(dir, "study.png")).Length > 1000);
        Assert.Contains("| format |", File.ReadAllText(Path.Combine(dir, "study.md")));
        // more bits give a better SQNR on Gaussian data
        var sqnr = csv.Split('\n').Skip(1).Where(l => l.Contains(",gaussian,")).ToDictionary(l => l.Split(',')[0], l => double.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(sqnr["bfloat16"] > sqnr["e4m3@tensor"] && sqnr["e4m3@tensor"] > sqnr["e2m1@tensor"]);
        (code, _, err) = h.Run("study", "--formats", "e4m3", "--distributions", "cauchy", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("'cauchy' is unknown", err);
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Emulator.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("repository root");
    }
}
