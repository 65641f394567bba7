using Emulator.Nn;
using Emulator.Nn.Autograd;

namespace Emulator.Quantization;

/// <summary>
/// Fake quantization as one autograd op for every format: the forward is <see cref="TensorQuantizer.Quantize"/> (the
/// kernel, bit-identical to the Formats reference); the backward is
/// <list type="bullet">
/// <item>the straight-through estimator with the clipping mask: ∂y/∂x = 1 inside the grid's range, 0 outside
/// (block and lattice formats adapt their scales to the data and pass the gradient through unmasked);</item>
/// <item>LSQ (Esser et al. 2020) when the quantizer's <see cref="TensorQuantizer.Scale"/> requires grad:
/// ∂y/∂s = Q(v) − v inside and Q(v) at the clipped ends (v = x / s; integer and float grids alike), with the gradient
/// scale g = 1 / √(N·Qp), N the number of elements sharing the scale;</item>
/// <item>LSQ+ (Bhalgat et al. 2020) when a learned offset β also requires grad: y = s·Q((x − β) / s) + β,
/// ∂y/∂β = 0 inside and 1 at the clipped ends, scaled by the same g.</item>
/// </list>
/// </summary>
public static class FakeQuantize
{
    /// <summary>
    /// Fake-quantizes <paramref name="x"/>. <paramref name="quantShape"/> is the shape the quantizer sees (for example a
    /// convolution weight as [out, in·kh·kw] so blocks run along the reduction); it defaults to x's shape.
    /// <paramref name="indexOffset"/> keys stochastic rounding (e.g. step × numel so each step draws fresh words).
    /// </summary>
    public static Tensor Apply(Tensor x, TensorQuantizer quantizer, int[]? quantShape = null, long indexOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        var shape = quantShape ?? x.ShapeArray;
        var y = Tensor.Empty(x.ShapeArray);
        quantizer.Quantize(x.Data, shape, y.Data, indexOffset);
        var node = new Node(x, quantizer, shape, y);
        return quantizer.HasScale
            ? node.Record(y, x, quantizer.Scale, quantizer.Offset is { RequiresGrad: true } b ? b : null)
            : node.Record(y, x);
    }

    private sealed class Node(Tensor x, TensorQuantizer q, int[] shape, Tensor y) : Function
    {
        public override string Name => "fake_quantize_backward";

        protected override void Backward(Tensor grad)
        {
            if (!q.HasScale)
            {
                if (x.RequiresGrad) AccumulateGrad(x, grad);
                return;
            }
            var layout = new SliceLayout(shape, q.Granularity);
            ReadOnlySpan<float> g = grad.Data, xs = x.Data, scales = q.Scale!.Data;
            ReadOnlySpan<float> offsets = q.Offset is null ? default : q.Offset.Data;
            bool learnS = q.Scale!.RequiresGrad, learnB = q.Offset is { RequiresGrad: true };
            double qp = q.Qp, qn = q.Qn;
            Tensor? gx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
            Span<float> dgx = gx is null ? default : gx.Data;
            var ds = learnS ? new double[layout.Slices] : null;
            var db = learnB ? new double[layout.Slices] : null;
            ReadOnlySpan<float> ys = y.Data;
            for (int r = 0; r < layout.Runs; r++)
            {
                var (start, len, slice) = layout.Run(r);
                float s = scales[slice];
                // the grid spans [lo, hi] in x: s·(−Qn − z) .. s·(Qp − z) for zero points, β ± for offsets
                double shift = offsets.IsEmpty ? 0 : q.LearnedOffset ? offsets[slice] : -offsets[slice] * (double)s;
                double lo = shift - qn * s, hi = shift + qp * s;
                for (int i = 0; i < len; i++)
                {
                    int idx = start + i;
                    float xi = xs[idx];
                    bool inside = xi >= lo && xi <= hi;
                    if (gx is not null) dgx[idx] = inside ? g[idx] : 0f;
                    if (ds is not null)
                    {
                        double yi = ys[idx];
                        ds[slice] += g[idx] * (inside ? (yi - xi) / s : (yi - shift) / s);
                    }
                    if (db is not null && !inside) db[slice] += g[idx];
                }
            }
            if (gx is not null) AccumulateGrad(x, gx);
            if (ds is not null) AccumulateGrad(q.Scale!, Scaled(ds, layout, qp));
            if (db is not null) AccumulateGrad(q.Offset!, Scaled(db, layout, qp));
        }

        private static Tensor Scaled(double[] sums, SliceLayout layout, double qp)
        {
            var t = Tensor.Empty(sums.Length);
            double gs = 1.0 / Math.Sqrt(layout.SliceSize * qp);
            for (int i = 0; i < sums.Length; i++) t.Data[i] = (float)(sums[i] * gs);
            return t;
        }
    }
}
