using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Direct kernels of a convolution whose output channels each read one input channel (groups = in_channels: depthwise,
/// with any channel multiplier). Planes are read from zero-bordered copies, so every output element runs the same
/// sequence of fused multiply-adds over all of its taps, (i, j) ascending from +0 (padding taps add w·0), on every width;
/// stride-1 rows are computed a vector of columns at a time, the last vector of a row overlapping the one before.
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
        for (int oh = 0; oh < g.OH; oh++)
            for (int q = 0; ; q += lanes)
            {
                int q0 = Math.Min(q, g.OW - lanes);
                float* src = xpad + (long)oh * g.SH * wp + q0 * g.SW;
                var acc = TL.Zero;
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++)
                        acc = TL.MultiplyAdd(TL.Load(src + i * g.DH * wp + j * g.DW), TL.Create(w[i * g.KW + j]), acc);
                if (hasBias) acc = TL.Add(acc, TL.Create(bias));
                TL.Store(acc, y + oh * g.OW + q0);
                if (q0 == g.OW - lanes) break;
            }
    }

    /// <summary>Zero borders of a padded output-gradient plane: top/bottom (KH − 1)·DH − PH rows, left/right (KW − 1)·DW − PW
    /// columns (at least 0), so every tap of every input element reads inside it.</summary>
    public static Size2 GradBorder(in ConvGeometry g) => (Math.Max(0, (g.KH - 1) * g.DH - g.PH), Math.Max(0, (g.KW - 1) * g.DW - g.PW));

    /// <summary>
    /// dx (H x W) of one input channel = Σ over its <paramref name="multiplier"/> output channels k, then taps (i, j), of
    /// w[k, i, j]·dy[k, ih + PH − i·DH, iw + PW − j·DW], from padded gradient planes (<see cref="GradBorder"/>; stride 1), or
    /// element by element over the valid taps (strided).
    /// </summary>
    public static void InputGrad(in ConvGeometry g, float* dyPad, float* dy, float* w, int multiplier, float* dx)
    {
        if (g.SH != 1 || g.SW != 1) { InputGradStrided(g, dy, w, multiplier, dx); return; }
        if (Vector512.IsHardwareAccelerated && g.W >= 16) InputGrad<Lanes512F>(g, dyPad, w, multiplier, dx);
        else if (Vector256.IsHardwareAccelerated && g.W >= 8) InputGrad<Lanes256F>(g, dyPad, w, multiplier, dx);
        else InputGrad<Lanes1F>(g, dyPad, w, multiplier, dx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGrad<TL>(in ConvGeometry g, float* dyPad, float* w, int multiplier, float* dx) where TL : struct, IFloatLanes<TL>
    {
        int lanes = TL.Count, taps = g.KH * g.KW;
        var border = GradBorder(g);
        int hq = g.OH + 2 * border.H, wq = g.OW + 2 * border.W;
        for (int ih = 0; ih < g.H; ih++)
            for (int q = 0; ; q += lanes)
            {
                int q0 = Math.Min(q, g.W - lanes);
                var acc = TL.Zero;
                for (int k = 0; k < multiplier; k++)
                {
                    float* plane = dyPad + (long)k * hq * wq + (ih + g.PH + border.H) * wq + q0 + g.PW + border.W;
                    for (int i = 0; i < g.KH; i++)
                        for (int j = 0; j < g.KW; j++)
                            acc = TL.MultiplyAdd(TL.Load(plane - i * g.DH * wq - j * g.DW), TL.Create(w[k * taps + i * g.KW + j]), acc);
                }
                TL.Store(acc, dx + ih * g.W + q0);
                if (q0 == g.W - lanes) break;
            }
    }

    private static void InputGradStrided(in ConvGeometry g, float* dy, float* w, int multiplier, float* dx)
    {
        int taps = g.KH * g.KW;
        for (int ih = 0; ih < g.H; ih++)
            for (int iw = 0; iw < g.W; iw++)
            {
                float acc = 0f;
                for (int k = 0; k < multiplier; k++)
                    for (int i = 0; i < g.KH; i++)
                    {
                        int th = ih + g.PH - i * g.DH;
                        if (th < 0 || th % g.SH != 0 || th / g.SH >= g.OH) continue;
                        for (int j = 0; j < g.KW; j++)
                        {
                            int tw = iw + g.PW - j * g.DW;
                            if (tw < 0 || tw % g.SW != 0 || tw / g.SW >= g.OW) continue;
                            acc = MathF.FusedMultiplyAdd(dy[(long)k * g.P + th / g.SH * g.OW + tw / g.SW], w[k * taps + i * g.KW + j], acc);
                        }
                    }
                dx[ih * g.W + iw] = acc;
            }
    }

    /// <summary>
    /// Adds one image's contribution to the tap gradients of one output channel: sums[i·KW + j] += Σ over output rows (in
    /// order) of the row dot product (<see cref="ChannelStatistics.Dot"/>) of dy with the tap's input row.
    /// </summary>
    public static void WeightGrad(in ConvGeometry g, float* xpad, float* dy, float* row, float* sums)
    {
        int wp = g.W + 2 * g.PW;
        for (int i = 0; i < g.KH; i++)
            for (int j = 0; j < g.KW; j++)
            {
                float s = sums[i * g.KW + j];
                for (int oh = 0; oh < g.OH; oh++)
                {
                    float* src = xpad + (long)(oh * g.SH + i * g.DH) * wp + j * g.DW;
                    if (g.SW != 1)
                    {
                        for (int o = 0; o < g.OW; o++) row[o] = src[o * g.SW];
                        src = row;
                    }
                    s += ChannelStatistics.Dot(new ReadOnlySpan<float>(dy + oh * g.OW, g.OW), new ReadOnlySpan<float>(src, g.OW));
                }
                sums[i * g.KW + j] = s;
            }
    }
}
