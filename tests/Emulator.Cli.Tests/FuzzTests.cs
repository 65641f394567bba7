using System.Text;
using Emulator.Formats;

namespace Emulator.Cli.Tests;

/// <summary>Mutated spec files and argument lists must fail cleanly: one line on stderr, exit code 2, no output files,
/// never an unhandled exception.</summary>
public class FuzzTests
{
    private static readonly string[] Presets = Directory.GetFiles(Path.Combine(ConformCheckStudyTests.RepoRoot(), "formats-spec", "presets"), "*.json");

    private const string Punctuation = "{[\",:}]0-e";

    private static string Mutate(string json, Random rng)
    {
        var sb = new StringBuilder(json);
        switch (rng.Next(10))
        {
            case 0: if (sb.Length > 1) sb.Remove(rng.Next(sb.Length), 1); break;
            case 1: sb.Insert(rng.Next(sb.Length), Punctuation[rng.Next(Punctuation.Length)]); break;
            case 2: return json.Replace(": 4,", ": 99999999999999999999,").Replace(": 3,", ": 1e400,");
            case 3: return json.Replace("\"fn\"", "7").Replace("\"ieee\"", "true").Replace("true", "\"yes\"");
            case 4: return json.Insert(json.IndexOf('{') + 1, "\"unknownField\": 1,");
            case 5: return json.Insert(json.IndexOf('{') + 1, "\"deep\": " + new string('[', 200) + new string(']', 200) + ",");
            case 6: return json.Replace("\"kind\": \"float\"", "\"kind\": \"floaty\"");
            case 7: return json.Replace("\"exponentBits\"", "\"exponentbits\"");
            case 8: { var b = new byte[rng.Next(0, 64)]; rng.NextBytes(b); return Encoding.Latin1.GetString(b); }
            default: return json.Replace("\"mantissaBits\": ", "\"mantissaBits\": -");
        }
        return sb.ToString();
    }

    [Fact]
    public void MutatedSpecsLoadOrFailWithFileAndPath()
    {
        var rng = new Random(2024);
        int failures = 0;
        for (int i = 0; i < 2500; i++)
        {
            string original = File.ReadAllText(Presets[rng.Next(Presets.Length)]);
            string mutated = Mutate(original, rng);
            try
            {
                NumberFormat f = FormatSpecReader.Read(mutated, "fuzz.json");
                Assert.False(string.IsNullOrEmpty(f.Name));
            }
            catch (FormatSpecException e)
            {
                failures++;
                Assert.StartsWith("fuzz.json: $", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(failures > 1000, $"only {failures} of 2500 mutations were rejected");
    }

    [Fact]
    public void MutatedSpecFilesThroughTheCliFailCleanly()
    {
        using var h = new CliHarness();
        var rng = new Random(77);
        for (int i = 0; i < 150; i++)
        {
            File.WriteAllText(h.PathOf("spec.json"), Mutate(File.ReadAllText(Presets[rng.Next(Presets.Length)]), rng));
            var (code, _, err) = h.Run("show", h.PathOf("spec.json"));
            Assert.True(code is 0 or 2, $"exit code {code}: {err}");
            if (code == 2) Assert.Single(err.TrimEnd().Split('\n'));
        }
    }

    [Fact]
    public void MutatedArgumentListsFailCleanlyAndLeaveNoFiles()
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", 1f, -2.5f, 1e6f, float.NaN);
        string[] valid = ["quantize", "--format", "e4m3", "--rounding", "stochastic", "--stochastic-bits", "4", "--seed", "5", "--stream", "1", "--in", input, "--out", h.PathOf("y.f32"), "--codes", h.PathOf("c.bin")];
        string[] junk = ["", "-", "--", "--format", "posit99", "1e999", "-5", "nan", "stochastic", "/dev/null", h.Dir, "é", "--out", "x.npy", "18446744073709551616", "0x10"];
        var rng = new Random(5);
        for (int i = 0; i < 600; i++)
        {
            var args = valid.ToList();
            for (int m = rng.Next(1, 4); m > 0; m--)
            {
                int at = rng.Next(args.Count);
                switch (rng.Next(3))
                {
                    case 0: args.RemoveAt(at); break;
                    case 1: args[at] = junk[rng.Next(junk.Length)]; break;
                    default: args.Insert(at, junk[rng.Next(junk.Length)]); break;
                }
            }
            var (code, _, err) = h.Run(args.ToArray());
            Assert.True(code is 0 or 2, $"args [{string.Join(' ', args)}]: exit {code}: {err}");
            if (code == 2) Assert.Single(err.TrimEnd().Split('\n'));
            foreach (string f in Directory.GetFiles(h.Dir)) Assert.False(Path.GetFileName(f).EndsWith(".tmp", StringComparison.Ordinal), $"temporary left: {f}");
            foreach (string o in new[] { "y.f32", "c.bin" }) File.Delete(h.PathOf(o));
        }
    }
}
