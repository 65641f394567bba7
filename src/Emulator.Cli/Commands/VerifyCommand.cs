using System.CommandLine;
using System.Globalization;
using Emulator.Formats;
using Emulator.Kernels;

namespace Emulator.Cli.Commands;

/// <summary><c>emu verify</c>: compares the vectorized kernels with the scalar reference on float32 inputs; exit 1 on any mismatch.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var conversion = new ConversionOptions();
        var exhaustive = new Option<bool>("--exhaustive") { Description = "Check all 2^32 float32 bit patterns (minutes per format)" };
        var random = new Option<long>("--random") { Description = "Check about N patterns in randomly placed windows of 4096 consecutive patterns", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("verify",
            "Compare the vectorized kernels (encode and quantize) with the scalar reference on float32 inputs: prints the number of\n" +
            "mismatches and the first few; exit code 1 on any mismatch. Input k has element index k (stochastic modes are checked too).\n\n" +
            "Examples:\n  emu verify --format e4m3 --rounding nearest-even --exhaustive\n  emu verify --format bfloat16 --rounding stochastic --random 10000000")
        { exhaustive, random, threads };
        conversion.AddTo(command);
        command.SetAction(parse =>
        {
            ScalarFormat format = FormatRegistry.Default.GetScalar(parse.GetValue(conversion.Format)!);
            RoundingOptions options = conversion.Read(parse);
            bool all = parse.GetValue(exhaustive);
            long n = parse.GetValue(random);
            int t = parse.GetValue(threads);
            if (t is < 1 or > 1024) throw new CliException($"--threads {t}: must be in 1..1024");
            if (all == (n > 0)) throw new CliException("give exactly one of --exhaustive or --random N (N >= 1)");
            if (n < 0 || n > 1L << 32) throw new CliException($"--random {n}: must be in 1..{1L << 32}");
            var results = new List<KernelVerifyResult>();
            if (all) results.Add(KernelVerifier.Compare(format, options, 0, 1UL << 32, t));
            else
            {
                const int Window = 4096;
                var rng = new Random(unchecked((int)options.Seed) ^ 0x5EED);
                for (long done = 0; done < n; done += Window)
                {
                    ulong start = (ulong)rng.NextInt64(0, (1L << 32) - Window);
                    results.Add(KernelVerifier.Compare(format, options, start, (ulong)Math.Min(Window, n - done), t));
                }
            }
            ulong checkedCount = (ulong)results.Sum(r => (decimal)r.Checked);
            long mismatches = results.Sum(r => r.Mismatches);
            double seconds = results.Sum(r => r.Elapsed.TotalSeconds);
            context.Output.WriteLine(
                $"{format.Name} {format.WithDefaults(options).Mode.Name()} {options.OverflowOr(format.DefaultOverflow).Name()}: {checkedCount} inputs, {mismatches} mismatches, " +
                $"{seconds.ToString("F1", CultureInfo.InvariantCulture)} s ({(QuantizeKernels.IsVectorized(format) ? "vectorized kernel" : "scalar fallback kernel")})");
            foreach (KernelMismatch m in results.SelectMany(r => r.FirstMismatches).Take(10))
                context.Output.WriteLine($"  x = 0x{m.InputBits:x8}: kernel code 0x{m.KernelCode:x} value 0x{m.KernelValueBits:x8}, reference code 0x{m.ReferenceCode:x} value 0x{m.ReferenceValueBits:x8}");
            return mismatches == 0 ? 0 : 1;
        });
        return command;
    }
}
