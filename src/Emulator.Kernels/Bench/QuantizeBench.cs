using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Emulator.Formats;

namespace Emulator.Kernels.Bench;

/// <summary>One measurement of <see cref="QuantizeBench"/>: throughput in 10^9 elements per second and its ratio to a plain
/// Vector512 float32 copy of the same arrays measured in the same run (the memory ceiling).</summary>
public sealed record QuantizeBenchResult(string Kernel, string Format, string Rounding, long Elements, int Threads,
    double GelemPerSec, double CopyGelemPerSec, double RatioToCopy);

/// <summary>What <see cref="QuantizeBench.Run"/> measures.</summary>
public sealed record QuantizeBenchOptions
{
    /// <summary>Format names (presets or .json paths); empty = every scalar preset with a vectorized kernel.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];
    /// <summary>Rounding modes; empty = nearest-even, toward-zero, stochastic.</summary>
    public IReadOnlyList<RoundingMode> Modes { get; init; } = [];
    /// <summary>Array lengths; default 2^12 and 2^24.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [1 << 12, 1 << 24];
    /// <summary>Threads (1 or more).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Time spent measuring each line, in seconds (after warm-up).</summary>
    public double SecondsPerLine { get; init; } = 0.3;
    /// <summary>Also measure the int8 per-channel affine kernel.</summary>
    public bool IncludeAffine { get; init; } = true;
    /// <summary>Block formats (e.g. mxfp4, nvfp4, nvfp4-2d, bfp8) for <see cref="BlockKernels.Quantize"/> and
    /// <see cref="BlockKernels.Encode"/> on <see cref="Threads"/> threads (shape [n / 4096, 4096]), each with a line for the
    /// scalar <see cref="BlockFormat"/> reference (one thread, at most 2^18 elements); empty = none.</summary>
    public IReadOnlyList<string> BlockFormats { get; init; } = [];
}

