using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="dim"/> (<c>F.softmax</c>; numerically stable).</summary>
    public static Tensor Softmax(Tensor x, int dim) => SoftmaxNode.Apply(x, dim, log: false, scale: 1f, causal: false);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="dim"/> (<c>F.log_softmax</c>).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => SoftmaxNode.Apply(x, dim, log: true, scale: 1f, causal: false);

    /// <summary>softmax(scale · x) over the last axis of attention scores [..., L, S]; with <paramref name="causal"/> row i
    /// keeps columns j ≤ i and gives the others probability 0 (PyTorch's <c>is_causal</c>, top-left aligned).</summary>
    internal static Tensor AttentionSoftmax(Tensor scores, float scale, bool causal) =>
        SoftmaxNode.Apply(scores, -1, log: false, scale, causal);

    private sealed class SoftmaxNode(Tensor y, AxisSplit split, bool log, float scale, int causalRows) : Function
    {
        public override string Name => log ? "log_softmax_backward" : "softmax_backward";

        public static Tensor Apply(Tensor x, int dim, bool log, float scale, bool causal)
        {
            int axis = ShapeMath.Axis(dim, x.Rank, log ? "log_softmax" : "softmax");
            var split = AxisSplit.Of(x.Shape, axis);
            int causalRows = causal ? x.Size(-2) : 0;
            var y = Tensor.Empty(x.ShapeArray);
            Run(new SoftmaxPass(x, y, null, null, split, log, scale, causalRows));
            return new SoftmaxNode(y, split, log, scale, causalRows).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Empty(y.ShapeArray);
            Run(new SoftmaxPass(null, y, grad, gx, split, log, scale, causalRows));
            AccumulateGrad(Inputs[0], gx);
        }

        private static void Run(SoftmaxPass p)
        {
            if (p.Split.Inner == 1) RangeWork.Run(p.Split.Outer, p.Split.Size, p);
            else RangeWork.Run(p.Split.Outer, (long)p.Split.Size * p.Split.Inner, p);
        }
    }

    /// <summary>
    /// Rows [start, end) of a softmax forward (g null) or backward. Contiguous rows (inner = 1) sum with
    /// <see cref="DeterministicSum"/>; strided ones (inner &gt; 1) add the n slices in increasing order, lane by lane.
    /// </summary>
    private readonly struct SoftmaxPass(Tensor? x, Tensor y, Tensor? g, Tensor? gx, AxisSplit split, bool log, float scale, int causalRows) : IRangeBody
    {
        public AxisSplit Split => split;

        public void Run(int start, int end)
        {
            if (split.Inner == 1)
                for (int r = start; r < end; r++) Row(r);
            else
            {
                int inner = split.Inner;
                var scratch = TensorPool.Rent(2 * inner);
                for (int o = start; o < end; o++) Block(o, scratch.AsSpan(0, inner), scratch.AsSpan(inner, inner));
                TensorPool.Return(scratch);
            }
        }

        private void Row(int r)
        {
            int n = split.Size, valid = causalRows == 0 ? n : Math.Min(n, r % causalRows + 1);
            var yr = y.Data.Slice(r * n, n);
            if (valid == 0) return;
            if (g is null)
            {
                var xr = x!.Data.Slice(r * n, valid);
                var dst = yr[..valid];
                float m = TensorPrimitives.Max(xr);
                Shifted(xr, m, dst);
                DoubleMap.Apply<ExpKernel>(dst, dst);
                float s = DeterministicSum.Sum(dst);
                if (log)
                {
                    Shifted(xr, m, dst);
                    TensorPrimitives.Subtract(dst, MathF.Log(s), dst);
                }
                else TensorPrimitives.Divide(dst, s, dst);
                yr[valid..].Fill(log ? float.NegativeInfinity : 0f);
                return;
            }
            var gr = g.Data.Slice(r * n, valid);
            var gxr = gx!.Data.Slice(r * n, n);
            var dx = gxr[..valid];
            var yv = yr[..valid];
            if (log)
            {
                float s = DeterministicSum.Sum(gr);
                ExpTimes(yv, s, gr, dx);
            }
            else
            {
                TensorPrimitives.Multiply(gr, yv, dx);
                float s = DeterministicSum.Sum(dx);
                TensorPrimitives.Subtract(gr, s, dx);
                TensorPrimitives.Multiply(dx, yv, dx);
            }
            if (scale != 1f) TensorPrimitives.Multiply(dx, scale, dx);
            gxr[valid..].Clear();
        }

        /// <summary>dx = g − exp(y)·s (the log-softmax backward).</summary>
        private static void ExpTimes(ReadOnlySpan<float> y, float s, ReadOnlySpan<float> g, Span<float> dx)
        {
            DoubleMap.Apply<ExpKernel>(y, dx);
            TensorPrimitives.Multiply(dx, s, dx);
            TensorPrimitives.Subtract(g, dx, dx);
        }

        /// <summary>dx = g − exp(y)·s lane by lane.</summary>
        private static void ExpTimes(ReadOnlySpan<float> y, ReadOnlySpan<float> s, ReadOnlySpan<float> g, Span<float> dx)
        {
            DoubleMap.Apply<ExpKernel>(y, dx);
            TensorPrimitives.Multiply(dx, s, dx);
            TensorPrimitives.Subtract(g, dx, dx);
        }

        /// <summary>(x − m)·scale into dst.</summary>
        private void Shifted(ReadOnlySpan<float> x, float m, Span<float> dst)
        {
            TensorPrimitives.Subtract(x, m, dst);
            if (scale != 1f) TensorPrimitives.Multiply(dst, scale, dst);
        }

        private void Block(int o, Span<float> a, Span<float> b)
        {
            int n = split.Size, inner = split.Inner, baseOffset = o * n * inner;
            var yb = y.Data.Slice(baseOffset, n * inner);
            if (g is null)
            {
                var xb = x!.Data.Slice(baseOffset, n * inner);
                // a = max over the n slices, b = Σ exp
                xb[..inner].CopyTo(a);
                for (int i = 1; i < n; i++) TensorPrimitives.Max(a, xb.Slice(i * inner, inner), a);
                for (int i = 0; i < n; i++)
                {
                    var yi = yb.Slice(i * inner, inner);
                    Shifted(xb.Slice(i * inner, inner), a, yi);
                    DoubleMap.Apply<ExpKernel>(yi, yi);
                    if (i == 0) yi.CopyTo(b); else TensorPrimitives.Add(b, yi, b);
                }
                if (log)
                {
                    for (int j = 0; j < inner; j++) b[j] = MathF.Log(b[j]);
                    for (int i = 0; i < n; i++)
                    {
                        var yi = yb.Slice(i * inner, inner);
                        Shifted(xb.Slice(i * inner, inner), a, yi);
                        TensorPrimitives.Subtract(yi, b, yi);
                    }
                }
                else
                    for (int i = 0; i < n; i++) TensorPrimitives.Divide(yb.Slice(i * inner, inner), b, yb.Slice(i * inner, inner));
                return;
            }
            var gb = g.Data.Slice(baseOffset, n * inner);
            var gxb = gx!.Data.Slice(baseOffset, n * inner);
            // b = Σ g (log) or Σ g·y (softmax), slice by slice in increasing order
            for (int i = 0; i < n; i++)
            {
                var gi = gb.Slice(i * inner, inner);
                if (log) { if (i == 0) gi.CopyTo(b); else TensorPrimitives.Add(b, gi, b); }
                else
                {
                    TensorPrimitives.Multiply(gi, yb.Slice(i * inner, inner), a);
                    if (i == 0) a.CopyTo(b); else TensorPrimitives.Add(b, a, b);
                }
            }
            for (int i = 0; i < n; i++)
            {
                var gi = gb.Slice(i * inner, inner); var yi = yb.Slice(i * inner, inner); var dx = gxb.Slice(i * inner, inner);
                if (log)
                    ExpTimes(yi, b, gi, dx);
                else
                {
                    TensorPrimitives.Subtract(gi, b, dx);
                    TensorPrimitives.Multiply(dx, yi, dx);
                }
                if (scale != 1f) TensorPrimitives.Multiply(dx, scale, dx);
            }
        }

        /// <summary>(x − m)·scale into dst, lane by lane.</summary>
        private void Shifted(ReadOnlySpan<float> x, ReadOnlySpan<float> m, Span<float> dst)
        {
            TensorPrimitives.Subtract(x, m, dst);
            if (scale != 1f) TensorPrimitives.Multiply(dst, scale, dst);
        }
    }
}
