using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The float32-lane accumulator (sequential and chunked orders) as a frame kernel: K in blocks of KC (the accumulator
/// state is exact, so blocking never changes bits), B packed into 16-column panels and A into 8-row panels (scaled by
/// <see cref="Float32LaneRounding.ScaleB"/> and <see cref="Float32LaneRounding.ScaleA"/> for the sequential order), then
/// <see cref="NarrowAccumulatorKernel"/> on every 8 x 16 tile (Vector512, Vector256 or scalar lanes) into an accumulator
/// tile of its own (and a chunk-sum tile for the chunked order). Tiles whose kernel saw a value beyond the format's range,
/// or whose rows / columns hold inputs that do not scale exactly, are reported to the caller for the exact path.
/// </summary>
internal readonly unsafe struct NarrowAccumulatorDriver : IGemmKernel
{
    private const int MR = NarrowAccumulatorKernel.MR, NR = NarrowAccumulatorKernel.NR;
    private readonly float* _a, _b, _acc, _partial;
    private readonly int _n, _k, _tilesJ, _chunk;
    private readonly Float32LaneRounding _plan;
    private readonly bool _chunked;
    private readonly float _scaleA, _scaleB;
    private readonly bool[] _bad;
    private readonly bool[]? _inRange;

    private NarrowAccumulatorDriver(float* a, float* b, int n, int k, Float32LaneRounding plan, AccumulationOrder order, float* acc,
        float* partial, bool[] bad, bool[]? inRange, int tilesJ)
    {
        _a = a; _b = b; _n = n; _k = k; _plan = plan; _acc = acc; _partial = partial; _bad = bad; _inRange = inRange; _tilesJ = tilesJ;
        _chunked = order.Kind == AccumulationOrderKind.Chunked;
        _chunk = order.ChunkSize;
        _scaleA = _chunked ? 1f : plan.ScaleA;
        _scaleB = _chunked ? 1f : plan.ScaleB;
    }

    /// <summary>Computes C (m x n); returns the tiles (row0, row1, col0, col1) to redo exactly.</summary>
    public static List<(int R0, int R1, int C0, int C1)> Run(float* a, float* b, float* c, int m, int n, int k, Float32LaneRounding plan,
        AccumulationOrder order, int threads)
    {
        var redo = new List<(int, int, int, int)>();
        if (m == 0 || n == 0) return redo;
        bool chunked = order.Kind == AccumulationOrderKind.Chunked;
        int tilesI = (m + MR - 1) / MR, tilesJ = (n + NR - 1) / NR;
        var bad = new bool[tilesI * tilesJ];
        if (!chunked) MarkInexactScaling(a, b, n, k, plan, 0, m, 0, n, bad, tilesJ);
        bool[]? inRange = chunked ? null : ProvenInRange(a, b, n, k, plan, 0, m, 0, n, tilesJ);
        long tileBytes = (long)tilesI * tilesJ * MR * NR * sizeof(float);
        using var acc = PackingBuffers.Rent(tileBytes);
        using var partial = PackingBuffers.Rent(chunked ? tileBytes : 0);
        NativeMemory.Clear(acc.Pointer, (nuint)tileBytes);
        if (chunked) NativeMemory.Clear(partial.Pointer, (nuint)tileBytes);
        GemmFrame.Run(new NarrowAccumulatorDriver(a, b, n, k, plan, order, (float*)acc.Pointer, chunked ? (float*)partial.Pointer : null,
                bad, inRange, tilesJ), m, n, k, threads);
        float scale = MathF.ScaleB(1f, plan.ScaleExponent);
        for (int ti = 0; ti < tilesI; ti++)
            for (int tj = 0; tj < tilesJ; tj++)
            {
                int i0 = ti * MR, j0 = tj * NR, i1 = Math.Min(m, i0 + MR), j1 = Math.Min(n, j0 + NR);
                if (bad[ti * tilesJ + tj]) { redo.Add((i0, i1, j0, j1)); continue; }
                float* at = (float*)acc.Pointer + (long)(ti * tilesJ + tj) * MR * NR;
                for (int i = i0; i < i1; i++)
                {
                    if (j1 - j0 == NR && Vector512.IsHardwareAccelerated)
                        (Vector512.Load(at + (i - i0) * NR) * scale).Store(c + (long)i * n + j0);
                    else
                        for (int j = j0; j < j1; j++) c[(long)i * n + j] = at[(i - i0) * NR + (j - j0)] * scale;
                }
            }
        return redo;
    }

    public GemmBlocking Blocking => GemmBlockingTable.NarrowAccumulator;

    public long PanelBytesA(int kc) => (long)kc * MR * sizeof(float);

    public long PanelBytesB(int kc) => (long)kc * NR * sizeof(float);

    public byte* PackA(byte* dst, int i0, int rows, int p0, int kc)
    {
        PackA(_a, _k, i0, rows, p0, kc, _scaleA, (float*)dst);
        return dst;
    }

    public byte* PackB(byte* dst, int p0, int kc, int j0, int cols)
    {
        PackB(_b, _n, p0, kc, j0, cols, _scaleB, (float*)dst);
        return dst;
    }

    public void Tile(byte* ap, byte* bp, int i0, int j0, int rows, int cols, int p0, int kc)
    {
        int tile = i0 / MR * _tilesJ + j0 / NR;
        float* at = _acc + (long)tile * MR * NR;
        float* pt = _partial == null ? null : _partial + (long)tile * MR * NR;
        if (Tile(kc, (float*)ap, (float*)bp, at, pt, _plan, _chunked, _inRange is not null && _inRange[tile], p0, _chunk, _k)) _bad[tile] = true;
    }

    /// <summary>One tile step with the mode's kernel rule (see <see cref="NarrowAccumulatorKernel"/>: nearest modes truncate
    /// s + half, directed modes take their own rule).</summary>
    private static bool Tile(int kc, float* a, float* b, float* acc, float* partial, Float32LaneRounding plan, bool chunked, bool inRange,
        int t0, int chunk, int k) => plan.Nearest ? Width<TowardZeroRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k) : plan.Mode switch
    {
        RoundingMode.TowardZero => Width<TowardZeroRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k),
        RoundingMode.TowardPositive => Width<TowardPositiveRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k),
        RoundingMode.TowardNegative => Width<TowardNegativeRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k),
        _ => throw new InvalidOperationException($"no kernel rule for the directed mode {plan.Mode}"),
    };

    private static bool Width<TRule>(int kc, float* a, float* b, float* acc, float* partial, Float32LaneRounding plan, bool chunked, bool inRange,
        int t0, int chunk, int k) where TRule : struct, IRoundingRule
    {
        if (Vector512.IsHardwareAccelerated) return Run<Lanes512, TRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k);
        if (Vector256.IsHardwareAccelerated) return Run<Lanes256, TRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k);
        return Run<Lanes1, TRule>(kc, a, b, acc, partial, plan, chunked, inRange, t0, chunk, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Run<TV, TRule>(int kc, float* a, float* b, float* acc, float* partial, Float32LaneRounding plan, bool chunked, bool inRange,
        int t0, int chunk, int k) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        bool bad = false;
        for (int j = 0; j < NR; j += TV.Count)
            bad |= chunked ? NarrowAccumulatorKernel.Chunked<TV, TRule>(kc, a, b, acc, partial, j, t0, chunk, k, plan)
                : inRange ? NarrowAccumulatorKernel.Sequential<TV, NarrowAccumulatorKernel.Bounded, TRule>(kc, a, b, acc, j, plan)
                : NarrowAccumulatorKernel.Sequential<TV, NarrowAccumulatorKernel.Tracked, TRule>(kc, a, b, acc, j, plan);
        return bad;
    }

    /// <summary>
    /// Tiles where no accumulator can leave the format's range: |acc| never exceeds k * max|a| * max|b| grown by the
    /// relative rounding error (1 + u) per step (at most exp(k u)) plus k subnormal steps (grown alike), so a bound below
    /// the maximum finite value proves it (NaN or infinite inputs fail the test).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool[] ProvenInRange(float* a, float* b, int n, int k, Float32LaneRounding plan, int r0, int r1, int c0, int c1, int tilesJ)
    {
        int tilesI = (r1 - r0 + MR - 1) / MR;
        var rowMax = new float[tilesI];
        var colMax = new float[tilesJ];
        for (int i = r0; i < r1; i++) rowMax[(i - r0) / MR] = MaxAbs(new ReadOnlySpan<float>(a + (long)i * k, k), rowMax[(i - r0) / MR]);
        var col = new float[c1 - c0];
        for (int t = 0; t < k; t++)
        {
            ReadOnlySpan<float> row = new ReadOnlySpan<float>(b + (long)t * n + c0, c1 - c0);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; j + 8 <= row.Length; j += 8)
                {
                    var x = Vector256.Create(row.Slice(j, 8));
                    var m = Vector256.Create(col.AsSpan(j, 8));
                    // NaN anywhere in a column keeps the column NaN (a NaN input fails the bound).
                    var nan = ~Vector256.Equals(x, x) | ~Vector256.Equals(m, m);
                    Vector256.ConditionalSelect(nan, Vector256.Create(float.NaN), Vector256.Max(m, Vector256.Abs(x))).CopyTo(col.AsSpan(j, 8));
                }
            for (; j < row.Length; j++) col[j] = MaxOrNaN(col[j], MathF.Abs(row[j]));
        }
        for (int j = 0; j < col.Length; j++) colMax[j / NR] = MaxOrNaN(colMax[j / NR], col[j]);
        var f = plan.Adder.Format;
        // One rounding moves |acc| away from zero by at most a relative 2^-p (nearest) or 2^(1-p) (directed), or by a
        // subnormal step; (1 + u)^k <= exp(k u); 1% covers the double arithmetic of the bound itself.
        double u = Math.ScaleB(1.0, -(f.MantissaBits + 1)) * (plan.Nearest ? 1 : 2);
        double growth = Math.Exp(k * u) * 1.01, slack = k * f.MinSubnormal * growth;
        var result = new bool[tilesI * tilesJ];
        for (int ti = 0; ti < tilesI; ti++)
            for (int tj = 0; tj < tilesJ; tj++)
                result[ti * tilesJ + tj] = (double)k * rowMax[ti] * colMax[tj] * growth + slack < f.MaxFinite;
        return result;
    }

    private static float MaxOrNaN(float x, float y) => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : Math.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float MaxAbs(ReadOnlySpan<float> x, float start)
    {
        float m = start;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && i + 8 <= x.Length)
        {
            var v = Vector256<float>.Zero;
            var nan = Vector256<float>.Zero;
            for (; i + 8 <= x.Length; i += 8)
            {
                var y = Vector256.Create(x.Slice(i, 8));
                v = Vector256.Max(v, Vector256.Abs(y));
                nan |= ~Vector256.Equals(y, y);
            }
            if (nan != Vector256<float>.Zero) return float.NaN;
            for (int l = 0; l < 8; l++) m = MaxOrNaN(m, v[l]);
        }
        for (; i < x.Length; i++) m = MaxOrNaN(m, MathF.Abs(x[i]));
        return m;
    }

    /// <summary>Rows i0.. (rows of them, zero padded to MR) and columns p0..p0+kc of A, times scale: dst[p * MR + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* pa, int k, int i0, int rows, int p0, int kc, float scale, float* dst)
    {
        if (rows == MR)
        {
            float* s0 = pa + (long)i0 * k + p0;
            for (int p = 0; p < kc; p++, dst += MR)
            {
                float* s = s0 + p;
                dst[0] = s[0] * scale; dst[1] = s[k] * scale; dst[2] = s[2 * k] * scale; dst[3] = s[3 * k] * scale;
                dst[4] = s[4 * k] * scale; dst[5] = s[5 * k] * scale; dst[6] = s[6 * k] * scale; dst[7] = s[7 * k] * scale;
            }
            return;
        }
        for (int r = 0; r < MR; r++)
        {
            float* src = pa + (long)(i0 + r) * k + p0;
            if (r < rows) for (int p = 0; p < kc; p++) dst[p * MR + r] = src[p] * scale;
            else for (int p = 0; p < kc; p++) dst[p * MR + r] = 0f;
        }
    }

    /// <summary>Rows p0..p0+kc and columns j0.. (cols of them, zero padded to NR) of B, times scale: dst[p * NR + c].</summary>
    private static void PackB(float* pb, int n, int p0, int kc, int j0, int cols, float scale, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            float* src = pb + (long)(p0 + p) * n + j0;
            float* d = dst + p * NR;
            if (cols == NR && Vector512.IsHardwareAccelerated) (Vector512.Load(src) * scale).Store(d);
            else
            {
                for (int cc = 0; cc < cols; cc++) d[cc] = src[cc] * scale;
                for (int cc = cols; cc < NR; cc++) d[cc] = 0f;
            }
        }
    }

    /// <summary>Marks tiles with a row of A or a column of B holding a nonzero input too small to scale exactly.</summary>
    private static void MarkInexactScaling(float* a, float* b, int n, int k, Float32LaneRounding plan, int r0, int r1, int c0, int c1, bool[] bad, int tilesJ)
    {
        if (plan.TinyA > 0)
            for (int i = r0; i < r1; i++)
                if (HasTiny(new ReadOnlySpan<float>(a + (long)i * k, k), plan.TinyA))
                    for (int tj = 0; tj < tilesJ; tj++) bad[((i - r0) / MR) * tilesJ + tj] = true;
        if (plan.TinyB > 0)
        {
            var tinyColumn = new bool[c1 - c0];
            for (int t = 0; t < k; t++)
            {
                ReadOnlySpan<float> row = new ReadOnlySpan<float>(b + (long)t * n + c0, c1 - c0);
                if (!HasTiny(row, plan.TinyB)) continue;
                for (int j = 0; j < row.Length; j++)
                    if (row[j] != 0 && MathF.Abs(row[j]) < plan.TinyB) tinyColumn[j] = true;
            }
            for (int j = 0; j < tinyColumn.Length; j++)
                if (tinyColumn[j])
                    for (int ti = 0; ti < bad.Length / tilesJ; ti++) bad[ti * tilesJ + j / NR] = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HasTiny(ReadOnlySpan<float> x, float tiny)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(tiny);
            var any = Vector256<float>.Zero;
            for (; i + 8 <= x.Length; i += 8)
            {
                var v = Vector256.Create(x.Slice(i, 8));
                any |= Vector256.LessThan(Vector256.Abs(v), t) & ~Vector256.Equals(v, Vector256<float>.Zero);
            }
            if (any != Vector256<float>.Zero) return true;
        }
        for (; i < x.Length; i++)
            if (x[i] != 0 && MathF.Abs(x[i]) < tiny) return true;
        return false;
    }
}
