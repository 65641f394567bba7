using System.Text.Json;

namespace Emulator.Cli.Tests;

public class VerifyBenchTests
{
    [Fact]
    public void VerifyReportsZeroMismatchesOnARandomSample()
    {
        using var h = new CliHarness();
        var (code, output, err) = h.Run("verify", "--format", "e5m2", "--rounding", "toward-negative", "--overflow", "infinity", "--random", "20000");
        Assert.True(code == 0, output + err);
        Assert.Contains("20000 inputs, 0 mismatches", output);
        (code, _, err) = h.Run("verify", "--format", "e5m2");
        Assert.Equal(2, code);
        Assert.Contains("--exhaustive or --random", err);
    }

    [Fact]
    public void BenchQuantizeWritesTheJsonFields()
    {
        using var h = new CliHarness();
        string json = h.PathOf("q.json");
        var (code, _, err) = h.Run("bench", "quantize", "--formats", "e4m3", "--rounding", "nearest-even", "--sizes", "4096", "--json", json);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("format").GetString() == "e4m3" && r.GetProperty("gelemPerSec").GetDouble() > 0);
        foreach (string field in new[] { "kernel", "format", "rounding", "elements", "threads", "gelemPerSec", "copyGelemPerSec", "ratioToCopy" })
            Assert.True(rows[0].TryGetProperty(field, out _), field);
    }
}
