using System.Globalization;
using BenchmarkDotNet.Running;
using Emulator.Formats;
using Emulator.Kernels.Bench;

// BenchmarkDotNet: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*'  (add --job short for a quick look)
// Quick tables (the library entries behind `emu bench quantize` and `emu bench gemm`):
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- quick [--threads N] [--formats a,b] [--modes m,n] [--sizes 4096,16777216]
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- nnops [iterations] [threads...]   (FashionCnn ops, batch 128)
if (args.Length > 0 && args[0] == "nnops")
{
    int iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
    int[] threadCounts = args.Length > 2 ? args.Skip(2).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1, 2];
    Emulator.Benchmarks.NnOpsBench.Print(threadCounts, iterations, Console.Out);
    return;
}
// The GEMM speed table is `emu bench gemm` (src/Emulator.Cli/Bench/GemmBench.cs).
// SGEMM against OpenBLAS, one thread, side by side (see perf/sgemm-vs-openblas.sh):
//   dotnet run -c Release --project perf/Emulator.Benchmarks -- sgemm-openblas [--seconds S] [name:ta:tb:m:n:k ...]
if (args.Length > 0 && args[0] == "sgemm-openblas")
{
    double seconds = 1;
    var shapes = new List<Emulator.Benchmarks.SgemmVersusOpenBlas.Shape>();
    for (int i = 1; i < args.Length; i++)
    {
        if (args[i] == "--seconds") seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
        else shapes.Add(Emulator.Benchmarks.SgemmVersusOpenBlas.Parse(args[i]));
    }
    Emulator.Benchmarks.SgemmVersusOpenBlas.Run(shapes.Count > 0 ? shapes : Emulator.Benchmarks.SgemmVersusOpenBlas.DefaultShapes, seconds, Console.Out);
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
