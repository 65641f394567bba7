using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// im2col and col2im for <see cref="ConvGeometry"/>. The column matrix of an image has C·KH·KW rows of P = OH·OW columns;
/// row (c·KH + i)·KW + j holds, at column oh·OW + ow, the tap x[c, oh·SH + i·DH − PH, ow·SW + j·DW − PW] (0 in the
/// padding). Several images may share one matrix (row stride <c>ld</c>, image t at column t·P). Gathering reads a
/// zero-bordered copy of the image, so every run of OW taps is a plain (vector) copy; col2im sums, for each input element,
/// its taps in the fixed order (i, j) ascending, reading the column matrix with masked vector loads.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Floats of slack a column buffer needs before and after its rows (masked vector reads run past them).</summary>
    public static int Slack(in ConvGeometry g) => 64 + g.W + g.PW + (g.KW - 1) * g.DW;

    /// <summary>Floats of one zero-bordered image (C x (H + 2·PH) x (W + 2·PW)) plus 16 of read slack.</summary>
    public static int PaddedImageSize(in ConvGeometry g) => g.C * (g.H + 2 * g.PH) * (g.W + 2 * g.PW) + 16;

    /// <summary>Copies image <paramref name="x"/> (C x H x W) into the centre of a zero-bordered one.</summary>
    public static void PadImage(in ConvGeometry g, float* x, float* xpad)
    {
        int hp = g.H + 2 * g.PH, wp = g.W + 2 * g.PW;
        if (g.PH == 0 && g.PW == 0)
        {
            new Span<float>(x, g.C * g.InPlane).CopyTo(new Span<float>(xpad, g.C * g.InPlane));
            Clear(xpad + g.C * g.InPlane, 16);
            return;
        }
        for (int c = 0; c < g.C; c++)
        {
            float* plane = xpad + (long)c * hp * wp;
            Clear(plane, g.PH * wp + g.PW);
            for (int h = 0; h < g.H; h++)
            {
                float* row = plane + (h + g.PH) * wp + g.PW;
                Copy(x + ((long)c * g.H + h) * g.W, row, g.W);
                Clear(row + g.W, h == g.H - 1 ? g.PW : 2 * g.PW);
            }
            Clear(plane + (g.PH + g.H) * wp, g.PH * wp);
        }
        Clear(xpad + (long)g.C * hp * wp, 16);
    }

    /// <summary>Writes the P columns of one image, row r at <paramref name="col"/> + r·ld, from its padded copy.</summary>
    public static void Gather(in ConvGeometry g, float* xpad, float* col, int ld)
    {
        int hp = g.H + 2 * g.PH, wp = g.W + 2 * g.PW, ow = g.OW;
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    float* dst = col + (long)((c * g.KH + i) * g.KW + j) * ld;
                    float* src = xpad + (long)c * hp * wp + i * g.DH * wp + j * g.DW;
                    if (g.SW == 1)
                    {
                        // a run may spill up to a vector into the runs after it (written right after) but not past the image
                        int oh = 0;
                        for (; oh < g.OH && oh * ow + SpillWidth(ow) <= g.P; oh++) CopySpill(src + oh * g.SH * wp, dst + oh * ow, ow);
                        for (; oh < g.OH; oh++) Copy(src + oh * g.SH * wp, dst + oh * ow, ow);
                    }
                    else
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            float* s = src + oh * g.SH * wp, d = dst + oh * ow;
                            for (int o = 0; o < ow; o++) d[o] = s[o * g.SW];
                        }
                }
    }

    /// <summary>
    /// dx = col2im(col) for one image (columns of row r at <paramref name="col"/> + r·ld, with <see cref="Slack"/> readable
    /// floats around the matrix): each input element is the sum of its taps in the order (i, j) ascending, from +0.
    /// </summary>
    public static void Scatter(in ConvGeometry g, float* col, int ld, float* dx)
    {
        if (g.SH == 1 && g.SW == 1)
        {
            if (Vector512.IsHardwareAccelerated) ScatterStride1<Lanes512F>(g, col, ld, dx);
            else if (Vector256.IsHardwareAccelerated) ScatterStride1<Lanes256F>(g, col, ld, dx);
            else ScatterStride1<Lanes1F>(g, col, ld, dx);
            return;
        }
        // strided: every column entry added into its input element, rows (c, i, j) in order, so an element's taps still
        // arrive in (i, j) order onto +0
        new Span<float>(dx, g.C * g.InPlane).Clear();
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
            {
                var (ohLo, ohHi) = ConvGeometry.ValidRange(i * g.DH - g.PH, g.SH, g.H, g.OH);
                for (int j = 0; j < g.KW; j++)
                {
                    int offW = j * g.DW - g.PW;
                    var (lo, hi) = ConvGeometry.ValidRange(offW, g.SW, g.W, g.OW);
                    float* row = col + (long)((c * g.KH + i) * g.KW + j) * ld;
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        float* src = row + oh * g.OW;
                        float* dst = dx + (long)c * g.InPlane + (oh * g.SH + i * g.DH - g.PH) * g.W + offW;
                        for (int o = lo; o < hi; o++) dst[o * g.SW] += src[o];
                    }
                }
            }
    }

    /// <summary>Stride-1 col2im: an input row at a time, <typeparamref name="TL"/>.Count columns per vector; a tap (i, j)
    /// adds column ow = iw + PW − j·DW of row oh = ih + PH − i·DH where 0 &lt;= ow &lt; OW (mask), and + 0 elsewhere.</summary>
    private static void ScatterStride1<TL>(in ConvGeometry g, float* col, int ld, float* dx) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count, nv = (g.W + lanes - 1) / lanes;
        // masks[(j·nv + v)·lanes + l]: all ones when column iw = v·lanes + l reads a valid ow for tap column j
        float[] maskBuffer = TensorPool.Rent(g.KW * nv * lanes);
        fixed (float* maskFloats = maskBuffer)
        {
            uint* masks = (uint*)maskFloats;
            ScatterRows<TL>(g, col, ld, dx, masks, nv);
        }
        TensorPool.Return(maskBuffer);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterRows<TL>(in ConvGeometry g, float* col, int ld, float* dx, uint* masks, int nv) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count;
        for (int j = 0; j < g.KW; j++)
            for (int iw = 0; iw < nv * lanes; iw++)
            {
                int o = iw + g.PW - j * g.DW;
                masks[j * nv * lanes + iw] = o >= 0 && o < g.OW && iw < g.W ? uint.MaxValue : 0u;
            }
        float* last = stackalloc float[lanes];
        long channelStride = (long)g.KH * g.KW * ld;
        int c = 0;
        // four channels at a time: four independent sums in flight (each element still adds its taps in (i, j) order)
        for (; c + 4 <= g.C; c += 4)
            for (int ih = 0; ih < g.H; ih++)
                for (int v = 0; v < nv; v++)
                {
                    TL a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
                    for (int i = 0; i < g.KH; i++)
                    {
                        int oh = ih + g.PH - i * g.DH;
                        if ((uint)oh >= (uint)g.OH) continue;
                        float* src = col + (long)(c * g.KH + i) * g.KW * ld + oh * g.OW + g.PW + v * lanes;
                        for (int j = 0; j < g.KW; j++)
                        {
                            float* s0 = src + (long)j * ld - j * g.DW;
                            uint* m = masks + (j * nv + v) * lanes;
                            a0 = TL.AddMasked(a0, TL.Load(s0), m);
                            a1 = TL.AddMasked(a1, TL.Load(s0 + channelStride), m);
                            a2 = TL.AddMasked(a2, TL.Load(s0 + 2 * channelStride), m);
                            a3 = TL.AddMasked(a3, TL.Load(s0 + 3 * channelStride), m);
                        }
                    }
                    StoreRow(g, a0, dx, c, ih, v, last);
                    StoreRow(g, a1, dx, c + 1, ih, v, last);
                    StoreRow(g, a2, dx, c + 2, ih, v, last);
                    StoreRow(g, a3, dx, c + 3, ih, v, last);
                }
        for (; c < g.C; c++)
            for (int ih = 0; ih < g.H; ih++)
                for (int v = 0; v < nv; v++)
                {
                    var acc = TL.Zero;
                    for (int i = 0; i < g.KH; i++)
                    {
                        int oh = ih + g.PH - i * g.DH;
                        if ((uint)oh >= (uint)g.OH) continue;
                        float* src = col + (long)(c * g.KH + i) * g.KW * ld + oh * g.OW + g.PW + v * lanes;
                        for (int j = 0; j < g.KW; j++)
                            acc = TL.AddMasked(acc, TL.Load(src + (long)j * ld - j * g.DW), masks + (j * nv + v) * lanes);
                    }
                    StoreRow(g, acc, dx, c, ih, v, last);
                }
    }

    /// <summary>Stores vector v of input row ih of channel c; it may spill into the channel's later rows (written after it)
    /// but not past the channel's plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TL>(in ConvGeometry g, TL acc, float* dx, int c, int ih, int v, float* last) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count;
        float* dst = dx + ((long)c * g.H + ih) * g.W + v * lanes;
        if ((long)(v + 1) * lanes <= (long)(g.H - ih) * g.W) TL.Store(acc, dst);
        else
        {
            TL.Store(acc, last);
            for (int l = 0; l < g.W - v * lanes; l++) dst[l] = last[l];
        }
    }

    /// <summary>Floats <see cref="CopySpill"/> may write past a run of n.</summary>
    private static int SpillWidth(int n) => Vector512.IsHardwareAccelerated ? (n + 15) / 16 * 16 : Vector256.IsHardwareAccelerated ? (n + 7) / 8 * 8 : n;

    /// <summary>dst[0..n) = src[0..n), and possibly up to a vector more (src must be readable and dst writable there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopySpill(float* src, float* dst, int n)
    {
        if (Vector512.IsHardwareAccelerated)
            for (int k = 0; k < n; k += 16) Vector512.Store(Vector512.Load(src + k), dst + k);
        else if (Vector256.IsHardwareAccelerated)
            for (int k = 0; k < n; k += 8) Vector256.Store(Vector256.Load(src + k), dst + k);
        else
            for (int k = 0; k < n; k++) dst[k] = src[k];
    }

    /// <summary>dst[0..n) = src[0..n) exactly (vector moves, the last one overlapping).</summary>
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

    /// <summary>dst[0..n) = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* dst, int n)
    {
        if (n > 16) new Span<float>(dst, n).Clear();
        else for (int k = 0; k < n; k++) dst[k] = 0f;
    }
}
