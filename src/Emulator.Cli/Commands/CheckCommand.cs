using System.CommandLine;
using Emulator.Formats;
using Emulator.Testing;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu check &lt;format|file.json&gt;</c>: validates a spec and runs the format laws on it in every rounding mode and
/// overflow policy; prints a pass/fail table. Exit 1 when a law fails.</summary>
public static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var format = new Argument<string>("format") { Description = "Format name or alias, or a path to a JSON spec file" };
        var tests = new Option<int>("--cases") { Description = "FsCheck cases per property law", DefaultValueFactory = _ => 300 };
        var command = new Command("check",
            "Validate a format spec and run the format laws (fixed points, monotone, idempotent, error bounds, sign symmetry,\n" +
            "overflow, special inputs, stochastic unbiasedness) in every rounding mode and overflow policy.\n\n" +
            "Examples:\n  emu check e4m3\n  emu check my-format.json")
        { format, tests };
        command.SetAction(parse =>
        {
            NumberFormat f = FormatRegistry.Default.Get(parse.GetValue(format)!);
            int cases = parse.GetValue(tests);
            if (cases is < 1 or > 100_000) throw new CliException($"--cases {cases}: must be in 1..100000");
            context.Output.WriteLine($"spec '{f.Name}' ({f.Kind}) is valid");
            if (f is not ScalarFormat scalar)
            {
                context.Output.WriteLine($"format laws apply to scalar formats; '{f.Kind}' formats are validated only");
                return 0;
            }
            var settings = new FormatLawSettings { MaxTest = cases, MaxCodes = 4096 };
            var table = new Table().AddColumns("rounding", "overflow", "laws passed", "failed");
            bool allPassed = true;
            foreach (RoundingMode mode in Enum.GetValues<RoundingMode>())
                foreach (OverflowPolicy policy in Enum.GetValues<OverflowPolicy>())
                {
                    var options = new RoundingOptions(mode, policy) { Seed = 1 };
                    FormatLawReport report = FormatLaws.Verify(scalar, FormatImplementation.Reference(scalar, options), options, settings);
                    var failed = report.Results.Where(r => !r.Passed).ToList();
                    foreach (LawResult r in failed)
                        context.Error.WriteLine($"{mode.Name()}/{policy.Name()}: {r.Law}: {r.Counterexample}");
                    allPassed &= failed.Count == 0;
                    table.AddRow(mode.Name(), policy.Name(), $"{report.Results.Count - failed.Count}/{report.Results.Count}",
                        failed.Count == 0 ? "-" : Markup.Escape(string.Join("; ", failed.Select(r => r.Law))));
                }
            context.Console.Write(table);
            context.Output.WriteLine(allPassed ? "all laws pass" : "some laws FAIL (details on stderr)");
            return allPassed ? 0 : 1;
        });
        return command;
    }
}
