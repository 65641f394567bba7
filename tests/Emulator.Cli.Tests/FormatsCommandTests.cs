using System.Text.Json;

namespace Emulator.Cli.Tests;

public class FormatsCommandTests
{
    private static readonly string[] RequiredPresets =
    [
        "binary16", "bfloat16", "tf32", "e5m2", "e4m3", "e4m3-ieee", "e4m3fnuz", "e5m2fnuz", "e4m3b11fnuz", "e3m4", "e3m2", "e2m3",
        "e2m1", "e8m0", "ue4m3", "int2", "int4", "int8", "int16", "uint4", "uint8", "binary8p8ue", "binary8p8uf",
    ];

    [Fact]
    public void JsonListsEveryPresetWithTheRequiredFields()
    {
        using var h = new CliHarness();
        var (code, output, err) = h.Run("formats", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var byName = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var expected = RequiredPresets.Concat(
            from p in Enumerable.Range(1, 7) from s in new[] { "s", "u" } from d in new[] { "e", "f" } select $"binary8p{p}{s}{d}");
        foreach (string name in expected) Assert.True(byName.ContainsKey(name), $"preset {name} missing");
        foreach (var e in byName.Values)
            foreach (string field in new[] { "name", "aliases", "kind", "bits", "maxFinite", "minNormal", "minSubnormal" })
                Assert.True(e.TryGetProperty(field, out _), $"{e.GetProperty("name")} lacks {field}");
        Assert.Equal(448, byName["e4m3"].GetProperty("maxFinite").GetDouble());
        Assert.Contains("fp8-e4m3", byName["e4m3"].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(57344, byName["e5m2"].GetProperty("maxFinite").GetDouble());
        Assert.Equal(Math.ScaleB(1, -9), byName["e4m3"].GetProperty("minSubnormal").GetDouble());
    }

    [Fact]
    public void TableAndShowPrintTheValues()
    {
        using var h = new CliHarness();
        var (code, output, _) = h.Run("formats");
        Assert.Equal(0, code);
        Assert.Contains("e4m3b11fnuz", output);
        (code, output, _) = h.Run("show", "fp8-e4m3");
        Assert.Equal(0, code);
        Assert.Contains("448", output);
        Assert.Contains("NaN", output);
        Assert.Contains("-0.00195312", output); // code 0x81
        (code, _, string err) = h.Run("show", "e4m4");
        Assert.Equal(2, code);
        Assert.Contains("did you mean", err);
    }

    [Fact]
    public void HelpListsCommandsWithExamples()
    {
        using var h = new CliHarness();
        var (code, output, _) = h.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("quantize", output);
        Assert.Contains("Examples", output);
        (code, output, _) = h.Run("quantize", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--stochastic-bits", output);
    }
}