/// <summary>
/// Throughput of the quantize kernels (out of place, float32 in and out), with baselines from the same run: a Vector512
/// float copy and, for binary16, TensorPrimitives.ConvertToHalf + ConvertToSingle. Inputs are normal samples scaled so
/// that about 1 in 10^4 exceeds the format's largest value (their magnitudes for unsigned formats). Each line warms up (tiered JIT) before it is timed; the
/// reported rate is the best of several timed repetitions.
/// </summary>
public static class QuantizeBench
{
    /// <summary>Runs the benchmark lines; <paramref name="progress"/> (optional) sees each result as it is measured.</summary>
    public static IReadOnlyList<QuantizeBenchResult> Run(QuantizeBenchOptions options, Action<QuantizeBenchResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "threads must be at least 1");
        var formats = options.Formats.Count > 0
            ? options.Formats.Select(FormatRegistry.Default.GetScalar).ToList()
            : FormatRegistry.Default.All.OfType<ScalarFormat>().Where(QuantizeKernels.IsVectorized).ToList();
        var modes = options.Modes.Count > 0 ? options.Modes : [RoundingMode.NearestEven, RoundingMode.TowardZero, RoundingMode.Stochastic];
        var results = new List<QuantizeBenchResult>();
        foreach (int n in options.Sizes)
        {
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(options), n, "sizes must be positive");
            float[] normal = NormalSamples(n, 42);
            var x = new float[n];
            var y = new float[n];
            var half = new Half[n];
            var ko = new KernelOptions { Threads = options.Threads };
            double copy = Measure(() => Copy(x, y), n, options.SecondsPerLine);
            void Add(QuantizeBenchResult r) { results.Add(r); progress?.Invoke(r); }
            Add(new("copy", "float32", "-", n, 1, copy, copy, 1.0));
            foreach (var f in formats)
            {
                Scale(normal, x, f.MaxFinite / 3.9, absolute: !f.IsSigned); // P(|z| > 3.9) ~ 1e-4
                if (f.Name == "binary16")
                {
                    double tp = Measure(() => { TensorPrimitives.ConvertToHalf(x, half); TensorPrimitives.ConvertToSingle(half, y); }, n, options.SecondsPerLine);
                    Add(new("TensorPrimitives.ConvertToHalf+ConvertToSingle", f.Name, "nearest-even", n, 1, tp, copy, tp / copy));
                }
                foreach (var mode in modes)
                {
                    var ro = new RoundingOptions(mode) { Seed = 1 };
                    double g = Measure(() => QuantizeKernels.Quantize(x, y, f, ro, ko), n, options.SecondsPerLine);
                    Add(new("quantize", f.Name, mode.Name(), n, options.Threads, g, copy, g / copy));
                }
            }
            foreach (string name in options.BlockFormats)
            {
                var block = FormatRegistry.Default.Get(name) as BlockFormat
                    ?? throw new ArgumentException($"'{name}' is not a block format", nameof(options));
                Scale(normal, x, 1.0);
                int length = n % 4096 == 0 ? 4096 : n;
                int[] shape = [n / length, length];
                int refN = Math.Min(n, 1 << 18), refLength = Math.Min(length, refN);
                int[] refShape = [refN / refLength, refLength];
                var elementCodes = new uint[n];
                var scaleCodes = new uint[block.ScaleCount(shape)];
                foreach (var mode in modes)
                {
                    var ro = new RoundingOptions(mode) { Seed = 1 };
                    double g = Measure(() => BlockKernels.Quantize(x, shape, y, block, ro, ko), n, options.SecondsPerLine);
                    Add(new("block-quantize", block.Name, mode.Name(), n, options.Threads, g, copy, g / copy));
                    double e = Measure(() => BlockKernels.Encode(x, shape, elementCodes, scaleCodes, block, ro, ko), n, options.SecondsPerLine);
                    Add(new("block-encode", block.Name, mode.Name(), n, options.Threads, e, copy, e / copy));
                    double r = Measure(() => block.Quantize(x.AsSpan(0, refN), refShape, y.AsSpan(0, refN), ro), refN, options.SecondsPerLine);
                    Add(new("block-reference", block.Name, mode.Name(), refN, 1, r, copy, r / copy));
                }
            }
            if (options.IncludeAffine)
            {
                var int8 = (IntegerFormat)FormatRegistry.Default.GetScalar("int8");
                int channels = 256, inner = n / channels;
                if (inner >= 1 && n % channels == 0)
                {
                    Scale(normal, x, 1.0);
                    var quantizer = ScaleCalibration.PerChannel(int8, x, [channels, inner], axis: 0);
                    int[] shape = [channels, inner];
                    foreach (var mode in modes)
                    {
                        var ro = new RoundingOptions(mode) { Seed = 1 };
                        double g = Measure(() => AffineKernels.Quantize(x, shape, y, quantizer, ro, ko), n, options.SecondsPerLine);
                        Add(new("affine-per-channel", "int8", mode.Name(), n, options.Threads, g, copy, g / copy));
                    }
                }
            }
        }
        return results;
    }

    /// <summary>The memory ceiling: a plain Vector512 copy.</summary>
    private static void Copy(float[] x, float[] y)
    {
        ref float src = ref MemoryMarshal.GetArrayDataReference(x);
        ref float dst = ref MemoryMarshal.GetArrayDataReference(y);
        nuint n = (nuint)x.Length, i = 0;
        for (; i + 16 <= n; i += 16) Vector512.LoadUnsafe(ref src, i).StoreUnsafe(ref dst, i);
        for (; i < n; i++) y[i] = x[i];
    }

    private static double Measure(Action action, int n, double seconds)
    {
        // Warm up past tiered compilation (tier 0 -> OSR -> tier 1) before timing.
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 40 || warm.Elapsed.TotalSeconds < Math.Min(0.25, seconds)) { action(); calls++; }
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        int reps = 0;
        do
        {
            int inner = Math.Max(1, (int)(calls / Math.Max(warm.Elapsed.TotalSeconds, 1e-9) * 0.02));
            var sw = Stopwatch.StartNew();
            for (int k = 0; k < inner; k++) action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds / inner);
            reps++;
        } while (total.Elapsed.TotalSeconds < seconds || reps < 3);
        return n / best / 1e9;
    }

    private static float[] NormalSamples(int n, int seed)
    {
        var rng = new System.Random(seed);
        var z = new float[n];
        for (int i = 0; i < n; i += 2)
        {
            double u = 1 - rng.NextDouble(), v = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u));
            z[i] = (float)(r * Math.Cos(2 * Math.PI * v));
            if (i + 1 < n) z[i + 1] = (float)(r * Math.Sin(2 * Math.PI * v));
        }
        return z;
    }

    private static void Scale(float[] z, float[] x, double scale, bool absolute = false)
    {
        float s = (float)Math.Min(scale, 1e30);
        for (int i = 0; i < z.Length; i++) x[i] = absolute ? MathF.Abs(z[i] * s) : z[i] * s;
    }
}
