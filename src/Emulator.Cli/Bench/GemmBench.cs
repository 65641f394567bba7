using System.Diagnostics;
using Emulator.Kernels.Gemm;

namespace Emulator.Cli.Bench;

/// <summary>
/// One measured kernel: median GFLOP/s (GOPS for integer kernels, 2 ops per multiply-add), the ratio of medians to SGEMM at
/// the same size in the same run, the best (fastest) run's GFLOP/s, and the process CPU time over (wall time x threads) of
/// the median run: on a shared machine Gflops / CpuShare estimates the speed with the cores to ourselves.
/// </summary>
internal sealed record GemmBenchRecord(string Kernel, int M, int N, int K, int Threads, double Gflops, double RatioToSgemm, double BestGflops,
    double CpuShare)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Kernel,-22} m={M,5} n={N,5} k={K,5} threads={Threads} gflops={Gflops,8:F1} ratioToSgemm={RatioToSgemm,6:F2} best={BestGflops,8:F1} cpuShare={CpuShare,5:F2} gflopsPerCpu={Gflops / CpuShare,8:F1}";
}

/// <summary>
/// The GEMM speed table behind <c>emu bench gemm</c>: every kernel at each size, warmed up first (tiered JIT), the median of
/// several timed runs, and the ratio to our SGEMM measured in the same run.
/// </summary>
internal static class GemmBench
{
    private sealed record Kernel(string Name, Func<int, int, Action> Prepare);

