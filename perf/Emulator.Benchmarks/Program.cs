using BenchmarkDotNet.Running;
using Emulator.Kernels.Gemm;

// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*'  (add --job short for a quick look)
// Quick GEMM table (same code as `emu bench gemm`): dotnet run -c Release --project perf/Emulator.Benchmarks -- gemm [threads] [size...]
if (args.Length > 0 && args[0] == "gemm")
{
    int threads = args.Length > 1 ? int.Parse(args[1]) : 1;
    int[] sizes = args.Length > 2 ? args.Skip(2).Select(int.Parse).ToArray() : [256, 1024, 2048];
    foreach (var r in GemmBench.Run(threads, sizes, Console.Error.WriteLine)) Console.WriteLine(r);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
