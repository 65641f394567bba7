using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Emulator.Formats;
using Emulator.Kernels;

namespace Emulator.Benchmarks;

/// <summary>Quantize kernels against the memory ceiling (a Vector512 copy) and TensorPrimitives' binary16 round trip.</summary>
[MemoryDiagnoser]
public class QuantizeBenchmarks
{
    private float[] _x = [], _y = [];
    private Half[] _half = [];
    private ScalarFormat _format = null!;
    private RoundingOptions _rounding;

    [Params(1 << 12, 1 << 24)]
    public int Elements { get; set; }

    [Params("e4m3", "e5m2", "bfloat16", "binary16", "e2m1", "int8")]
    public string Format { get; set; } = "e4m3";

    [Params(RoundingMode.NearestEven, RoundingMode.TowardZero, RoundingMode.Stochastic)]
    public RoundingMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _format = FormatRegistry.Default.GetScalar(Format);
        _rounding = new RoundingOptions(Mode) { Seed = 1 };
        var rng = new Random(42);
        _x = new float[Elements];
        _y = new float[Elements];
        _half = new Half[Elements];
        float scale = (float)Math.Min(_format.MaxFinite / 3.9, 1e30);
        for (int i = 0; i < Elements; i++) _x[i] = (float)((rng.NextDouble() * 2 - 1) * 2 * scale);
    }

    [Benchmark(Baseline = true)]
    public void Copy()
    {
        int i = 0;
        for (; i + 16 <= _x.Length; i += 16) Vector512.LoadUnsafe(ref _x[0], (nuint)i).StoreUnsafe(ref _y[0], (nuint)i);
    }

    [Benchmark]
    public void Quantize() => QuantizeKernels.Quantize(_x, _y, _format, _rounding);

    [Benchmark]
    public void TensorPrimitivesHalfRoundTrip()
    {
        TensorPrimitives.ConvertToHalf(_x, _half);
        TensorPrimitives.ConvertToSingle(_half, _y);
    }
}
