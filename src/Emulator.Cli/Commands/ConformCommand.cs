using System.CommandLine;
using System.Globalization;
using Emulator.Formats;

namespace Emulator.Cli.Commands;

/// <summary>
/// <c>emu conform</c>: checks cases produced by a user's implementation (lines <c>xbits code</c>, or the golden layout
/// <c>xbits ybits code</c>) against the reference; mismatches are grouped by kind. Exit 1 on any mismatch.
/// </summary>
public static class ConformCommand
{
    /// <summary>Mismatch kinds, in report order.</summary>
    public static readonly string[] Kinds = ["tie", "overflow", "underflow/subnormal", "NaN/Inf", "other"];

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var conversion = new ConversionOptions();
        var cases = new Option<string>("--cases") { Description = "Case file: one case per line, 'xbits code' or 'xbits ybits code' in hex (float32 bits; '#' starts a comment)", Required = true };
        var examples = new Option<int>("--examples") { Description = "Examples printed per mismatch kind", DefaultValueFactory = _ => 5 };
        var command = new Command("conform",
            "Check a user implementation's conversions against the reference: prints how many cases match and the mismatches\n" +
            "grouped by kind (tie, overflow, underflow/subnormal, NaN/Inf, other). Exit code 1 on any mismatch.\n\n" +
            "Examples:\n" +
            "  emu conform --format e4m3 --cases my-rtl-e4m3.txt\n" +
            "  emu conform --format bfloat16 --rounding toward-zero --overflow saturate --cases bf16-rtz.txt")
        { cases, examples };
        conversion.AddTo(command);
        command.SetAction(parse =>
        {
            ScalarFormat format = FormatRegistry.Default.GetScalar(parse.GetValue(conversion.Format)!);
            RoundingOptions options = conversion.Read(parse);
            string path = parse.GetValue(cases)!;
            int maxExamples = parse.GetValue(examples);
            if (maxExamples is < 0 or > 1000) throw new CliException($"--examples {maxExamples}: must be in 0..1000");
            if (!File.Exists(path)) throw new CliException($"--cases '{path}': file does not exist");
            var byKind = Kinds.ToDictionary(k => k, _ => new List<string>());
            var counts = Kinds.ToDictionary(k => k, _ => 0L);
            long total = 0, lineNo = 0, matched = 0;
            foreach (string raw in File.ReadLines(path))
            {
                lineNo++;
                string line = raw.Trim();
                int hash = line.IndexOf('#');
                if (hash >= 0) line = line[..hash].Trim();
                if (line.Length == 0) continue;
                string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length is < 2 or > 3 || !TryHex(f[0], out uint xbits) || !TryHex(f[^1], out uint code) || (f.Length == 3 && !TryHex(f[1], out _)))
                    throw new CliException($"--cases '{path}' line {lineNo}: expected 'xbits code' or 'xbits ybits code' in hex, got '{raw.Trim()}'");
                if (code >= format.CodeCount)
                    throw new CliException($"--cases '{path}' line {lineNo}: code 0x{code:x} does not fit in {format.Bits} bits");
                total++;
                float x = BitConverter.UInt32BitsToSingle(xbits);
                long index = total - 1;
                uint want = format.Encode(x, options, index);
                bool ok = want == code || (format.IsNaNCode(want) && format.IsNaNCode(code));
                if (f.Length == 3 && ok)
                {
                    float y = BitConverter.UInt32BitsToSingle(Convert.ToUInt32(f[1], 16));
                    double v = format.Quantize(x, options, index);
                    ok = double.IsNaN(v) ? float.IsNaN(y) : (float)v == y && float.IsNegative((float)v) == float.IsNegative(y);
                }
                if (ok) { matched++; continue; }
                string kind = Classify(format, x);
                counts[kind]++;
                if (byKind[kind].Count < maxExamples)
                    byKind[kind].Add($"line {lineNo}: x = {x.ToString("R", CultureInfo.InvariantCulture)} (0x{xbits:x8}) gave 0x{code:x}, expected 0x{want:x} ({format.Decode(want).ToString("R", CultureInfo.InvariantCulture)})");
            }
            context.Output.WriteLine($"{format.Name} {format.WithDefaults(options).Mode.Name()} {options.OverflowOr(format.DefaultOverflow).Name()}: {matched} of {total} cases match");
            foreach (string kind in Kinds.Where(k => counts[k] > 0))
            {
                context.Output.WriteLine($"{kind}: {counts[kind]} mismatches");
                foreach (string e in byKind[kind]) context.Output.WriteLine("  " + e);
            }
            return matched == total ? 0 : 1;
        });
        return command;
    }

    private static bool TryHex(string s, out uint v)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        return uint.TryParse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v) && s.Length <= 8;
    }

    /// <summary>The kind of a mismatching input: non-finite, beyond max, below min normal, a tie, or other.</summary>
    public static string Classify(ScalarFormat format, float x)
    {
        if (!float.IsFinite(x)) return "NaN/Inf";
        double a = Math.Abs((double)x);
        if (a > format.MaxFinite) return "overflow";
        if (a < format.MinNormal) return "underflow/subnormal";
        var down = new RoundingOptions(RoundingMode.TowardNegative, OverflowPolicy.Saturate);
        var up = new RoundingOptions(RoundingMode.TowardPositive, OverflowPolicy.Saturate);
        double lo = format.Quantize((double)x, down), hi = format.Quantize((double)x, up);
        return lo != hi && 2.0 * x == lo + hi ? "tie" : "other";
    }
}
