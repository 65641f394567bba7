using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// im2col and col2im of one image for <see cref="ConvGeometry"/>: the column matrix has C·KH·KW rows, row
/// (c·KH + i)·KW + j holding, at column oh·OW + ow, the input tap x[c, oh·SH + i·DH − PH, ow·SW + j·DW − PW] (0 in the
/// padding). Rows are written as runs of one output row each; stride-1 runs are vector copies.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Fills <paramref name="col"/> (C·KH·KW x OH·OW) from the image <paramref name="x"/> (C x H x W).</summary>
    public static void Gather(in ConvGeometry g, float* x, float* col)
    {
        int ow = g.OW, p = g.P;
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
            {
                int offH = i * g.DH - g.PH;
                var (ohLo, ohHi) = ConvGeometry.ValidRange(offH, g.SH, g.H, g.OH);
                for (int j = 0; j < g.KW; j++)
                {
                    int offW = j * g.DW - g.PW;
                    var (lo, hi) = ConvGeometry.ValidRange(offW, g.SW, g.W, ow);
                    float* row = col + (long)((c * g.KH + i) * g.KW + j) * p;
                    Clear(row, ohLo * ow);
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        float* dst = row + oh * ow;
                        float* src = x + (long)c * g.InPlane + (oh * g.SH + offH) * g.W + offW; // src[o·SW] is the tap of column o
                        Clear(dst, lo);
                        if (g.SW == 1) Copy(src + lo, dst + lo, hi - lo);
                        else for (int o = lo; o < hi; o++) dst[o] = src[o * g.SW];
                        Clear(dst + hi, ow - hi);
                    }
                    Clear(row + ohHi * ow, (g.OH - ohHi) * ow);
                }
            }
    }

    /// <summary>
    /// x = col2im(col): every column entry added into the input position it was gathered from (zero first), in the fixed
    /// order of the rows, so an element's sum never depends on threads.
    /// </summary>
    public static void Scatter(in ConvGeometry g, float* col, float* x)
    {
        new Span<float>(x, g.C * g.InPlane).Clear();
        int ow = g.OW, p = g.P;
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
            {
                int offH = i * g.DH - g.PH;
                var (ohLo, ohHi) = ConvGeometry.ValidRange(offH, g.SH, g.H, g.OH);
                for (int j = 0; j < g.KW; j++)
                {
                    int offW = j * g.DW - g.PW;
                    var (lo, hi) = ConvGeometry.ValidRange(offW, g.SW, g.W, ow);
                    float* row = col + (long)((c * g.KH + i) * g.KW + j) * p;
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        float* src = row + oh * ow;
                        float* dst = x + (long)c * g.InPlane + (oh * g.SH + offH) * g.W + offW;
                        if (g.SW == 1) Add(src + lo, dst + lo, hi - lo);
                        else for (int o = lo; o < hi; o++) dst[o * g.SW] += src[o];
                    }
                }
            }
    }

    /// <summary>dst[0..n) = src[0..n) (short runs: vector moves, the last one overlapping).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* src, float* dst, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            int k = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; k + 16 <= n; k += 16) Vector512.Store(Vector512.Load(src + k), dst + k);
            for (; k + 8 <= n; k += 8) Vector256.Store(Vector256.Load(src + k), dst + k);
            if (k < n) Vector256.Store(Vector256.Load(src + n - 8), dst + n - 8);
        }
        else
            for (int k = 0; k < n; k++) dst[k] = src[k];
    }

    /// <summary>dst[k] += src[k] for k in [0, n): one correctly rounded add per element on every path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* src, float* dst, int n)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + 16 <= n; k += 16) Vector512.Store(Vector512.Load(dst + k) + Vector512.Load(src + k), dst + k);
        if (Vector256.IsHardwareAccelerated)
            for (; k + 8 <= n; k += 8) Vector256.Store(Vector256.Load(dst + k) + Vector256.Load(src + k), dst + k);
        for (; k < n; k++) dst[k] += src[k];
    }

    /// <summary>dst[0..n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* dst, int n)
    {
        if (n > 16) new Span<float>(dst, n).Clear();
        else for (int k = 0; k < n; k++) dst[k] = 0f;
    }
}
