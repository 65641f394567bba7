using BenchmarkDotNet.Attributes;
using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Benchmarks;

/// <summary>
/// The GEMM family at n = m = k = N, one and two threads; SGEMM is the baseline, so BenchmarkDotNet's Ratio column is the
/// ratio to our SGEMM. Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*GemmBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private sbyte[] _a8 = [], _b8 = [];
    private int[] _c32 = [];
    private byte[] _e4m3A = [], _e4m3B = [];
    private BlockScaledMatrix? _mxA, _mxB, _nvA, _nvB;
    private LowPrecisionAdder? _binary16;
    private ScalarFormat? _e4m3;

    /// <summary>Matrix size.</summary>
    [Params(256, 1024, 2048)]
    public int N { get; set; }

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Random inputs for every kernel.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int s = N;
        var rng = new Random(1);
        _a = new float[s * s]; _b = new float[s * s]; _c = new float[s * s];
        _a8 = new sbyte[s * s]; _b8 = new sbyte[s * s]; _c32 = new int[s * s];
        _e4m3A = new byte[s * s]; _e4m3B = new byte[s * s];
        _e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        for (int i = 0; i < s * s; i++)
        {
            _a[i] = (float)(rng.NextDouble() * 2 - 1); _b[i] = (float)(rng.NextDouble() * 2 - 1);
            _a8[i] = (sbyte)rng.Next(-128, 128); _b8[i] = (sbyte)rng.Next(-128, 128);
            _e4m3A[i] = (byte)(rng.Next(0, 0x7F) | (rng.Next(2) << 7)); _e4m3B[i] = (byte)(rng.Next(0, 0x7F) | (rng.Next(2) << 7));
        }
        var e2m1 = FormatRegistry.Default.GetScalar("e2m1");
        byte[] Codes(int seed) { var r = new Random(seed); var x = new byte[s * s]; for (int i = 0; i < x.Length; i++) x[i] = (byte)r.Next(16); return x; }
        byte[] Scales(int count, int lo, int hi, int seed) { var r = new Random(seed); var x = new byte[count]; for (int i = 0; i < x.Length; i++) x[i] = (byte)r.Next(lo, hi); return x; }
        _mxA = BlockScaledMatrix.Mx(e2m1, s, s, Codes(2), Scales(s * ((s + 31) / 32), 120, 135, 3));
        _mxB = BlockScaledMatrix.Mx(e2m1, s, s, Codes(4), Scales(s * ((s + 31) / 32), 120, 135, 5));
        _nvA = BlockScaledMatrix.Nvfp4(s, s, Codes(6), Scales(s * ((s + 15) / 16), 40, 70, 7), 0.01f);
        _nvB = BlockScaledMatrix.Nvfp4(s, s, Codes(8), Scales(s * ((s + 15) / 16), 40, 70, 9), 0.02f);
        _binary16 = new LowPrecisionAdder((FloatFormat)FormatRegistry.Default.GetScalar("binary16"), default);
    }

    /// <summary>float32 SGEMM (the baseline).</summary>
    [Benchmark(Baseline = true)]
    public void Sgemm() => Emulator.Kernels.Gemm.Sgemm.Multiply(_a, _b, _c, N, N, N, Threads);

    /// <summary>Exact int8 x int8 -> int32.</summary>
    [Benchmark]
    public void Int8() => IntegerGemm.Multiply(_a8, _b8, _c32, N, N, N, GemmOptions.WithThreads(Threads));

    /// <summary>OCP e4m3 codes in, float32 accumulation.</summary>
    [Benchmark]
    public void E4m3Input() => LowPrecisionGemm.Multiply(_e4m3!, _e4m3A, _e4m3!, _e4m3B, _c, N, N, N, GemmOptions.WithThreads(Threads));

    /// <summary>MXFP4 (E2M1, E8M0 scales, blocks of 32).</summary>
    [Benchmark]
    public void Mxfp4() => BlockScaledGemm.Multiply(_mxA!, _mxB!, _c, GemmOptions.WithThreads(Threads));

    /// <summary>NVFP4 (E2M1, UE4M3 scales, blocks of 16, tensor scales).</summary>
    [Benchmark]
    public void Nvfp4() => BlockScaledGemm.Multiply(_nvA!, _nvB!, _c, GemmOptions.WithThreads(Threads));

    /// <summary>binary16 accumulator, nearest-even after every addition, sequential over K.</summary>
    [Benchmark]
    public void Binary16Accumulator() => EmulatedAccumulatorGemm.Multiply(_a, _b, _c, N, N, N, _binary16!, AccumulationOrder.Sequential, GemmOptions.WithThreads(Threads));
}