    /// <summary>Measures every kernel at n = m = k = each size, with the given thread count.</summary>
    /// <param name="threads">Worker threads (1..1024).</param>
    /// <param name="sizes">Square sizes, each 1..8192 (default 256, 1024, 2048).</param>
    /// <param name="progress">Optional progress sink (one line per record).</param>
    /// <param name="kernels">Optional kernel names to measure (sgemm is always measured, as the baseline); null: all.</param>
    public static IReadOnlyList<GemmBenchRecord> Run(int threads, IReadOnlyList<int>? sizes = null, Action<string>? progress = null,
        IReadOnlyCollection<string>? kernels = null)
    {
        if (threads is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be in 1..1024");
        if (kernels is not null)
            foreach (string name in kernels)
                if (!KernelNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                    throw new ArgumentException($"kernel '{name}' is unknown; valid: {string.Join(", ", KernelNames)}", nameof(kernels));
        sizes ??= [256, 1024, 2048];
        foreach (int s in sizes)
            if (s is < 1 or > 8192) throw new ArgumentOutOfRangeException(nameof(sizes), s, "each size must be in 1..8192");
        var records = new List<GemmBenchRecord>();
        foreach (int size in sizes)
        {
            var selected = Kernels().Where(k => kernels is null || k.Name == "sgemm" || kernels.Contains(k.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            var runs = selected.Select(k => k.Prepare(size, threads)).ToList();
            // Warm-up: enough calls for tier-1 code of the hot loops (fewer for large sizes).
            double flops = 2.0 * size * size * size;
            int warm = flops < 1e8 ? 20 : 2;
            foreach (var run in runs) for (int i = 0; i < warm; i++) run();
            // Timed rounds interleave the kernels, so a burst of load from other processes hits all of them alike.
            int reps = flops < 1e8 ? 21 : flops < 4e9 ? 7 : 5;
            var times = runs.Select(_ => new double[reps]).ToList();
            var shares = runs.Select(_ => new double[reps]).ToList();
            using var process = Process.GetCurrentProcess();
            for (int rep = 0; rep < reps; rep++)
                for (int j = 0; j < runs.Count; j++)
                {
                    process.Refresh();
                    TimeSpan cpu0 = process.TotalProcessorTime;
                    long t0 = Stopwatch.GetTimestamp();
                    runs[j]();
                    times[j][rep] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    process.Refresh();
                    shares[j][rep] = (process.TotalProcessorTime - cpu0).TotalSeconds / (times[j][rep] * threads);
                }
            double sgemm = 0;
            for (int j = 0; j < runs.Count; j++)
            {
                double[] order = times[j].ToArray();
                Array.Sort(order, shares[j]);
                Array.Sort(times[j]);
                double share = Math.Clamp(shares[j][reps / 2], 0.01, 1.0);
                double gflops = flops / times[j][reps / 2] / 1e9, best = flops / times[j][0] / 1e9;
                if (selected[j].Name == "sgemm") sgemm = gflops;
                var rec = new GemmBenchRecord(selected[j].Name, size, size, size, threads, gflops, gflops / sgemm, best, share);
                records.Add(rec);
                progress?.Invoke(rec.ToString());
            }
        }
        return records;
    }

    /// <summary>The names of the measured kernels.</summary>
    public static IReadOnlyList<string> KernelNames { get; } = Kernels().Select(k => k.Name).ToArray();

    private static float[] RandomFloats(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static byte[] RandomCodes(int count, int codes, int seed)
    {
        var rng = new Random(seed);
        var x = new byte[count];
        for (int i = 0; i < count; i++) x[i] = (byte)rng.Next(codes);
        return x;
    }

    private static byte[] RandomScales(int count, int lo, int hi, int seed)
    {
        var rng = new Random(seed);
        var x = new byte[count];
        for (int i = 0; i < count; i++) x[i] = (byte)rng.Next(lo, hi);
        return x;
    }

    private static Kernel CodeInput(string format) => new($"{format}-input", (s, t) =>
    {
        var f = Emulator.Formats.FormatRegistry.Default.GetScalar(format);
        var rng = new Random(4);
        byte RandomCode() { byte c; do c = (byte)rng.Next(256); while (!double.IsFinite(f.Decode(c))); return c; }
        var a = new byte[s * s]; var b = new byte[s * s]; var c = new float[s * s];
        for (int i = 0; i < a.Length; i++) { a[i] = RandomCode(); b[i] = RandomCode(); }
        var o = GemmOptions.WithThreads(t);
        return () => LowPrecisionGemm.Multiply(f, a, f, b, c, s, s, s, o);
    });

    /// <summary>An MX GEMM with random finite element codes and E8M0 scales near 1.</summary>
    private static Kernel MxInput(string name, string element, int seed) => new(name, (s, t) =>
    {
        var f = Emulator.Formats.FormatRegistry.Default.GetScalar(element);
        var rng = new Random(seed);
        byte[] Codes()
        {
            var x = new byte[s * s];
            for (int i = 0; i < x.Length; i++) { byte c; do c = (byte)rng.Next((int)f.CodeCount); while (!double.IsFinite(f.Decode(c))); x[i] = c; }
            return x;
        }
        var a = BlockScaledMatrix.Mx(f, s, s, Codes(), RandomScales(s * ((s + 31) / 32), 120, 135, seed + 100));
        var b = BlockScaledMatrix.Mx(f, s, s, Codes(), RandomScales(s * ((s + 31) / 32), 120, 135, seed + 200));
        var c = new float[s * s];
        var o = GemmOptions.WithThreads(t);
        return () => BlockScaledGemm.Multiply(a, b, c, o);
    });

    private static IEnumerable<Kernel> Kernels()
    {
        yield return new Kernel("sgemm", (s, t) =>
        {
            float[] a = RandomFloats(s * s, 1), b = RandomFloats(s * s, 2), c = new float[s * s];
            return () => Sgemm.Multiply(a, b, c, s, s, s, t);
        });
        yield return new Kernel("int8", (s, t) =>
        {
            var rng = new Random(3);
            var a = new sbyte[s * s]; var b = new sbyte[s * s]; var c = new int[s * s];
            for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
            var o = GemmOptions.WithThreads(t);
            return () => IntegerGemm.Multiply(a, b, c, s, s, s, o);
        });
        yield return new Kernel("int8-dequantized", (s, t) =>
        {
            var rng = new Random(15);
            var a = new sbyte[s * s]; var b = new sbyte[s * s]; var c = new float[s * s];
            for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
            var aq = new QuantizationParameters(Enumerable.Range(0, s).Select(i => 0.01f + i * 1e-5f).ToArray(), Enumerable.Range(0, s).Select(i => i % 7 - 3).ToArray());
            var bq = QuantizationParameters.PerTensor(0.02f, 5);
            var o = GemmOptions.WithThreads(t);
            return () => IntegerGemm.MultiplyDequantized(a, b, c, s, s, s, aq, bq, o);
        });
        yield return new Kernel("int4", (s, t) =>
        {
            byte[] a = RandomCodes((s * s + 1) / 2, 256, 16), b = RandomCodes((s * s + 1) / 2, 256, 17);
            var c = new int[s * s];
            var o = GemmOptions.WithThreads(t);
            return () => IntegerGemm.MultiplyInt4(a, b, c, s, s, s, o);
        });
        yield return CodeInput("e4m3");
        yield return CodeInput("e5m2");
        yield return new Kernel("mxfp4", (s, t) =>
        {
            var e2m1 = Emulator.Formats.FormatRegistry.Default.GetScalar("e2m1");
            var a = BlockScaledMatrix.Mx(e2m1, s, s, RandomCodes(s * s, 16, 5), RandomScales(s * ((s + 31) / 32), 120, 135, 6));
            var b = BlockScaledMatrix.Mx(e2m1, s, s, RandomCodes(s * s, 16, 7), RandomScales(s * ((s + 31) / 32), 120, 135, 8));
            var c = new float[s * s];
            var o = GemmOptions.WithThreads(t);
            return () => BlockScaledGemm.Multiply(a, b, c, o);
        });
        yield return MxInput("mxfp6-e2m3", "e2m3", 18);
        yield return MxInput("mxfp6-e3m2", "e3m2", 19);
        yield return MxInput("mxfp8-e4m3", "e4m3", 20);
        yield return MxInput("mxfp8-e5m2", "e5m2", 21);
        yield return new Kernel("nvfp4", (s, t) =>
        {
            var a = BlockScaledMatrix.Nvfp4(s, s, RandomCodes(s * s, 16, 9), RandomScales(s * ((s + 15) / 16), 40, 70, 10), 0.01f);
            var b = BlockScaledMatrix.Nvfp4(s, s, RandomCodes(s * s, 16, 11), RandomScales(s * ((s + 15) / 16), 40, 70, 12), 0.02f);
            var c = new float[s * s];
            var o = GemmOptions.WithThreads(t);
            return () => BlockScaledGemm.Multiply(a, b, c, o);
        });
        yield return Accumulator("binary16-accumulator", "binary16", AccumulationOrder.Sequential);
        yield return Accumulator("bfloat16-accumulator", "bfloat16", AccumulationOrder.Sequential);
        yield return Accumulator("binary16-chunked32", "binary16", AccumulationOrder.Chunked(32));
    }

    private static Kernel Accumulator(string name, string format, AccumulationOrder order) => new(name, (s, t) =>
    {
        float[] a = RandomFloats(s * s, 13), b = RandomFloats(s * s, 14), c = new float[s * s];
        var adder = new LowPrecisionAdder((Emulator.Formats.FloatFormat)Emulator.Formats.FormatRegistry.Default.GetScalar(format), default);
        var o = GemmOptions.WithThreads(t);
        return () => EmulatedAccumulatorGemm.Multiply(a, b, c, s, s, s, adder, order, o);
    });
}
