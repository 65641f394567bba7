using System.Runtime.InteropServices;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// 2-D max pooling (<c>F.max_pool2d</c>) of [N, C, H, W] or [C, H, W]: each output is the maximum of its window (the
    /// first maximum in row-major window order; NaN propagates), padding counts as −∞. The gradient flows to that element.
    /// </summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step (default: the kernel size).</param>
    /// <param name="padding">Implicit −∞ padding on both sides, at most half the kernel size (default 0).</param>
    /// <param name="dilation">Spacing of the window's taps (default 1).</param>
    /// <param name="ceilMode">Use the ceiling in the output size (a last partial window), as PyTorch's <c>ceil_mode</c>.</param>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false) =>
        MaxPoolNode.Apply(input, PoolGeometry("max_pool2d", input, kernelSize, stride, padding, dilation, ceilMode));

    /// <summary>
    /// 2-D average pooling (<c>F.avg_pool2d</c>): each output is the sum of its window (row-major order) divided by the window
    /// size including the zero padding (<paramref name="countIncludePad"/>, PyTorch's default), or by the number of input
    /// elements in it, or by <paramref name="divisorOverride"/>.
    /// </summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step (default: the kernel size).</param>
    /// <param name="padding">Implicit zero padding on both sides, at most half the kernel size (default 0).</param>
    /// <param name="ceilMode">Use the ceiling in the output size (a last partial window).</param>
    /// <param name="countIncludePad">Count padding elements in the divisor.</param>
    /// <param name="divisorOverride">A fixed divisor (non-zero) instead of the window size.</param>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        if (divisorOverride == 0) throw new ArgumentOutOfRangeException(nameof(divisorOverride), 0, "avg_pool2d: divisor_override must be non-zero");
        return AvgPoolNode.Apply(input, PoolGeometry("avg_pool2d", input, kernelSize, stride, padding, null, ceilMode), countIncludePad, divisorOverride);
    }

    /// <summary>
    /// 2-D adaptive average pooling (<c>F.adaptive_avg_pool2d</c>): output (OH, OW); output row o averages input rows
    /// [⌊o·H/OH⌋, ⌈(o + 1)·H/OH⌉) (columns likewise).
    /// </summary>
    /// <param name="input">[N, C, H, W] or [C, H, W].</param>
    /// <param name="outputSize">The output plane, each side &gt;= 1.</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize)
    {
        const string op = "adaptive_avg_pool2d";
        CheckPoolInput(op, input);
        outputSize.AtLeast(1, op, nameof(outputSize));
        if (input.Size(-1) < 1 || input.Size(-2) < 1)
            throw new ArgumentException($"{op}: input {ShapeMath.Format(input.Shape)} has an empty plane", nameof(input));
        return AdaptiveAvgPoolNode.Apply(input, outputSize);
    }

    private static void CheckPoolInput(string op, Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: input must be [N, C, H, W] or [C, H, W]; got {ShapeMath.Format(input.Shape)}", nameof(input));
    }

    /// <summary>The window geometry of a pooling op: every plane (n, c) is one "image" of one channel.</summary>
    private static ConvGeometry PoolGeometry(string op, Tensor input, Size2 kernel, Size2? stride, Size2? padding, Size2? dilation, bool ceilMode)
    {
        CheckPoolInput(op, input);
        var k = kernel.AtLeast(1, op, "kernelSize");
        var s = (stride ?? kernel).AtLeast(1, op, nameof(stride));
        var p = (padding ?? 0).AtLeast(0, op, nameof(padding));
        var d = (dilation ?? 1).AtLeast(1, op, nameof(dilation));
        if (2 * p.H > k.H || 2 * p.W > k.W)
            throw new ArgumentOutOfRangeException(nameof(padding), p, $"{op}: padding {p} must be at most half the kernel size {k}");
        int h = input.Size(-2), w = input.Size(-1), planes = h * w == 0 ? 0 : input.Numel / (h * w);
        var g = new ConvGeometry(planes, 1, h, w, 1, k.H, k.W, s, p, d, 1, ceilMode);
        if (g.OH < 1 || g.OW < 1)
            throw new ArgumentException($"{op}: input {ShapeMath.Format(input.Shape)} is too small for kernel {k} with padding {p} and dilation {d} (output {g.OH} x {g.OW})", nameof(input));
        return g;
    }

    /// <summary>The input's shape with the last two dimensions replaced.</summary>
    private static int[] PooledShape(Tensor input, int oh, int ow)
    {
        var shape = input.ShapeArray;
        shape[^2] = oh;
        shape[^1] = ow;
        return shape;
    }

    private sealed class MaxPoolNode(Tensor x, Tensor indices, ConvGeometry g) : Function
    {
        public override string Name => "max_pool2d_with_indices_backward";

        public static Tensor Apply(Tensor x, in ConvGeometry g)
        {
            var y = Tensor.Empty(PooledShape(x, g.OH, g.OW));
            var indices = Tensor.Empty(y.ShapeArray); // int32 bits: the plane offset of each output's maximum
            RangeWork.Run(g.N, (long)g.P * g.KH * g.KW, new Forward(g, x, y, indices));
            return new MaxPoolNode(x, indices, g).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = Tensor.Empty(x.ShapeArray);
            RangeWork.Run(g.N, g.InPlane + g.P, new BackwardBody(g, grad, indices, dx));
            AccumulateGrad(x, dx);
        }

        private readonly struct Forward(ConvGeometry g, Tensor x, Tensor y, Tensor indices) : IRangeBody
        {
            public void Run(int start, int end)
            {
                ReadOnlySpan<float> xs = x.Data;
                Span<float> ys = y.Data;
                Span<int> ids = MemoryMarshal.Cast<float, int>(indices.Data);
                bool twoByTwo = g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1
                    && 2 * g.OH <= g.H && 2 * g.OW <= g.W;
                for (int pl = start; pl < end; pl++)
                {
                    var plane = xs.Slice(pl * g.InPlane, g.InPlane);
                    var yp = ys.Slice(pl * g.P, g.P);
                    var ip = ids.Slice(pl * g.P, g.P);
                    if (twoByTwo) TwoByTwo(plane, yp, ip);
                    else General(plane, yp, ip);
                }
            }

            private unsafe void TwoByTwo(ReadOnlySpan<float> plane, Span<float> yp, Span<int> ip)
            {
                fixed (float* px = plane, py = yp)
                fixed (int* pi = ip)
                    MaxPool2x2.Plane(px, g.W, g.OH, g.OW, py, pi);
            }

            private void General(ReadOnlySpan<float> plane, Span<float> yp, Span<int> ip)
            {
                for (int oh = 0; oh < g.OH; oh++)
                {
                    int h0 = oh * g.SH - g.PH;
                    var (iLo, iHi) = ConvGeometry.ValidRange(h0, g.DH, g.H, g.KH);
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        int w0 = ow * g.SW - g.PW;
                        var (jLo, jHi) = ConvGeometry.ValidRange(w0, g.DW, g.W, g.KW);
                        float best = float.NegativeInfinity;
                        int at = iLo < iHi && jLo < jHi ? (h0 + iLo * g.DH) * g.W + w0 + jLo * g.DW : -1;
                        for (int i = iLo; i < iHi; i++)
                            for (int j = jLo; j < jHi; j++)
                            {
                                int o = (h0 + i * g.DH) * g.W + w0 + j * g.DW;
                                float v = plane[o];
                                if (v > best || float.IsNaN(v)) { best = v; at = o; }
                            }
                        yp[oh * g.OW + ow] = best;
                        ip[oh * g.OW + ow] = at;
                    }
                }
            }
        }

        private readonly struct BackwardBody(ConvGeometry g, Tensor grad, Tensor indices, Tensor dx) : IRangeBody
        {
            public void Run(int start, int end)
            {
                ReadOnlySpan<float> gs = grad.Data;
                ReadOnlySpan<int> ids = MemoryMarshal.Cast<float, int>(indices.Data);
                Span<float> ds = dx.Data;
                for (int pl = start; pl < end; pl++)
                {
                    var dp = ds.Slice(pl * g.InPlane, g.InPlane);
                    dp.Clear();
                    var gp = gs.Slice(pl * g.P, g.P);
                    var ip = ids.Slice(pl * g.P, g.P);
                    for (int o = 0; o < gp.Length; o++)
                        if (ip[o] >= 0) dp[ip[o]] += gp[o];
                }
            }
        }
    }

    private sealed class AvgPoolNode(Tensor x, ConvGeometry g, bool countIncludePad, int? divisorOverride) : Function
    {
        public override string Name => "avg_pool2d_backward";

        public static Tensor Apply(Tensor x, in ConvGeometry g, bool countIncludePad, int? divisorOverride)
        {
            var y = Tensor.Empty(PooledShape(x, g.OH, g.OW));
            RangeWork.Run(g.N, (long)g.P * g.KH * g.KW, new Body(g, x, y, countIncludePad, divisorOverride, false));
            return new AvgPoolNode(x, g, countIncludePad, divisorOverride).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = Tensor.Empty(x.ShapeArray);
            RangeWork.Run(g.N, (long)g.P * g.KH * g.KW, new Body(g, dx, grad, countIncludePad, divisorOverride, true));
            AccumulateGrad(x, dx);
        }

        /// <summary>
        /// Forward (plane → pooled: sum of the window / divisor) or backward (pooled gradient → plane: each window element
        /// gets g / divisor, added in output order) over planes [start, end).
        /// </summary>
        private readonly struct Body(ConvGeometry g, Tensor planes, Tensor pooled, bool countIncludePad, int? divisorOverride, bool backward) : IRangeBody
        {
            public void Run(int start, int end)
            {
                Span<float> xs = planes.Data, ys = pooled.Data;
                for (int pl = start; pl < end; pl++)
                {
                    var xp = xs.Slice(pl * g.InPlane, g.InPlane);
                    var yp = ys.Slice(pl * g.P, g.P);
                    if (backward) xp.Clear();
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int h0 = oh * g.SH - g.PH, h1 = Math.Min(h0 + g.KH, g.H + g.PH);
                        for (int ow = 0; ow < g.OW; ow++)
                        {
                            int w0 = ow * g.SW - g.PW, w1 = Math.Min(w0 + g.KW, g.W + g.PW);
                            int poolSize = (h1 - h0) * (w1 - w0);
                            int hs = Math.Max(h0, 0), ws = Math.Max(w0, 0), he = Math.Min(h1, g.H), we = Math.Min(w1, g.W);
                            int divisor = divisorOverride ?? (countIncludePad ? poolSize : (he - hs) * (we - ws));
                            ref float y = ref yp[oh * g.OW + ow];
                            if (hs >= he || ws >= we) { if (!backward) y = 0f; continue; }
                            if (backward)
                            {
                                float v = y / divisor;
                                for (int i = hs; i < he; i++)
                                    for (int j = ws; j < we; j++) xp[i * g.W + j] += v;
                            }
                            else
                            {
                                float sum = 0f;
                                for (int i = hs; i < he; i++)
                                    for (int j = ws; j < we; j++) sum += xp[i * g.W + j];
                                y = sum / divisor;
                            }
                        }
                    }
                }
            }
        }
    }

    private sealed class AdaptiveAvgPoolNode(Tensor x, Size2 output) : Function
    {
        public override string Name => "adaptive_avg_pool2d_backward";

        public static Tensor Apply(Tensor x, Size2 output)
        {
            var y = Tensor.Empty(PooledShape(x, output.H, output.W));
            int h = x.Size(-2), w = x.Size(-1);
            RangeWork.Run(x.Numel / (h * w), (long)h * w, new Body(x, y, h, w, output, false));
            return new AdaptiveAvgPoolNode(x, output).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = Tensor.Empty(x.ShapeArray);
            int h = x.Size(-2), w = x.Size(-1);
            RangeWork.Run(x.Numel / (h * w), (long)h * w, new Body(dx, grad, h, w, output, true));
            AccumulateGrad(x, dx);
        }

        /// <summary>Forward (window sums / counts) or backward (g / count into each window element, in output order).</summary>
        private readonly struct Body(Tensor planes, Tensor pooled, int h, int w, Size2 output, bool backward) : IRangeBody
        {
            public void Run(int start, int end)
            {
                Span<float> xs = planes.Data, ys = pooled.Data;
                int oh = output.H, ow = output.W;
                for (int pl = start; pl < end; pl++)
                {
                    var xp = xs.Slice(pl * h * w, h * w);
                    var yp = ys.Slice(pl * oh * ow, oh * ow);
                    if (backward) xp.Clear();
                    for (int r = 0; r < oh; r++)
                    {
                        int hs = r * h / oh, he = ((r + 1) * h + oh - 1) / oh;
                        for (int q = 0; q < ow; q++)
                        {
                            int ws = q * w / ow, we = ((q + 1) * w + ow - 1) / ow, count = (he - hs) * (we - ws);
                            ref float y = ref yp[r * ow + q];
                            if (backward)
                            {
                                float v = y / count;
                                for (int i = hs; i < he; i++)
                                    for (int j = ws; j < we; j++) xp[i * w + j] += v;
                            }
                            else
                            {
                                float sum = 0f;
                                for (int i = hs; i < he; i++)
                                    for (int j = ws; j < we; j++) sum += xp[i * w + j];
                                y = sum / count;
                            }
                        }
                    }
                }
            }
        }
    }
}
