using System.CommandLine;
using System.Globalization;
using Emulator.Formats;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu show &lt;format&gt;</c>: parameters, and for formats of at most 8 bits the table of every code and value.</summary>
public static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var format = new Argument<string>("format") { Description = "Format name or alias, or a path to a JSON spec file" };
        var command = new Command("show", "Show a format's parameters and, for formats of at most 8 bits, the value of every code.\n\nExamples:\n  emu show e4m3\n  emu show binary8p3se\n  emu show my-format.json") { format };
        command.SetAction(parse =>
        {
            NumberFormat f = FormatRegistry.Default.Get(parse.GetValue(format)!);
            Write(context, f);
            return 0;
        });
        return command;
    }

    private static void Write(CliContext context, NumberFormat f)
    {
        IAnsiConsole console = context.Console;
        console.WriteLine($"{f.Name}{(f.Aliases.Count > 0 ? $" (aliases: {string.Join(", ", f.Aliases)})" : "")}");
        if (f.Info.Description is { } d) console.WriteLine(d);
        if (f.Info.Source is { } s) console.WriteLine($"source: {s}");
        var parameters = new Table().AddColumns("parameter", "value");
        foreach (var (k, v) in f.Parameters) parameters.AddRow(Markup.Escape(k), Markup.Escape(v));
        console.Write(parameters);
        if (f is ScalarFormat scalar && scalar.Bits <= 8) console.Write(CodeTable(scalar));
    }

    /// <summary>A grid of all codes: rows by the high bits, 16 columns by the low 4 bits (fewer for narrower formats).</summary>
    private static Table CodeTable(ScalarFormat f)
    {
        int count = (int)f.CodeCount;
        int columns = Math.Min(16, count);
        int digits = f.Bits > 4 ? 2 : 1;
        var table = new Table { Title = new TableTitle($"value of every code (row + column, hex)") };
        table.AddColumn("code");
        for (int c = 0; c < columns; c++) table.AddColumn(new TableColumn($"+{c:x}").RightAligned());
        for (int row = 0; row < count; row += columns)
        {
            var cells = new List<string> { row.ToString(digits == 2 ? "x2" : "x1", CultureInfo.InvariantCulture) };
            for (int c = 0; c < columns; c++)
            {
                uint code = (uint)(row + c);
                double v = f.Decode(code);
                string text = double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf"
                    : v == 0 && double.IsNegative(v) ? "-0" : v.ToString("G6", CultureInfo.InvariantCulture);
                cells.Add(f.IsCanonicalCode(code) ? text : $"({text})");
            }
            table.AddRow(cells.ToArray());
        }
        table.Caption = new TableTitle("(v): a code the encoder never produces");
        return table;
    }
}
