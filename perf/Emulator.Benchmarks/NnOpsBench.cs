using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Emulator.Formats;
using Emulator.Nn;

namespace Emulator.Benchmarks;

/// <summary>
/// One op of the FashionCnn feature stack at batch 128 (issue 14): conv1 (1→16, 5x5, pad 2, 28x28), bn1, pool1, conv2
/// (16→32, 5x5, pad 2, 14x14), bn2, pool2. Its input is a non-leaf (a reshape of a leaf), so its backward hands the input
/// gradient on without a copy, as inside a network; weights are leaves whose gradients accumulate.
/// </summary>
public sealed class NnOpCase
{
    private readonly Func<Tensor, Tensor> _op;
    private readonly Tensor _leaf;

    /// <summary>The op's name.</summary>
    public string Name { get; }

    /// <summary>The op's input (a non-leaf view when it requires grad).</summary>
    public Tensor Input { get; }

    /// <summary>The gradient of the op's output used by <see cref="Backward"/>.</summary>
    public Tensor OutputGrad { get; }

    private NnOpCase(string name, int[] inputShape, bool inputGrad, Func<Tensor, Tensor> op, ulong seed)
    {
        Name = name;
        _op = op;
        _leaf = Random(seed, inputShape);
        _leaf.RequiresGrad = inputGrad;
        Input = inputGrad ? Functional.Reshape(_leaf, inputShape).Keep() : _leaf;
        using var _ = DisposeScope.Begin();
        using var __ = Nn.Autograd.GradMode.NoGrad();
        OutputGrad = Random(seed + 100, op(Input).ShapeArray);
    }

    /// <summary>Runs the forward (records the graph); call inside a <see cref="DisposeScope"/>.</summary>
    public Tensor Forward() => _op(Input);

    /// <summary>Runs the backward of the output's node only (not the engine's walk to the leaf).</summary>
    public void Backward(Tensor output)
    {
        output.GradFn!.Backward(OutputGrad);
        Input.PendingGrad = null;
    }

    /// <summary>The six ops of the FashionCnn features at the given batch (parameters seeded).</summary>
    public static NnOpCase[] FashionCnnFeatures(int batch = 128)
    {
        var conv1 = new Nn.Modules.Conv2d(1, 16, 5, padding: 2, seed: 1);
        var bn1 = new Nn.Modules.BatchNorm2d(16);
        var conv2 = new Nn.Modules.Conv2d(16, 32, 5, padding: 2, seed: 2);
        var bn2 = new Nn.Modules.BatchNorm2d(32);
        var pool = new Nn.Modules.MaxPool2d(2);
        return
        [
            new("conv1", [batch, 1, 28, 28], false, conv1.Forward, 1),
            new("bn1", [batch, 16, 28, 28], true, bn1.Forward, 2),
            new("pool1", [batch, 16, 28, 28], true, pool.Forward, 3),
            new("conv2", [batch, 16, 14, 14], true, conv2.Forward, 4),
            new("bn2", [batch, 32, 14, 14], true, bn2.Forward, 5),
            new("pool2", [batch, 32, 14, 14], true, pool.Forward, 6),
        ];
    }

    /// <summary>
    /// Convolutions where both algorithms apply (one input channel per group), each as im2col + GEMM and as direct kernels:
    /// FashionCnn's conv1 (1→16, 5x5) and MobileNet-like depthwise 3x3 layers at batch 128.
    /// </summary>
    public static NnOpCase[] ConvAlgorithms(int batch = 128)
    {
        var w1 = Parameter(11, 16, 1, 5, 5);
        var b1 = Parameter(12, 16);
        var wd = Parameter(13, 64, 1, 3, 3);
        var bd = Parameter(14, 64);
        var cases = new List<NnOpCase>();
        foreach (var algorithm in new[] { Functional.ConvAlgorithm.Im2Col, Functional.ConvAlgorithm.Direct })
        {
            string tag = algorithm == Functional.ConvAlgorithm.Im2Col ? "im2col" : "direct";
            cases.Add(new($"conv1 {tag}", [batch, 1, 28, 28], false, x => Functional.Conv2dWith(algorithm, x, w1, b1, padding: 2), 21));
            cases.Add(new($"dw3x3 16x16 {tag}", [batch, 64, 16, 16], true, x => Functional.Conv2dWith(algorithm, x, wd, bd, padding: 1, groups: 64), 22));
            cases.Add(new($"dw3x3/2 32x32 {tag}", [batch, 64, 32, 32], true, x => Functional.Conv2dWith(algorithm, x, wd, bd, stride: 2, padding: 1, groups: 64), 23));
        }
        return [.. cases];
    }

    private static Tensor Parameter(ulong seed, params int[] shape)
    {
        var t = Random(seed, shape);
        t.RequiresGrad = true;
        return t;
    }

    private static Tensor Random(ulong seed, int[] shape)
    {
        var t = Tensor.Persistent(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (Philox4x32.Word(seed, 0, i) >> 8) * (2f / 16777216f) - 1f;
        return t;
    }
}

/// <summary>A measured op: median forward and backward wall milliseconds, the median process CPU milliseconds of forward +
/// backward (all threads; on a shared machine the steadier figure), and managed bytes allocated per iteration after
/// warm-up (all threads).</summary>
public sealed record NnOpsRecord(string Op, int Threads, double ForwardMs, double BackwardMs, double CpuMs, long BytesPerStep);

/// <summary>
/// The per-op table of the FashionCnn features (forward + backward, batch 128): warm-up, then the median of timed
/// iterations, each in its own <see cref="DisposeScope"/> (pooled buffers, so no allocation after warm-up).
/// </summary>
public static class NnOpsBench
{
    /// <summary>PyTorch 1.13's CPU training step on this machine, one thread: 128 images at about 3,800 images/s (issue 14).</summary>
    public const double PyTorchStepMs = 128 / 3800.0 * 1000;

