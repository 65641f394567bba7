using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Emulator.Cli.IO;
using Emulator.Formats;
using Emulator.Kernels.Bench;
using Emulator.Cli.Bench;
using Spectre.Console;

namespace Emulator.Cli.Commands;

/// <summary><c>emu bench</c>: throughput of the kernels with baselines measured in the same run.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("bench", "Measure kernel throughput against baselines measured in the same run (quote ratios: machines are shared and noisy).\n\nExamples:\n  emu bench quantize --threads 1\n  emu bench gemm --threads 1 --size 2048 --json gemm.json\n  emu bench train --models fashion-cnn --threads 1 2");
        command.Subcommands.Add(Quantize(context));
        command.Subcommands.Add(Gemm(context));
        command.Subcommands.Add(TrainBenchCommand.Create(context));
        return command;
    }

    private static Command Quantize(CliContext context)
    {
        var threads = Threads();
        var formats = new Option<string?>("--formats") { Description = "Comma-separated formats (default: every scalar preset with a vectorized kernel, and affine int8 per channel)" };
        var modes = new Option<string?>("--rounding") { Description = "Comma-separated rounding modes (default: nearest-even, toward-zero, to-odd, stochastic, stochastic-equal)" };
        var sizes = new Option<string?>("--sizes") { Description = "Comma-separated element counts (default 4096,16777216)" };
        var blocks = new Option<string>("--block-formats") { Description = "Comma-separated block formats for the fused block kernel (default mxfp4,nvfp4; 'none' to skip)", DefaultValueFactory = _ => "mxfp4,nvfp4" };
        var json = Json();
        var command = new Command("quantize", "Gelem/s of the quantize kernels at 2^12 and 2^24 elements with two baselines from the same run: a Vector512 copy\n" +
            "of the same arrays (the memory ceiling) and TensorPrimitives' float->half->float for binary16.\n\nExamples:\n  emu bench quantize\n  emu bench quantize --formats e4m3,bfloat16 --rounding nearest-even --json q.json")
        { threads, formats, modes, sizes, blocks, json };
        command.SetAction(parse =>
        {
            int t = parse.GetValue(threads);
            if (t is < 1 or > 1024) throw new CliException($"--threads {t}: must be in 1..1024");
            string blockText = parse.GetValue(blocks)!;
            var o = new QuantizeBenchOptions
            {
                Threads = t,
                BlockFormats = blockText == "none" ? [] : blockText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            if (parse.GetValue(formats) is { } f) o = o with { Formats = f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
            if (parse.GetValue(modes) is { } m) o = o with { Modes = m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(RoundingNames.ParseMode).ToArray() };
            if (parse.GetValue(sizes) is { } s)
                o = o with { Sizes = s.Split(',').Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 1 << 28 ? n : throw new CliException($"--sizes: '{v}' must be an integer in 1..{1 << 28}")).ToArray() };
            var records = QuantizeBench.Run(o, r => context.Error.WriteLine($"{r.Kernel} {r.Format} {r.Rounding} {r.Elements}: {r.GelemPerSec:F3} Gelem/s ({r.RatioToCopy:F2}x copy)"));
            var table = new Table().AddColumns("kernel", "format", "rounding", "elements", "threads", "Gelem/s", "copy Gelem/s", "ratio to copy");
            foreach (var r in records)
                table.AddRow(Markup.Escape(r.Kernel), Markup.Escape(r.Format), r.Rounding, r.Elements.ToString(CultureInfo.InvariantCulture), I(r.Threads),
                    r.GelemPerSec.ToString("F3", CultureInfo.InvariantCulture), r.CopyGelemPerSec.ToString("F3", CultureInfo.InvariantCulture), r.RatioToCopy.ToString("F2", CultureInfo.InvariantCulture));
            context.Console.Write(table);
            if (parse.GetValue(json) is { } path)
                WriteJson(path, records.Select(r => new { kernel = r.Kernel, format = r.Format, rounding = r.Rounding, elements = r.Elements, threads = r.Threads, gelemPerSec = r.GelemPerSec, copyGelemPerSec = r.CopyGelemPerSec, ratioToCopy = r.RatioToCopy }));
            return 0;
        });
        return command;
    }

    internal static Option<int> Threads() => new("--threads") { Description = "Threads: 1 or more", DefaultValueFactory = _ => 1 };

    internal static Option<string?> Json() => new("--json") { Description = "Also write the results as a JSON array to this file" };

    private static Command Gemm(CliContext context)
    {
        var threads = Threads();
        var size = new Option<int[]>("--size") { Description = "Square sizes n = m = k (default 256 1024 2048)", AllowMultipleArgumentsPerToken = true };
        var kernels = new Option<string[]>("--kernels") { Description = "Only these kernels (sgemm, the baseline, always runs): " + string.Join(", ", GemmBench.KernelNames), AllowMultipleArgumentsPerToken = true };
        var json = Json();
        var command = new Command("gemm", "GFLOP/s (GOPS for integer kernels) of every GEMM kernel and the ratio to our SGEMM in the same run.\n\nExamples:\n  emu bench gemm\n  emu bench gemm --threads 2 --size 2048 --json gemm.json\n  emu bench gemm --size 2048 --kernels binary16-accumulator") { threads, size, kernels, json };
        command.SetAction(parse =>
        {
            int t = parse.GetValue(threads);
            if (t is < 1 or > 1024) throw new CliException($"--threads {t}: must be in 1..1024");
            int[]? sizes = parse.GetValue(size);
            string[]? names = parse.GetValue(kernels);
            IReadOnlyList<GemmBenchRecord> records;
            try { records = GemmBench.Run(t, sizes is { Length: > 0 } ? sizes : null, line => context.Error.WriteLine(line), names is { Length: > 0 } ? names : null); }
            catch (ArgumentException e) when (e.ParamName == "kernels") { throw new CliException($"--kernels: {e.Message}"); }
            var table = new Table().AddColumns("kernel", "m", "n", "k", "threads", "GFLOP/s", "ratio to sgemm", "best", "cpu share");
            foreach (var r in records)
                table.AddRow(r.Kernel, I(r.M), I(r.N), I(r.K), I(r.Threads), F(r.Gflops), r.RatioToSgemm.ToString("F2", CultureInfo.InvariantCulture), F(r.BestGflops), r.CpuShare.ToString("F2", CultureInfo.InvariantCulture));
            context.Console.Write(table);
            if (parse.GetValue(json) is { } path)
                WriteJson(path, records.Select(r => new { kernel = r.Kernel, m = r.M, n = r.N, k = r.K, threads = r.Threads, gflops = r.Gflops, ratioToSgemm = r.RatioToSgemm, bestGflops = r.BestGflops, cpuShare = r.CpuShare }));
            return 0;
        });
        return command;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Writes objects as an indented JSON array, atomically.</summary>
    public static void WriteJson<T>(string path, IEnumerable<T> rows)
    {
        using var outputs = new AtomicOutputs();
        outputs.Add(path, "--json", JsonSerializer.SerializeToUtf8Bytes(rows.ToList(), new JsonSerializerOptions { WriteIndented = true }));
        outputs.Commit();
    }
}
