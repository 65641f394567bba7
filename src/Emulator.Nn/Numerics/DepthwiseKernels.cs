using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Direct kernels of a convolution whose output channels each read one input channel (groups = in_channels: depthwise,
/// with any channel multiplier). Planes are read from zero-bordered copies, so every output element runs the same
/// sequence of fused multiply-adds over all of its taps, (i, j) ascending from +0 (padding taps add w·0), on every width;
/// rows are computed a vector of columns at a time (the last vector of a row overlapping the one before) and four rows at
/// once (four independent sums in flight). The weight gradient accumulates, per tap, 16 lanes (column ow goes to lane
/// ow mod 16, images and rows in order) combined as <see cref="DeterministicSum.Combine"/> — the same on every width.
/// </summary>
internal static unsafe class DepthwiseKernels
{
    /// <summary>y (OH x OW) = Σ taps w[i, j]·xpad[oh·SH + i·DH, ow·SW + j·DW] (+ bias) from a padded plane (W + 2·PW wide).</summary>
    public static void Forward(in ConvGeometry g, float* xpad, float* w, float bias, bool hasBias, float* y)
    {
        if (g.SW == 1 && Vector512.IsHardwareAccelerated && g.OW >= 16) Forward<Lanes512F>(g, xpad, w, bias, hasBias, y);
        else if (g.SW == 1 && Vector256.IsHardwareAccelerated && g.OW >= 8) Forward<Lanes256F>(g, xpad, w, bias, hasBias, y);
        else Forward<Lanes1F>(g, xpad, w, bias, hasBias, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<TL>(in ConvGeometry g, float* xpad, float* w, float bias, bool hasBias, float* y) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count, wp = g.W + 2 * g.PW;
        long rowStep = (long)g.SH * wp;
        var vb = TL.Create(bias);
        for (int oh = 0; oh < g.OH; oh += 4)
        {
            bool four = oh + 4 <= g.OH;
            for (int q = 0; ; q += lanes)
            {
                int q0 = Math.Min(q, g.OW - lanes);
                float* src = xpad + oh * rowStep + q0 * g.SW;
                float* dst = y + oh * g.OW + q0;
                if (four)
                {
                    TL a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
                    for (int i = 0; i < g.KH; i++)
                        for (int j = 0; j < g.KW; j++)
                            Tap4(ref a0, ref a1, ref a2, ref a3, src + i * g.DH * wp + j * g.DW, rowStep, TL.Create(w[i * g.KW + j]));
                    if (hasBias) { a0 = TL.Add(a0, vb); a1 = TL.Add(a1, vb); a2 = TL.Add(a2, vb); a3 = TL.Add(a3, vb); }
                    Store4(a0, a1, a2, a3, dst, g.OW);
                }
                else
                    for (int r = 0; r < g.OH - oh; r++)
                    {
                        var acc = TL.Zero;
                        for (int i = 0; i < g.KH; i++)
                            for (int j = 0; j < g.KW; j++)
                                acc = TL.MultiplyAdd(TL.Load(src + r * rowStep + i * g.DH * wp + j * g.DW), TL.Create(w[i * g.KW + j]), acc);
                        if (hasBias) acc = TL.Add(acc, vb);
                        TL.Store(acc, dst + r * g.OW);
                    }
                if (q0 == g.OW - lanes) break;
            }
        }
    }

    /// <summary>One tap of four rows: a_r = fma(s[r·step ..], w, a_r).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap4<TL>(ref TL a0, ref TL a1, ref TL a2, ref TL a3, float* s, long step, TL w) where TL : struct, IFloatLanes<TL>
    {
        a0 = TL.MultiplyAdd(TL.Load(s), w, a0);
        a1 = TL.MultiplyAdd(TL.Load(s + step), w, a1);
        a2 = TL.MultiplyAdd(TL.Load(s + 2 * step), w, a2);
        a3 = TL.MultiplyAdd(TL.Load(s + 3 * step), w, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4<TL>(TL a0, TL a1, TL a2, TL a3, float* dst, int step) where TL : struct, IFloatLanes<TL>
    {
        TL.Store(a0, dst);
        TL.Store(a1, dst + step);
        TL.Store(a2, dst + 2 * step);
        TL.Store(a3, dst + 3 * step);
    }

    /// <summary>Zero borders of a padded output-gradient plane: top/bottom (KH − 1)·DH − PH rows, left/right (KW − 1)·DW − PW
    /// columns (at least 0), so every tap of every input element reads inside it.</summary>
    public static Size2 GradBorder(in ConvGeometry g) => (Math.Max(0, (g.KH - 1) * g.DH - g.PH), Math.Max(0, (g.KW - 1) * g.DW - g.PW));

    /// <summary>
    /// dx (H x W) of one input channel. Stride 1: Σ over its <paramref name="multiplier"/> output channels k, then taps
    /// (i, j), of w[k, i, j]·dy[k, ih + PH − i·DH, iw + PW − j·DW] from padded gradient planes (<see cref="GradBorder"/>).
    /// Strided: each valid tap fused-added into its input element, (k, i, j) in order, onto +0.
    /// </summary>
    public static void InputGrad(in ConvGeometry g, float* dyPad, float* dy, float* w, int multiplier, float* dx)
    {
        if (g.SH != 1 || g.SW != 1) InputGradStrided(g, dy, w, multiplier, dx);
        else if (Vector512.IsHardwareAccelerated && g.W >= 16) InputGrad<Lanes512F>(g, dyPad, w, multiplier, dx);
        else if (Vector256.IsHardwareAccelerated && g.W >= 8) InputGrad<Lanes256F>(g, dyPad, w, multiplier, dx);
        else InputGrad<Lanes1F>(g, dyPad, w, multiplier, dx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGrad<TL>(in ConvGeometry g, float* dyPad, float* w, int multiplier, float* dx) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count, taps = g.KH * g.KW;
        var border = GradBorder(g);
        int hq = g.OH + 2 * border.H, wq = g.OW + 2 * border.W;
        for (int ih = 0; ih < g.H; ih += 4)
        {
            bool four = ih + 4 <= g.H;
            for (int q = 0; ; q += lanes)
            {
                int q0 = Math.Min(q, g.W - lanes);
                float* dst = dx + ih * g.W + q0;
                if (four)
                {
                    TL a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
                    for (int k = 0; k < multiplier; k++)
                    {
                        float* plane = dyPad + (long)k * hq * wq + (ih + g.PH + border.H) * wq + q0 + g.PW + border.W;
                        for (int i = 0; i < g.KH; i++)
                            for (int j = 0; j < g.KW; j++)
                                Tap4(ref a0, ref a1, ref a2, ref a3, plane - i * g.DH * wq - j * g.DW, wq, TL.Create(w[k * taps + i * g.KW + j]));
                    }
                    Store4(a0, a1, a2, a3, dst, g.W);
                }
                else
                    for (int r = 0; r < g.H - ih; r++)
                    {
                        var acc = TL.Zero;
                        for (int k = 0; k < multiplier; k++)
                        {
                            float* plane = dyPad + (long)k * hq * wq + (ih + r + g.PH + border.H) * wq + q0 + g.PW + border.W;
                            for (int i = 0; i < g.KH; i++)
                                for (int j = 0; j < g.KW; j++)
                                    acc = TL.MultiplyAdd(TL.Load(plane - i * g.DH * wq - j * g.DW), TL.Create(w[k * taps + i * g.KW + j]), acc);
                        }
                        TL.Store(acc, dst + r * g.W);
                    }
                if (q0 == g.W - lanes) break;
            }
        }
    }

    private static void InputGradStrided(in ConvGeometry g, float* dy, float* w, int multiplier, float* dx)
    {
        int taps = g.KH * g.KW;
        new Span<float>(dx, g.InPlane).Clear();
        for (int k = 0; k < multiplier; k++)
            for (int i = 0; i < g.KH; i++)
            {
                var (ohLo, ohHi) = ConvGeometry.ValidRange(i * g.DH - g.PH, g.SH, g.H, g.OH);
                for (int j = 0; j < g.KW; j++)
                {
                    int offW = j * g.DW - g.PW;
                    var (lo, hi) = ConvGeometry.ValidRange(offW, g.SW, g.W, g.OW);
                    float wv = w[k * taps + i * g.KW + j];
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        float* src = dy + (long)k * g.P + oh * g.OW;
                        float* dst = dx + (oh * g.SH + i * g.DH - g.PH) * g.W + offW;
                        for (int o = lo; o < hi; o++) dst[o * g.SW] = MathF.FusedMultiplyAdd(src[o], wv, dst[o * g.SW]);
                    }
                }
            }
    }

    /// <summary>Columns of a padded output-gradient row for <see cref="WeightGrad"/>: OW rounded up to 16.</summary>
    public static int GradRowWidth(in ConvGeometry g) => (g.OW + 15) / 16 * 16;

    /// <summary>
    /// Adds one image's contribution to the 16 lanes of every tap of one output channel: lanes[(i·KW + j)·16 + l] +=
    /// dy[oh, ow]·x[oh·SH + i·DH, ow·SW + j·DW] for ow = 16·t + l, rows oh in order (product rounded, then added; lanes past
    /// OW add +0). <paramref name="dyRows"/> holds dy with rows <see cref="GradRowWidth"/> wide; <paramref name="row"/> is
    /// scratch of that width (strided gathers).
    /// </summary>
    public static void WeightGrad(in ConvGeometry g, float* xpad, float* dyRows, float* row, float* lanes)
    {
        if (Vector512.IsHardwareAccelerated) WeightGrad<Lanes512F>(g, xpad, dyRows, row, lanes);
        else if (Vector256.IsHardwareAccelerated) WeightGrad<Lanes256F>(g, xpad, dyRows, row, lanes);
        else WeightGrad<Lanes1F>(g, xpad, dyRows, row, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGrad<TL>(in ConvGeometry g, float* xpad, float* dyRows, float* row, float* lanes) where TL : struct, IFloatLanes<TL>
    {
        int width = GradRowWidth(g), wp = g.W + 2 * g.PW, n = TL.Count;
        uint* masks = stackalloc uint[width];
        for (int l = 0; l < width; l++) masks[l] = l < g.OW ? uint.MaxValue : 0u;
        for (int oh = 0; oh < g.OH; oh++)
        {
            float* dyRow = dyRows + oh * width;
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    float* src = xpad + (long)(oh * g.SH + i * g.DH) * wp + j * g.DW;
                    if (g.SW != 1)
                    {
                        for (int o = 0; o < g.OW; o++) row[o] = src[o * g.SW];
                        src = row;
                    }
                    float* acc = lanes + (i * g.KW + j) * 16;
                    for (int t = 0; t < width; t += 16)
                        for (int l = 0; l < 16; l += n)
                            TL.Store(TL.AddMasked(TL.Load(acc + l), TL.Multiply(TL.Load(dyRow + t + l), TL.Load(src + t + l)), masks + t + l), acc + l);
                }
        }
    }
}
