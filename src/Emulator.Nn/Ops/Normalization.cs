using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>float32's machine epsilon 2^−23 (<c>torch.finfo(torch.float32).eps</c>), RMS norm's default eps.</summary>
    private const float MachineEpsilon = 1.1920929e-07f;

    /// <summary>
    /// Layer normalisation over the trailing <paramref name="normalizedShape"/> dimensions (<c>F.layer_norm</c>):
    /// (x − mean) / √(var + eps) · weight + bias, with the biased variance; weight and bias (optional) have the
    /// normalised shape.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f) =>
        NormNode.Apply(x, normalizedShape, weight, bias, eps, center: true, "layer_norm");

    /// <summary>
    /// Root-mean-square normalisation over the trailing <paramref name="normalizedShape"/> dimensions (<c>F.rms_norm</c>):
    /// x / √(mean(x²) + eps) · weight; eps defaults to float32's machine epsilon (2^−23), as in PyTorch.
    /// </summary>
    public static Tensor RmsNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, float? eps = null) =>
        NormNode.Apply(x, normalizedShape, weight, null, eps ?? MachineEpsilon, center: false, "rms_norm");

    /// <summary>Layer norm (center) or RMS norm (no centering, no bias) over rows of the last D elements; the row's mean
    /// (0 for RMS) and 1/√(var + eps) are saved for the backward.</summary>
    private sealed class NormNode(Tensor x, Tensor? weight, Tensor? bias, Tensor stats, int d, bool center) : Function
    {
        public override string Name => center ? "native_layer_norm_backward" : "rms_norm_backward";

        public static Tensor Apply(Tensor x, int[] normalizedShape, Tensor? weight, Tensor? bias, float eps, bool center, string op)
        {
            if (normalizedShape.Length == 0 || normalizedShape.Length > x.Rank || !ShapeMath.Equal(x.Shape[^normalizedShape.Length..], normalizedShape))
                throw new ArgumentException($"{op}: input {ShapeMath.Format(x.Shape)} does not end in normalized_shape {ShapeMath.Format(normalizedShape)}", nameof(normalizedShape));
            if (weight is not null && !ShapeMath.Equal(weight.Shape, normalizedShape))
                throw new ArgumentException($"{op}: weight {ShapeMath.Format(weight.Shape)} must have normalized_shape {ShapeMath.Format(normalizedShape)}", nameof(weight));
            if (bias is not null && !ShapeMath.Equal(bias.Shape, normalizedShape))
                throw new ArgumentException($"{op}: bias {ShapeMath.Format(bias.Shape)} must have normalized_shape {ShapeMath.Format(normalizedShape)}", nameof(bias));
            if (!(eps >= 0f) || float.IsInfinity(eps))
                throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{op}: eps must be finite and >= 0");
            int d = ShapeMath.Numel(normalizedShape), rows = d == 0 ? 0 : x.Numel / d;
            var y = Tensor.Empty(x.ShapeArray);
            var stats = Tensor.Empty(rows, 2);
            RangeWork.Run(rows, 4L * d, new NormRows(x, weight, bias, stats, y, null, eps, center));
            var node = new NormNode(x, weight, bias, stats, d, center);
            return node.Record(y, x, weight, bias);
        }

        protected internal override void Backward(Tensor grad)
        {
            int rows = stats.Size(0);
            if (x.RequiresGrad)
            {
                var gx = Tensor.Empty(x.ShapeArray);
                RangeWork.Run(rows, 8L * d, new NormRows(x, weight, bias, stats, grad, gx, 0f, center));
                AccumulateGrad(x, gx);
            }
            bool gw = weight is { RequiresGrad: true }, gb = bias is { RequiresGrad: true };
            if (!gw && !gb) return;
            // column sums over rows in increasing row order: gw = Σ g·x̂, gb = Σ g
            var dw = gw ? Tensor.Zeros(weight!.ShapeArray) : null;
            var db = gb ? Tensor.Zeros(bias!.ShapeArray) : null;
            var scratch = TensorPool.Rent(d);
            var xhat = scratch.AsSpan(0, d);
            ReadOnlySpan<float> g = grad.Data, xs = x.Data, st = stats.Data;
            for (int r = 0; r < rows; r++)
            {
                var gr = g.Slice(r * d, d);
                if (db is not null) TensorPrimitives.Add(db.Data, gr, db.Data);
                if (dw is null) continue;
                Normalized(xs.Slice(r * d, d), st[2 * r], st[2 * r + 1], xhat);
                TensorPrimitives.Multiply(xhat, gr, xhat);
                TensorPrimitives.Add(dw.Data, xhat, dw.Data);
            }
            TensorPool.Return(scratch);
            if (dw is not null) AccumulateGrad(weight!, dw);
            if (db is not null) AccumulateGrad(bias!, db);
        }
    }

    /// <summary>x̂ = (x − mean)·rstd.</summary>
    private static void Normalized(ReadOnlySpan<float> x, float mean, float rstd, Span<float> xhat)
    {
        TensorPrimitives.Subtract(x, mean, xhat);
        TensorPrimitives.Multiply(xhat, rstd, xhat);
    }

    /// <summary>
    /// Rows [start, end) of a layer/RMS norm: the forward (gx null: y = x̂·w + b, stats = (mean, rstd)) or the input
    /// gradient (y holds g): gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·w, the mean(ĝ) term only when centering.
    /// </summary>
    private readonly struct NormRows(Tensor x, Tensor? weight, Tensor? bias, Tensor stats, Tensor y, Tensor? gx, float eps, bool center) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int rows = stats.Size(0), d = rows == 0 ? 0 : x.Numel / rows;
            ReadOnlySpan<float> xs = x.Data, ys = y.Data;
            Span<float> st = stats.Data;
            float[]? scratch = gx is null ? null : TensorPool.Rent(2 * d);
            for (int r = start; r < end; r++)
            {
                var xr = xs.Slice(r * d, d);
                if (gx is null)
                {
                    var yr = y.Data.Slice(r * d, d);
                    float mean = center ? DeterministicSum.Sum(xr) / d : 0f;
                    TensorPrimitives.Subtract(xr, mean, yr);
                    float rstd = 1f / MathF.Sqrt(DeterministicSum.SumOfSquares(yr) / d + eps);
                    TensorPrimitives.Multiply(yr, rstd, yr);
                    if (weight is not null) TensorPrimitives.Multiply(yr, weight.Data, yr);
                    if (bias is not null) TensorPrimitives.Add(yr, bias.Data, yr);
                    st[2 * r] = mean;
                    st[2 * r + 1] = rstd;
                    continue;
                }
                Span<float> xhat = scratch.AsSpan(0, d), t = scratch.AsSpan(d, d);
                var dx = gx.Data.Slice(r * d, d);
                float m = st[2 * r], s = st[2 * r + 1];
                Normalized(xr, m, s, xhat);
                var gr = ys.Slice(r * d, d);
                if (weight is not null) TensorPrimitives.Multiply(gr, weight.Data, dx); else gr.CopyTo(dx);
                TensorPrimitives.Multiply(dx, xhat, t);
                float proj = DeterministicSum.Sum(t) / d;
                if (center) TensorPrimitives.Subtract(dx, DeterministicSum.Sum(dx) / d, dx);
                TensorPrimitives.Multiply(xhat, proj, t);
                TensorPrimitives.Subtract(dx, t, dx);
                TensorPrimitives.Multiply(dx, s, dx);
            }
            if (scratch is not null) TensorPool.Return(scratch);
        }
    }
}
