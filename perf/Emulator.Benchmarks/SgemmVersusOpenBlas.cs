using System.Diagnostics;
using System.Runtime.InteropServices;
using Emulator.Kernels.Gemm;

namespace Emulator.Benchmarks;

/// <summary>
/// Our <see cref="Sgemm"/> and OpenBLAS's cblas_sgemm on the same row-major shapes in the same process, timed in
/// interleaved rounds (a burst of load from other processes hits both alike); prints the median GFLOP/s of each and their
/// ratio, by wall time and by the thread's CPU time. Run through <c>perf/sgemm-vs-openblas.sh</c>, which pins OpenBLAS to one thread and its AVX-512 kernel
/// (<c>OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1</c>; Debian: <c>apt-get install libopenblas-dev</c>).
/// </summary>
internal static class SgemmVersusOpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    private static double ThreadCpuSeconds()
    {
        ClockGetTime(ThreadCpuClock, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [DllImport("libopenblas.so.0", EntryPoint = "cblas_sgemm")]
    private static extern unsafe void CblasSgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc);

    /// <summary>One measured shape: op(A) m x k, op(B) k x n, and where it comes from.</summary>
    public sealed record Shape(string Name, Transpose TransA, Transpose TransB, int M, int N, int K);

    /// <summary>n = 2048 and the training shapes of the autograd floor (conv as im2col on 28 x 28 x 128, a 1568 -> 128 layer).</summary>
    public static IReadOnlyList<Shape> DefaultShapes { get; } =
    [
        new("square-2048", Transpose.None, Transpose.None, 2048, 2048, 2048),
        new("conv1-forward", Transpose.None, Transpose.None, 16, 100352, 25),
        new("conv1-dW (dY Xt)", Transpose.None, Transpose.Transposed, 16, 25, 100352),
        new("conv1-dX (Wt dY)", Transpose.Transposed, Transpose.None, 25, 100352, 16),
        new("conv2-forward", Transpose.None, Transpose.None, 32, 25088, 400),
        new("conv2-dW (dY Xt)", Transpose.None, Transpose.Transposed, 32, 400, 25088),
        new("conv2-dX (Wt dY)", Transpose.Transposed, Transpose.None, 400, 25088, 32),
        new("fc-forward (X Wt)", Transpose.None, Transpose.Transposed, 128, 128, 1568),
        new("fc-forward (W X)", Transpose.None, Transpose.None, 128, 128, 1568),
        new("fc-dX (dY W)", Transpose.None, Transpose.None, 128, 1568, 128),
        new("fc-dW (dYt X)", Transpose.Transposed, Transpose.None, 128, 1568, 128),
        new("m128-k1568-n4096", Transpose.None, Transpose.None, 128, 4096, 1568),
    ];

    /// <summary>Measures every shape; <paramref name="seconds"/> is the rough time per shape and library.</summary>
    public static unsafe void Run(IReadOnlyList<Shape> shapes, double seconds, TextWriter output)
    {
        output.WriteLine($"{"shape",-20} {"ta",2} {"tb",2} {"m",6} {"n",7} {"k",7} {"ours GF/s",10} {"openblas",10} {"ratio",6} {"cpu:ours",10} {"openblas",10} {"ratio",6} {"bits",6}");
        foreach (var s in shapes)
        {
            bool ta = s.TransA == Transpose.Transposed, tb = s.TransB == Transpose.Transposed;
            int lda = ta ? s.M : s.K, ldb = tb ? s.K : s.N, ldc = s.N;
            float[] a = Random((long)s.M * s.K, 1), b = Random((long)s.K * s.N, 2);
            float[] c1 = new float[(long)s.M * s.N], c2 = new float[(long)s.M * s.N];
            double flops = 2.0 * s.M * s.N * s.K;
            void Ours() => Sgemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c1, ldc, 1);
            void Blas()
            {
                fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c2)
                    CblasSgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, s.M, s.N, s.K, 1f, pa, lda, pb, ldb, 0f, pc, ldc);
            }
            // Warm-up: tier-1 code for ours, page faults and OpenBLAS's buffers for both; then a rough time per call.
            var probe = Stopwatch.StartNew();
            int warm = 0;
            do { Ours(); Blas(); warm++; } while (warm < 3 || (warm < 60 && probe.Elapsed.TotalSeconds < 0.5));
            double perPair = probe.Elapsed.TotalSeconds / warm;
            int reps = Math.Clamp((int)(2 * seconds / perPair), 5, 201) | 1;
            var ours = new double[reps];
            var blas = new double[reps];
            var oursCpu = new double[reps];
            var blasCpu = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                (ours[r], oursCpu[r]) = Time(Ours);
                (blas[r], blasCpu[r]) = Time(Blas);
            }
            Array.Sort(ours);
            Array.Sort(blas);
            Array.Sort(oursCpu);
            Array.Sort(blasCpu);
            double go = flops / ours[reps / 2] / 1e9, gb = flops / blas[reps / 2] / 1e9;
            double bo = flops / oursCpu[reps / 2] / 1e9, bb = flops / blasCpu[reps / 2] / 1e9;
            // Both results against each other, relative to the largest |C| (elements near cancellation differ relatively).
            double maxDiff = 0, maxC = 0;
            for (long i = 0; i < c1.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(c1[i] - c2[i])); maxC = Math.Max(maxC, Math.Abs(c2[i])); }
            double maxRel = maxDiff / Math.Max(maxC, 1e-30);
            output.WriteLine($"{s.Name,-20} {(ta ? "T" : "N"),2} {(tb ? "T" : "N"),2} {s.M,6} {s.N,7} {s.K,7} {go,10:F1} {gb,10:F1} {go / gb,6:F2} {bo,10:F1} {bb,10:F1} {bo / bb,6:F2} {(maxRel < 1e-4 ? "ok" : $"{maxRel:E1}"),6}");
        }
    }

    /// <summary>Wall time and the calling thread's CPU time of one call (on a shared machine the CPU time leaves out the
    /// time other processes held the core; both libraries run on the calling thread).</summary>
    private static (double Wall, double Cpu) Time(Action run)
    {
        double c0 = ThreadCpuSeconds();
        long t0 = Stopwatch.GetTimestamp();
        run();
        return (Stopwatch.GetElapsedTime(t0).TotalSeconds, ThreadCpuSeconds() - c0);
    }

    private static float[] Random(long count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (long i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Parses <c>name:ta:tb:m:n:k</c> (ta, tb: N or T).</summary>
    public static Shape Parse(string text)
    {
        string[] p = text.Split(':');
        if (p.Length != 6) throw new ArgumentException($"shape '{text}' must be name:ta:tb:m:n:k (ta, tb: N or T)", nameof(text));
        static Transpose T(string x) => x is "T" or "t" ? Transpose.Transposed : Transpose.None;
        return new Shape(p[0], T(p[1]), T(p[2]), int.Parse(p[3]), int.Parse(p[4]), int.Parse(p[5]));
    }
}
