using BenchmarkDotNet.Attributes;
using Emulator.Formats;

namespace Emulator.Benchmarks;

/// <summary>
/// Encode (nearest codeword) and decode throughput of the lattice presets on N(0, 1) vectors. Each benchmark processes
/// <see cref="Vectors"/> vectors, so vectors/s = Vectors / mean time.
/// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*LatticeBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class LatticeBenchmarks
{
    /// <summary>Vectors per benchmark invocation.</summary>
    public const int Vectors = 256;

    [Params("e8", "e8p", "leech")]
    public string Format { get; set; } = "e8p";

    private VectorCodec _codec = null!;
    private float[] _values = null!;
    private ulong[] _indices = null!;
    private float[] _decoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _codec = (VectorCodec)FormatRegistry.Default.Get(Format);
        var rng = new Random(1);
        _values = new float[Vectors * _codec.Dimension];
        for (int i = 0; i < _values.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            _values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        _indices = new ulong[Vectors];
        _decoded = new float[_values.Length];
        _codec.Encode(_values, _indices, _codec.Scale);
    }

    [Benchmark(OperationsPerInvoke = Vectors)]
    public void Encode() => _codec.Encode(_values, _indices, _codec.Scale);

    [Benchmark(OperationsPerInvoke = Vectors)]
    public void Decode() => _codec.Decode(_indices, _decoded, _codec.Scale);
}

/// <summary>The exhaustive E8P search, as the baseline of the structured one (per vector).</summary>
public class E8PSearchBenchmarks
{
    private readonly double[][] _points = new double[64][];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        for (int p = 0; p < _points.Length; p++) _points[p] = Enumerable.Range(0, 8).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 64)]
    public int Exhaustive()
    {
        int s = 0;
        foreach (double[] x in _points) s ^= E8PCodec.EncodeExhaustive(x);
        return s;
    }

    private readonly E8PCodec _codec = new(FormatInfo.Named("e8p"));

    [Benchmark(OperationsPerInvoke = 64)]
    public ulong Structured()
    {
        ulong s = 0;
        foreach (double[] x in _points) s ^= _codec.EncodeUnscaled(x);
        return s;
    }
}
