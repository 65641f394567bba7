using BenchmarkDotNet.Attributes;
using Emulator.Formats;

namespace Emulator.Benchmarks;

/// <summary>Scalar throughput of posit16 add and multiply (the <see cref="Posit16"/> operators) and float32 -> posit16 conversion.
/// Each benchmark processes <see cref="Count"/> elements; the reported time is per element.</summary>
[MemoryDiagnoser]
public class PositBenchmarks
{
    private const int Count = 4096;
    private Posit16[] _a = [], _b = [];
    private float[] _x = [];
    private ushort[] _codes = [];

    /// <summary>Random operands: posit16 codes (NaR excluded) and float32 values spread over the posit16 range.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20221);
        _a = new Posit16[Count];
        _b = new Posit16[Count];
        _x = new float[Count];
        _codes = new ushort[Count];
        for (int i = 0; i < Count; i++)
        {
            _a[i] = Posit16.FromBits((ushort)(random.Next(1, 0x8000) | (random.Next(2) << 15)));
            _b[i] = Posit16.FromBits((ushort)(random.Next(1, 0x8000) | (random.Next(2) << 15)));
            if (Posit16.IsNaR(_a[i])) _a[i] = Posit16.One;
            if (Posit16.IsNaR(_b[i])) _b[i] = Posit16.One;
            _x[i] = (float)(Math.ScaleB(random.NextDouble() + 0.5, random.Next(-40, 40)) * (random.Next(2) == 0 ? -1 : 1));
        }
    }

    /// <summary>posit16 a + b, correctly rounded.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int Add()
    {
        int acc = 0;
        Posit16[] a = _a, b = _b;
        for (int i = 0; i < a.Length; i++) acc ^= (a[i] + b[i]).Bits;
        return acc;
    }

    /// <summary>posit16 a * b, correctly rounded.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int Multiply()
    {
        int acc = 0;
        Posit16[] a = _a, b = _b;
        for (int i = 0; i < a.Length; i++) acc ^= (a[i] * b[i]).Bits;
        return acc;
    }

    /// <summary>float32 -> posit16, nearest-even on the bit string.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int FromFloat()
    {
        float[] x = _x;
        ushort[] codes = _codes;
        for (int i = 0; i < x.Length; i++) codes[i] = ((Posit16)x[i]).Bits;
        return codes[^1];
    }
}