    /// <summary>Measures every op of <see cref="NnOpCase.FashionCnnFeatures"/> (or the given cases).</summary>
    public static List<NnOpsRecord> Run(int threads, int iterations, Action<NnOpsRecord>? progress = null, Func<NnOpCase[]>? cases = null)
    {
        int saved = NnSettings.Threads;
        NnSettings.Threads = threads;
        try
        {
            var rows = new List<NnOpsRecord>();
            foreach (var c in (cases ?? (() => NnOpCase.FashionCnnFeatures()))())
            {
                for (int i = 0; i < 40; i++) Step(c, out _, out _); // past tiered compilation (30 calls) and its background delay
                var fwd = new double[iterations];
                var bwd = new double[iterations];
                var cpu = new double[iterations];
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < iterations; i++)
                {
                    double cpu0 = ProcessCpuMs();
                    Step(c, out fwd[i], out bwd[i]);
                    cpu[i] = ProcessCpuMs() - cpu0;
                }
                long bytes = (GC.GetTotalAllocatedBytes(precise: true) - before) / iterations;
                int mid = Median(fwd, bwd);
                var row = new NnOpsRecord(c.Name, threads, fwd[mid], bwd[mid], cpu.Order().ElementAt(iterations / 2), bytes);
                rows.Add(row);
                progress?.Invoke(row);
            }
            return rows;
        }
        finally
        {
            NnSettings.Threads = saved;
        }
    }

    /// <summary>CPU time of the process in milliseconds (clock_gettime's process clock on Linux: nanoseconds, where
    /// <see cref="Process.TotalProcessorTime"/> has clock-tick resolution).</summary>
    private static double ProcessCpuMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out var ts) == 0) return ts.Seconds * 1e3 + ts.Nanoseconds / 1e6;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    /// <summary>The iteration whose forward + backward time is the median.</summary>
    private static int Median(double[] fwd, double[] bwd)
    {
        var order = Enumerable.Range(0, fwd.Length).OrderBy(i => fwd[i] + bwd[i]).ToArray();
        return order[order.Length / 2];
    }

    private static void Step(NnOpCase c, out double forwardMs, out double backwardMs)
    {
        using var _ = DisposeScope.Begin();
        long t0 = Stopwatch.GetTimestamp();
        var y = c.Forward();
        long t1 = Stopwatch.GetTimestamp();
        c.Backward(y);
        long t2 = Stopwatch.GetTimestamp();
        forwardMs = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
        backwardMs = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
    }

    /// <summary>Prints the table for each thread count: per op, the median wall times, the share of PyTorch's one-thread
    /// step (<see cref="PyTorchStepMs"/>), the median CPU milliseconds and the bytes allocated per iteration.</summary>
    public static void Print(IEnumerable<int> threadCounts, int iterations, TextWriter output)
    {
        output.WriteLine($"FashionCnn features, batch 128; share = (forward + backward) / PyTorch's one-thread step ({PyTorchStepMs:F1} ms)");
        output.WriteLine($"{"op",-6} {"thr",3} {"fwd ms",8} {"bwd ms",8} {"total",8} {"share",6} {"cpu ms",8} {"bytes",7}");
        foreach (int t in threadCounts)
        {
            double sum = 0, cpu = 0;
            foreach (var r in Run(t, iterations))
            {
                double total = r.ForwardMs + r.BackwardMs;
                sum += total;
                cpu += r.CpuMs;
                output.WriteLine($"{r.Op,-6} {r.Threads,3} {r.ForwardMs,8:F2} {r.BackwardMs,8:F2} {total,8:F2} {total / PyTorchStepMs,6:P0} {r.CpuMs,8:F2} {r.BytesPerStep,7}");
            }
            output.WriteLine($"{"all",-6} {t,3} {"",8} {"",8} {sum,8:F2} {sum / PyTorchStepMs,6:P0} {cpu,8:F2}");
        }
        output.WriteLine();
        output.WriteLine("Convolutions with one input channel per group, batch 128: im2col + GEMM against the direct kernels");
        output.WriteLine($"{"op",-22} {"thr",3} {"fwd ms",8} {"bwd ms",8} {"total",8} {"cpu ms",8}");
        foreach (int t in threadCounts)
            foreach (var r in Run(t, iterations, null, () => NnOpCase.ConvAlgorithms()))
                output.WriteLine($"{r.Op,-22} {r.Threads,3} {r.ForwardMs,8:F2} {r.BackwardMs,8:F2} {r.ForwardMs + r.BackwardMs,8:F2} {r.CpuMs,8:F2}");
    }
}

/// <summary>
/// BenchmarkDotNet view of <see cref="NnOpsBench"/>: one op's forward + backward at batch 128.
/// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*NnOpsBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class NnOpsBenchmarks
{
    private NnOpCase? _case;

    /// <summary>The op (conv1, bn1, pool1, conv2, bn2, pool2).</summary>
    [Params("conv1", "bn1", "pool1", "conv2", "bn2", "pool2")]
    public string Op { get; set; } = "conv1";

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the op's inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        NnSettings.Threads = Threads;
        _case = NnOpCase.FashionCnnFeatures().Single(c => c.Name == Op);
    }

    /// <summary>Forward and backward of the op.</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        using var _ = DisposeScope.Begin();
        _case!.Backward(_case.Forward());
    }
}
