using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Emulator.Formats;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu formats [--json]</c>: every preset with its parameters.</summary>
public static class FormatsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of objects (name, aliases, kind, bits, maxFinite, minNormal, minSubnormal, ...)" };
        var command = new Command("formats", "List every preset format with its parameters.\n\nExamples:\n  emu formats\n  emu formats --json > formats.json") { json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json)) WriteJson(context.Output, FormatRegistry.Default.All);
            else WriteTable(context, FormatRegistry.Default.All);
            return 0;
        });
        return command;
    }

    private static string Num(double? v) => v is { } d ? d.ToString("G9", CultureInfo.InvariantCulture) : "";

    private static void WriteTable(CliContext context, IReadOnlyList<NumberFormat> formats)
    {
        var table = new Table().AddColumns("name", "aliases", "kind", "bits", "max finite", "min normal", "min subnormal", "overflow", "source");
        foreach (NumberFormat f in formats)
        {
            var s = f as ScalarFormat;
            table.AddRow(Markup.Escape(f.Name), Markup.Escape(string.Join(", ", f.Aliases)), f.Kind,
                f.BitsPerValue.ToString("G6", CultureInfo.InvariantCulture), Num(s?.MaxFinite), Num(s?.MinNormal), Num(s?.MinSubnormal),
                s?.DefaultOverflow.Name() ?? "", Markup.Escape(f.Info.Source ?? ""));
        }
        context.Console.Write(table);
        context.Console.WriteLine($"{formats.Count} formats. 'emu show <name>' prints one format's parameters and code table.");
    }

    /// <summary>Writes the JSON array.</summary>
    public static void WriteJson(TextWriter output, IReadOnlyList<NumberFormat> formats)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (NumberFormat f in formats)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteStartArray("aliases");
                foreach (string a in f.Aliases) w.WriteStringValue(a);
                w.WriteEndArray();
                w.WriteString("kind", f.Kind);
                if (f is ScalarFormat s)
                {
                    w.WriteNumber("bits", s.Bits);
                    w.WriteNumber("maxFinite", s.MaxFinite);
                    w.WriteNumber("minNormal", s.MinNormal);
                    w.WriteNumber("minSubnormal", s.MinSubnormal);
                    w.WriteBoolean("signed", s.IsSigned);
                    w.WriteBoolean("hasNaN", s.HasNaN);
                    w.WriteBoolean("hasInfinity", s.HasInfinity);
                    w.WriteString("defaultOverflow", s.DefaultOverflow.Name());
                }
                else
                {
                    w.WriteNumber("bits", f.BitsPerValue);
                    w.WriteNull("maxFinite");
                    w.WriteNull("minNormal");
                    w.WriteNull("minSubnormal");
                }
                w.WriteNumber("bitsPerValue", f.BitsPerValue);
                w.WriteStartObject("parameters");
                foreach (var (k, v) in f.Parameters) w.WriteString(k, v);
                w.WriteEndObject();
                if (f.Info.Source is { } src) w.WriteString("source", src);
                if (f.Info.Description is { } d) w.WriteString("description", d);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
