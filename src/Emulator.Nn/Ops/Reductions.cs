using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>The sum of all elements (a scalar; <c>torch.sum</c>), in <see cref="DeterministicSum"/>'s order.</summary>
    public static Tensor Sum(Tensor x) => SumNode.Apply(x, ReducedShape.All(x), 1, "sum");

    /// <summary>The sum over one dimension (<c>x.sum(dim, keepdim)</c>).</summary>
    public static Tensor Sum(Tensor x, int dim, bool keepDim = false) => Sum(x, [dim], keepDim);

    /// <summary>
    /// The sum over dimensions (<c>x.sum(dims, keepdim)</c>; empty: all). Fixed order: a reduced innermost run of
    /// contiguous elements with <see cref="DeterministicSum"/>, outer reduced dimensions added in increasing index.
    /// </summary>
    public static Tensor Sum(Tensor x, int[] dims, bool keepDim = false) =>
        SumNode.Apply(x, ReducedShape.Of(x, dims, keepDim, "sum"), 1, "sum");

    /// <summary>The mean of all elements (a scalar).</summary>
    public static Tensor Mean(Tensor x) => MeanOf(x, ReducedShape.All(x));

    /// <summary>The mean over one dimension.</summary>
    public static Tensor Mean(Tensor x, int dim, bool keepDim = false) => Mean(x, [dim], keepDim);

    /// <summary>The mean over dimensions (the sum as in <see cref="Sum(Tensor, int[], bool)"/>, divided by the count).</summary>
    public static Tensor Mean(Tensor x, int[] dims, bool keepDim = false) => MeanOf(x, ReducedShape.Of(x, dims, keepDim, "mean"));

    private static Tensor MeanOf(Tensor x, ReducedShape r) => SumNode.Apply(x, r, r.Count, "mean");

    /// <summary>The largest element (a scalar; NaN if any element is NaN); the gradient goes to the first largest.</summary>
    public static Tensor Max(Tensor x) => MaxNode.Apply(x, ReducedShape.All(x), "max");

    /// <summary>The largest value along one dimension (the values of <c>torch.max(x, dim, keepdim)</c>); ties send the
    /// gradient to the first index.</summary>
    public static Tensor Max(Tensor x, int dim, bool keepDim = false) => Max(x, [dim], keepDim);

    /// <summary>The largest value over dimensions (<c>torch.amax</c>; empty: all); the gradient goes to the first largest
    /// element in row-major order of the reduced dimensions.</summary>
    public static Tensor Max(Tensor x, int[] dims, bool keepDim = false) => MaxNode.Apply(x, ReducedShape.Of(x, dims, keepDim, "max"), "max");

    /// <summary>Indices of the largest values along a dimension (<c>torch.argmax</c>; first index on ties), as float values
    /// (exact below 2^24); no gradient.</summary>
    public static Tensor ArgMax(Tensor x, int dim, bool keepDim = false)
    {
        var r = ReducedShape.Of(x, [dim], keepDim, "argmax");
        var y = Tensor.Empty(r.OutShape);
        MaxScan.Run(x, r, y.Data, positions: true);
        return y;
    }

    /// <summary>The variance of all elements: Σ(x − mean)² / (n − 1), or / n when not <paramref name="unbiased"/>.</summary>
    public static Tensor Var(Tensor x, bool unbiased = true) => VarOf(x, ReducedShape.All(x), unbiased);

    /// <summary>The variance along one dimension.</summary>
    public static Tensor Var(Tensor x, int dim, bool unbiased = true, bool keepDim = false) => Var(x, [dim], unbiased, keepDim);

    /// <summary>The variance over dimensions (<c>torch.var</c>; empty: all); unbiased divides by n − 1 (NaN or inf when n = 1).</summary>
    public static Tensor Var(Tensor x, int[] dims, bool unbiased = true, bool keepDim = false) =>
        VarOf(x, ReducedShape.Of(x, dims, keepDim, "var"), unbiased);

    private static Tensor VarOf(Tensor x, ReducedShape r, bool unbiased)
    {
        var mean = SumNode.Apply(x, r with { OutShape = r.KeepShape }, r.Count, "mean");
        var d = x - mean;
        var s = SumNode.Apply(d * d, r, 1, "var");
        return s / (float)(unbiased ? r.Count - 1 : r.Count);
    }

    /// <summary>A reduction's shapes: the input's shape with 1 in reduced dimensions, the output shape, the reduced count.</summary>
    private readonly record struct ReducedShape(int[] KeepShape, int[] OutShape, int Count)
    {
        public static ReducedShape All(Tensor x) => new(Enumerable.Repeat(1, x.Rank).ToArray(), [], x.Numel);

        public static ReducedShape Of(Tensor x, int[] dims, bool keepDim, string op)
        {
            if (dims.Length == 0)
            {
                var all = All(x);
                return keepDim ? all with { OutShape = all.KeepShape } : all;
            }
            var reduced = new bool[Math.Max(x.Rank, 1)];
            foreach (int d in dims)
            {
                int a = ShapeMath.Axis(d, x.Rank, op);
                if (reduced[a]) throw new ArgumentException($"{op}: dim {d} appears more than once in {ShapeMath.Format(dims)}", nameof(dims));
                reduced[a] = true;
            }
            var keep = x.ShapeArray;
            var output = new List<int>();
            int count = 1;
            for (int i = 0; i < x.Rank; i++)
            {
                if (reduced[i]) { count *= keep[i]; keep[i] = 1; if (keepDim) output.Add(1); }
                else output.Add(keep[i]);
            }
            return new(keep, [.. output], count);
        }
    }

    private sealed class SumNode(Tensor x, ReducedShape r, int divisor) : Function
    {
        public override string Name => divisor == 1 ? "sum_backward" : "mean_backward";

        public static Tensor Apply(Tensor x, ReducedShape r, int divisor, string op)
        {
            var y = Tensor.Empty(r.OutShape);
            Reduction.SumTo(x.Data, x.Shape, r.KeepShape, y.Data);
            if (divisor != 1) TensorPrimitives.Divide(y.Data, divisor, y.Data);
            return new SumNode(x, r, divisor).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Empty(x.ShapeArray);
            Expansion.Expand(grad.Data, r.KeepShape, x.ShapeArray, gx.Data);
            if (divisor != 1) TensorPrimitives.Divide(gx.Data, divisor, gx.Data);
            AccumulateGrad(x, gx);
        }
    }

    private sealed class MaxNode(Tensor x, Tensor argmax) : Function
    {
        public override string Name => "max_backward";

        public static Tensor Apply(Tensor x, ReducedShape r, string op)
        {
            if (r.Count == 0)
                throw new ArgumentException($"{op}: cannot reduce over zero elements (input {ShapeMath.Format(x.Shape)})", nameof(x));
            var y = Tensor.Empty(r.OutShape);
            var argmax = Tensor.Empty(r.OutShape);
            MaxScan.Run(x, r, y.Data, positions: false, MemoryMarshal.Cast<float, int>(argmax.Data));
            return new MaxNode(x, argmax).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Zeros(x.ShapeArray);
            var dx = gx.Data;
            ReadOnlySpan<int> at = MemoryMarshal.Cast<float, int>(argmax.Data);
            ReadOnlySpan<float> g = grad.Data;
            for (int o = 0; o < at.Length; o++) dx[at[o]] = g[o];
            AccumulateGrad(x, gx);
        }
    }

    /// <summary>
    /// The max over the reduced dimensions of each output, scanning the reduced elements in row-major order and keeping the
    /// first of equal values (a NaN wins over numbers; the first NaN is kept).
    /// </summary>
    private static class MaxScan
    {
        /// <summary>Writes each output's max (or, with <paramref name="positions"/>, its position among the reduced
        /// elements) into <paramref name="y"/>, and the flat input offset of the winner into <paramref name="offsets"/>.</summary>
        public static void Run(Tensor x, ReducedShape r, Span<float> y, bool positions, Span<int> offsets = default)
        {
            ReadOnlySpan<float> data = x.Data;
            int rank = x.Rank, count = r.Count, outputs = x.Numel / Math.Max(1, count);
            if (count == 0) throw new ArgumentException($"argmax: cannot reduce over zero elements (input {ShapeMath.Format(x.Shape)})", nameof(x));
            if (Trailing(x.Shape, r.KeepShape))
            {
                // the reduced elements of output o are the contiguous run [o·count, (o + 1)·count)
                for (int o = 0; o < outputs; o++)
                {
                    int best = Best(data.Slice(o * count, count));
                    y[o] = positions ? best : data[o * count + best];
                    if (!offsets.IsEmpty) offsets[o] = o * count + best;
                }
                return;
            }
            var strides = ShapeMath.Strides(x.Shape);
            // offsets of the reduced elements (row-major in the reduced dims) and of each output's first element
            var scratch = TensorPool.Rent(2 * count);
            var ro = MemoryMarshal.Cast<float, int>(scratch.AsSpan(0, count));
            var run = scratch.AsSpan(count, count);
            Span<int> index = stackalloc int[Math.Max(rank, 1)];
            Enumerate(x.Shape, strides, r.KeepShape, reduced: true, ro, index);
            index.Clear();
            int[] keptShape = r.KeepShape;
            for (int o = 0; o < outputs; o++)
            {
                int start = 0;
                for (int d = 0; d < rank; d++) start += index[d] * strides[d];
                for (int j = 0; j < count; j++) run[j] = data[start + ro[j]];
                int best = Best(run);
                y[o] = positions ? best : run[best];
                if (!offsets.IsEmpty) offsets[o] = start + ro[best];
                Next(index, keptShape);
            }
            TensorPool.Return(scratch);
        }

        /// <summary>The index of the first largest value (the first NaN if any).</summary>
        private static int Best(ReadOnlySpan<float> run)
        {
            int best = 0;
            float v = run[0];
            for (int j = 1; j < run.Length; j++)
            {
                float u = run[j];
                if (u > v || (float.IsNaN(u) && !float.IsNaN(v))) { v = u; best = j; }
            }
            return best;
        }

        /// <summary>Whether every reduced dimension (size &gt; 1) comes after every kept one (size &gt; 1).</summary>
        private static bool Trailing(ReadOnlySpan<int> shape, int[] keep)
        {
            bool keptSeen = false;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (shape[d] == 1) continue;
                if (keep[d] != 1) keptSeen = true;
                else if (keptSeen) return false;
            }
            return true;
        }

        /// <summary>Lists start offsets over the dimensions that are reduced (keep size 1) in row-major order.</summary>
        private static void Enumerate(ReadOnlySpan<int> shape, int[] strides, int[] keep, bool reduced, Span<int> into, Span<int> index)
        {
            int rank = shape.Length;
            Span<int> sizes = stackalloc int[Math.Max(rank, 1)];
            for (int d = 0; d < rank; d++) sizes[d] = (keep[d] == 1) == reduced ? shape[d] : 1;
            if (rank == 0) sizes[0] = 1;
            index.Clear();
            for (int k = 0; k < into.Length; k++)
            {
                int off = 0;
                for (int d = 0; d < rank; d++) off += index[d] * strides[d];
                into[k] = off;
                Next(index, sizes);
            }
        }

        /// <summary>Advances a row-major index over a shape by one.</summary>
        private static void Next(Span<int> index, ReadOnlySpan<int> shape)
        {
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) return;
                index[d] = 0;
            }
        }
    }
}
