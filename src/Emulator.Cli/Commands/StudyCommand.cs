using System.CommandLine;
using System.Globalization;
using Emulator.Cli.IO;
using Emulator.Cli.Study;
using Emulator.Formats;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu study</c>: compares formats on synthetic distributions and user data.</summary>
public static class StudyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var formats = new Option<string?>("--formats") { Description = "Comma-separated entries name[@scaling] (scaling: none, tensor, channel, group-G). Default: a curated set of about 20" };
        var rounding = new Option<string?>("--rounding") { Description = "Comma-separated rounding modes (default: each format's own default rounding, see 'emu show')" };
        var distributions = new Option<string?>("--distributions") { Description = $"Comma-separated synthetic distributions: {string.Join(", ", Distributions.Names)} (default: all; none with --in unless given)" };
        var size = new Option<int>("--size") { Description = "Values per synthetic distribution (rows of 256)", DefaultValueFactory = _ => 65536 };
        var seed = new Option<string>("--seed") { Description = "Seed of the synthetic data and of stochastic rounding", DefaultValueFactory = _ => "0" };
        var input = new Option<string?>("--in") { Description = "User data: .npy float32 (blocks and channels along its last axis) or raw float32" };
        var output = new Option<string>("--out") { Description = "Report directory (study.md, study.csv, study.png)", DefaultValueFactory = _ => "study-out" };
        var command = new Command("study",
            "Compare number formats on data: SQNR, MSE, max error, saturation, flush-to-zero and bits per value.\n\n" +
            "Examples:\n" +
            "  emu study                                          curated formats on 5 synthetic distributions -> ./study-out\n" +
            "  emu study --formats e4m3,e2m1,int4@group-32,nf4 --distributions gaussian,student-t3\n" +
            "  emu study --in weights.npy --rounding nearest-even,stochastic --out weights-study")
        { formats, rounding, distributions, size, seed, input, output };
        command.SetAction(parse =>
        {
            string seedText = parse.GetValue(seed)!;
            if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seedValue))
                throw new CliException($"--seed '{seedText}': must be an unsigned 64-bit integer");
            int n = parse.GetValue(size);
            if (n is < 1 or > 1 << 26) throw new CliException($"--size {n}: must be in 1..{1 << 26}");
            // null: each format's default rounding (nearest-even unless its spec says otherwise, e.g. hifloat8 nearest-away)
            List<RoundingMode?> modes = parse.GetValue(rounding) is { } modeText
                ? Split(modeText).Select(m => (RoundingMode?)RoundingNames.ParseMode(m)).Distinct().ToList()
                : [null];
            string? formatsText = parse.GetValue(formats);
            var quantizers = new List<StudyQuantizer>();
            var skipped = new List<string>();
            foreach (string entry in formatsText is null ? StudyRunner.DefaultFormats : Split(formatsText))
            {
                if (formatsText is null && !FormatRegistry.Default.TryGet(entry.Split('@')[0], out _)) { skipped.Add(entry); continue; }
                quantizers.Add(StudyQuantizer.Create(entry));
            }
            var data = new List<(string Name, float[] X, int[] Shape)>();
            string? inPath = parse.GetValue(input);
            string? distText = parse.GetValue(distributions);
            if (inPath is not null)
            {
                Tensor t = TensorFile.Read(inPath, "--in");
                int[] shape = t.Shape.Length >= 2 ? [t.Length / t.Shape[^1], t.Shape[^1]] : [1, t.Length];
                data.Add((Path.GetFileName(inPath), t.Data, shape));
            }
            if (inPath is null || distText is not null)
                foreach (string d in distText is null ? Distributions.Names : Split(distText))
                    data.Add((d, Distributions.Generate(d, n, seedValue), StudyRunner.SyntheticShape(n)));

            var results = new List<StudyResult>();
            int total = quantizers.Count * data.Count * modes.Count;
            void RunAll(Action tick)
            {
                foreach (var (name, x, shape) in data)
                    foreach (RoundingMode? mode in modes)
                        foreach (StudyQuantizer q in quantizers)
                        {
                            var options = mode is { } m ? new RoundingOptions(m) { Seed = seedValue } : new RoundingOptions { Seed = seedValue };
                            results.Add(StudyRunner.Measure(q, name, x, shape, options));
                            tick();
                        }
            }
            if (context.Console.Profile.Capabilities.Interactive)
                context.Console.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("quantizing", maxValue: total);
                    RunAll(() => task.Increment(1));
                });
            else RunAll(() => { });

            string settings = $"Data: {string.Join(", ", data.Select(d => $"{d.Name} ({d.X.Length} values)"))}; rounding: {string.Join(", ", modes.Select(m => m?.Name() ?? "each format's default"))}; seed {seedValue}.";
            string dir = parse.GetValue(output)!;
            StudyReport.Write(dir, results, settings);
            WriteTable(context, results);
            if (skipped.Count > 0) context.Output.WriteLine($"not available in this build, skipped: {string.Join(", ", skipped)}");
            context.Output.WriteLine($"report: {Path.Combine(dir, "study.md")}, {Path.Combine(dir, "study.csv")}, {Path.Combine(dir, "study.png")}");
            return 0;
        });
        return command;
    }

    private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void WriteTable(CliContext context, IReadOnlyList<StudyResult> results)
    {
        var table = new Table().AddColumns("data", "format", "rounding", "bits/value", "SQNR dB", "MSE", "max |err|", "saturated", "flushed");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Data), Markup.Escape(r.Format), r.Rounding, r.BitsPerValue.ToString("0.###", CultureInfo.InvariantCulture),
                StudyReport.Sqnr(r.SqnrDb), StudyReport.Sci(r.Mse), StudyReport.Sci(r.MaxAbsError), StudyReport.Pct(r.FractionSaturated), StudyReport.Pct(r.FractionFlushedToZero));
        context.Console.Write(table);
    }
}
