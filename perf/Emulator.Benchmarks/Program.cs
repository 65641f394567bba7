using System.Globalization;
using BenchmarkDotNet.Running;
using Emulator.Formats;
using Emulator.Kernels.Bench;
using Emulator.Kernels.Gemm;

// BenchmarkDotNet: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*'  (add --job short for a quick look)
// Quick tables (the library entries behind `emu bench quantize` and `emu bench gemm`):
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- quick [--threads N] [--formats a,b] [--modes m,n] [--sizes 4096,16777216]
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- gemm [threads] [size...]
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- nnops [iterations] [threads...]   (FashionCnn ops, batch 128)
if (args.Length > 0 && args[0] == "nnops")
{
    int iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
    int[] threadCounts = args.Length > 2 ? args.Skip(2).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1, 2];
    Emulator.Benchmarks.NnOpsBench.Print(threadCounts, iterations, Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "gemm")
{
    int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
    int[] sizes = args.Length > 2 ? args.Skip(2).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [256, 1024, 2048];
    foreach (var r in GemmBench.Run(threads, sizes, Console.Error.WriteLine)) Console.WriteLine(r);
    return;
}
if (args.Length > 0 && args[0] == "quick")
{
    var o = new QuantizeBenchOptions();
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        string v = args[i + 1];
        o = args[i] switch
        {
            "--threads" => o with { Threads = int.Parse(v, CultureInfo.InvariantCulture) },
            "--formats" => o with { Formats = v.Split(',') },
            "--modes" => o with { Modes = v.Split(',').Select(RoundingNames.ParseMode).ToArray() },
            "--sizes" => o with { Sizes = v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
            "--seconds" => o with { SecondsPerLine = double.Parse(v, CultureInfo.InvariantCulture) },
            _ => throw new ArgumentException($"unknown option '{args[i]}'"),
        };
    }
    Console.WriteLine($"{"kernel",-20} {"format",-12} {"rounding",-16} {"elements",10} {"thr",3} {"Gelem/s",8} {"copy",7} {"ratio",6}");
    QuantizeBench.Run(o, r => Console.WriteLine(
        $"{(r.Kernel.Length > 20 ? r.Kernel[..20] : r.Kernel),-20} {r.Format,-12} {r.Rounding,-16} {r.Elements,10} {r.Threads,3} {r.GelemPerSec,8:F3} {r.CopyGelemPerSec,7:F3} {r.RatioToCopy,6:F2}"));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
