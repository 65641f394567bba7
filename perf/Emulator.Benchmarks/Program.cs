using BenchmarkDotNet.Running;
using Emulator.Kernels.Gemm;

// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*'  (add --job short for a quick look)
// Quick GEMM table (same code as `emu bench gemm`): dotnet run -c Release --project perf/Emulator.Benchmarks -- gemm [threads] [size...]
if (args.Length > 0 && args[0] == "probe")
{
    int s = 512;
    var rng = new Random(1);
    float[] a = new float[s * s], b = new float[s * s], c = new float[s * s];
    for (int i = 0; i < a.Length; i++) { a[i] = (float)(rng.NextDouble() * 2 - 1); b[i] = (float)(rng.NextDouble() * 2 - 1); }
    var adder = new LowPrecisionAdder((Emulator.Formats.FloatFormat)Emulator.Formats.FormatRegistry.Default.GetScalar("binary16"), default);
    for (int r = 0; r < 3; r++)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        EmulatedAccumulatorGemm.Multiply(a, b, c, s, s, s, adder, AccumulationOrder.Sequential, 1);
        Console.WriteLine($"{sw.Elapsed.TotalMilliseconds} ms");
    }
    return;
}
if (args.Length > 0 && args[0] == "gemm")
{
    int threads = args.Length > 1 ? int.Parse(args[1]) : 1;
    int[] sizes = args.Length > 2 ? args.Skip(2).Select(int.Parse).ToArray() : [256, 1024, 2048];
    foreach (var r in GemmBench.Run(threads, sizes, Console.Error.WriteLine)) Console.WriteLine(r);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
