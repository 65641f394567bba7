using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Max pooling with 2x2 windows at stride 2 (every window inside the plane), with the plane offset of each maximum. The
/// candidates of a window are taken in row-major order and candidate v replaces the maximum m when v &gt; m or v is NaN
/// (PyTorch's rule: the first maximum, NaN propagates); the vector paths compute exactly that compare-and-select per lane,
/// eight (or four) outputs at a time from deinterleaved even and odd columns (8-lane shuffles), the last chunk of a row
/// overlapping.
/// </summary>
internal static unsafe class MaxPool2x2
{
    /// <summary>Pools one plane (w columns) into oh x ow outputs and their indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Plane(float* x, int w, int oh, int ow, float* y, int* index)
    {
        for (int r = 0; r < oh; r++)
        {
            float* row0 = x + 2 * r * w;
            float* yr = y + r * ow;
            int* ir = index + r * ow;
            int rowBase = 2 * r * w;
            if (Vector256.IsHardwareAccelerated && ow >= 8)
            {
                for (int q = 0; ; q += 8)
                {
                    int q0 = Math.Min(q, ow - 8);
                    Chunk8(row0 + 2 * q0, w, rowBase + 2 * q0, yr + q0, ir + q0);
                    if (q0 == ow - 8) break;
                }
            }
            else if (Vector256.IsHardwareAccelerated && ow >= 4)
            {
                for (int q = 0; ; q += 4)
                {
                    int q0 = Math.Min(q, ow - 4);
                    Chunk4(row0 + 2 * q0, w, rowBase + 2 * q0, yr + q0, ir + q0);
                    if (q0 == ow - 4) break;
                }
            }
            else
                for (int q = 0; q < ow; q++) Scalar(row0 + 2 * q, w, rowBase + 2 * q, yr + q, ir + q);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(float* a, int w, int at, float* y, int* index)
    {
        float best = a[0];
        int bestAt = at;
        float v = a[1];
        if (v > best || float.IsNaN(v)) { best = v; bestAt = at + 1; }
        v = a[w];
        if (v > best || float.IsNaN(v)) { best = v; bestAt = at + w; }
        v = a[w + 1];
        if (v > best || float.IsNaN(v)) { best = v; bestAt = at + w + 1; }
        *y = best;
        *index = bestAt;
    }

    /// <summary>Outputs q0..q0+7 of a row pair: inputs a[0..16) and a[w..w+16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk8(float* a, int w, int at, float* y, int* index)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var t0 = Vector256.Shuffle(Vector256.Load(a), split);
        var t1 = Vector256.Shuffle(Vector256.Load(a + 8), split);
        var b0 = Vector256.Shuffle(Vector256.Load(a + w), split);
        var b1 = Vector256.Shuffle(Vector256.Load(a + w + 8), split);
        var (best, bestAt) = Select(Vector256.Create(t0.GetLower(), t1.GetLower()), Vector256.Create(t0.GetUpper(), t1.GetUpper()),
            Vector256.Create(b0.GetLower(), b1.GetLower()), Vector256.Create(b0.GetUpper(), b1.GetUpper()),
            Vector256.Create(at) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), w);
        best.Store(y);
        bestAt.Store(index);
    }

    /// <summary>Outputs q0..q0+3 of a row pair: inputs a[0..8) and a[w..w+8) (one 8-lane load per row, split into its even
    /// and odd halves; the compare-and-select runs on 8 lanes, the upper four repeating the lower).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk4(float* a, int w, int at, float* y, int* index)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var t = Vector256.Shuffle(Vector256.Load(a), split);
        var b = Vector256.Shuffle(Vector256.Load(a + w), split);
        var (best, bestAt) = Select(Vector256.Create(t.GetLower(), t.GetLower()), Vector256.Create(t.GetUpper(), t.GetUpper()),
            Vector256.Create(b.GetLower(), b.GetLower()), Vector256.Create(b.GetUpper(), b.GetUpper()),
            Vector256.Create(at) + Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6), w);
        best.GetLower().Store(y);
        bestAt.GetLower().Store(index);
    }

    /// <summary>The window maxima of candidates (top-left, top-right, bottom-left, bottom-right) in scan order, with the
    /// offsets (top-left offsets <paramref name="at"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<int>) Select(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        Vector256<int> at, int w)
    {
        var best = a;
        var bestAt = at;
        Take(ref best, ref bestAt, b, at + Vector256.Create(1));
        Take(ref best, ref bestAt, c, at + Vector256.Create(w));
        Take(ref best, ref bestAt, d, at + Vector256.Create(w + 1));
        return (best, bestAt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> bestAt, Vector256<float> v, Vector256<int> at)
    {
        var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
        best = Vector256.ConditionalSelect(take, v, best);
        bestAt = Vector256.ConditionalSelect(take.AsInt32(), at, bestAt);
    }
}
