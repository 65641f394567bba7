using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>The dimensions reordered: output dimension i is input dimension <paramref name="dims"/>[i]
    /// (<c>torch.permute</c>; a copy, as tensors are always contiguous here).</summary>
    public static Tensor Permute(Tensor x, params int[] dims)
    {
        if (dims.Length != x.Rank)
            throw new ArgumentException($"permute: {dims.Length} dims {ShapeMath.Format(dims)} given for a tensor of shape {ShapeMath.Format(x.Shape)} (rank {x.Rank})", nameof(dims));
        var perm = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            int a = ShapeMath.Axis(dims[i], x.Rank, "permute");
            if (seen[a]) throw new ArgumentException($"permute: dim {dims[i]} repeats in {ShapeMath.Format(dims)}", nameof(dims));
            seen[a] = true;
            perm[i] = a;
        }
        return PermuteNode.Apply(x, perm);
    }

    /// <summary>Dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped (<c>torch.transpose</c>; a copy).</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        int a = ShapeMath.Axis(dim0, x.Rank, "transpose"), b = ShapeMath.Axis(dim1, x.Rank, "transpose");
        var perm = new int[x.Rank];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return PermuteNode.Apply(x, perm);
    }

    /// <summary>Elements [start, start + length) along <paramref name="dim"/> (<c>torch.narrow</c>; a negative start
    /// counts from the end; a copy).</summary>
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        int axis = ShapeMath.Axis(dim, x.Rank, "narrow");
        int size = x.Rank == 0 ? 1 : x.Size(axis);
        int s = start < 0 ? start + size : start;
        if (s < 0 || s > size)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"narrow: start {start} is out of range for dim {dim} of size {size} in {ShapeMath.Format(x.Shape)} (valid {-size}..{size})");
        if (length < 0 || s + length > size)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"narrow: length {length} from start {s} exceeds dim {dim} of size {size} in {ShapeMath.Format(x.Shape)} (valid 0..{size - s})");
        return NarrowNode.Apply(x, axis, s, length);
    }

    /// <summary>Tensors joined along <paramref name="dim"/> (<c>torch.cat</c>): equal shapes except in that dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("cat: expected a non-empty list of tensors", nameof(tensors));
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("cat: zero-dimensional tensors cannot be concatenated", nameof(tensors));
        int axis = ShapeMath.Axis(dim, first.Rank, "cat");
        int total = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            var s = tensors[t].Shape;
            bool ok = s.Length == first.Rank;
            for (int i = 0; ok && i < s.Length; i++) ok = i == axis || s[i] == first.Shape[i];
            if (!ok)
                throw new ArgumentException($"cat: tensor {t} has shape {ShapeMath.Format(s)} but tensor 0 has {ShapeMath.Format(first.Shape)}; sizes must match except in dim {dim}", nameof(tensors));
            total += s[axis];
        }
        return CatNode.Apply([.. tensors], axis, total);
    }

    private sealed class PermuteNode(Tensor x, int[] perm) : Function
    {
        public override string Name => "permute_backward";

        public static Tensor Apply(Tensor x, int[] perm)
        {
            var shape = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) shape[i] = x.Size(perm[i]);
            var y = Tensor.Empty(shape);
            Copy(x.Data, x.Shape, perm, y.Data);
            return new PermuteNode(x, perm).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var inverse = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
            var gx = Tensor.Empty(x.ShapeArray);
            Copy(grad.Data, grad.Shape, inverse, gx.Data);
            AccumulateGrad(x, gx);
        }

        /// <summary>dst (row-major in the permuted shape) = src read through permuted strides; output dimensions that
        /// are also consecutive in the input are merged, and a last dimension of input stride 1 copies whole runs.</summary>
        private static void Copy(ReadOnlySpan<float> src, ReadOnlySpan<int> shape, int[] perm, Span<float> dst)
        {
            var inStrides = ShapeMath.Strides(shape);
            Span<int> dims = stackalloc int[Math.Max(perm.Length, 1)];
            Span<int> strides = stackalloc int[Math.Max(perm.Length, 1)];
            int rank = 0;
            foreach (int p in perm)
            {
                int size = shape[p], stride = inStrides[p];
                if (size == 1) continue;
                if (rank > 0 && strides[rank - 1] == stride * size) { dims[rank - 1] *= size; strides[rank - 1] = stride; continue; }
                dims[rank] = size; strides[rank] = stride; rank++;
            }
            if (dst.Length == 0) return;
            if (rank == 0) { dst[0] = src[0]; return; }
            int inner = dims[rank - 1], step = strides[rank - 1], rows = dst.Length / inner;
            Span<int> index = stackalloc int[rank];
            index.Clear();
            int at = 0;
            for (int row = 0; row < rows; row++)
            {
                var d = dst.Slice(row * inner, inner);
                if (step == 1) src.Slice(at, inner).CopyTo(d);
                else for (int j = 0, k = at; j < inner; j++, k += step) d[j] = src[k];
                for (int i = rank - 2; i >= 0; i--)
                {
                    at += strides[i];
                    if (++index[i] < dims[i]) break;
                    at -= strides[i] * dims[i];
                    index[i] = 0;
                }
            }
        }
    }

    private sealed class NarrowNode(Tensor x, AxisSplit split, int start, int length) : Function
    {
        public override string Name => "narrow_backward";

        public static Tensor Apply(Tensor x, int axis, int start, int length)
        {
            var split = AxisSplit.Of(x.Shape, axis);
            var shape = x.ShapeArray;
            if (shape.Length > 0) shape[axis] = length;
            var y = Tensor.Empty(shape);
            ReadOnlySpan<float> src = x.Data;
            Span<float> dst = y.Data;
            int run = length * split.Inner;
            for (int o = 0; o < split.Outer; o++)
                src.Slice((o * split.Size + start) * split.Inner, run).CopyTo(dst.Slice(o * run, run));
            return new NarrowNode(x, split, start, length).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Zeros(x.ShapeArray);
            ReadOnlySpan<float> g = grad.Data;
            Span<float> dx = gx.Data;
            int run = length * split.Inner;
            for (int o = 0; o < split.Outer; o++)
                g.Slice(o * run, run).CopyTo(dx.Slice((o * split.Size + start) * split.Inner, run));
            AccumulateGrad(x, gx);
        }
    }

    private sealed class CatNode(Tensor[] inputs, int axis, int total) : Function
    {
        public override string Name => "cat_backward";

        public static Tensor Apply(Tensor[] inputs, int axis, int total)
        {
            var shape = inputs[0].ShapeArray;
            shape[axis] = total;
            var y = Tensor.Empty(shape);
            Span<float> dst = y.Data;
            var split = AxisSplit.Of(shape, axis);
            int offset = 0;
            foreach (var t in inputs)
            {
                int run = t.Size(axis) * split.Inner;
                ReadOnlySpan<float> src = t.Data;
                for (int o = 0; o < split.Outer; o++) src.Slice(o * run, run).CopyTo(dst.Slice(o * total * split.Inner + offset, run));
                offset += run;
            }
            return new CatNode(inputs, axis, total).Record(y, inputs);
        }

        protected internal override void Backward(Tensor grad)
        {
            ReadOnlySpan<float> g = grad.Data;
            var split = AxisSplit.Of(grad.Shape, axis);
            int offset = 0;
            foreach (var t in inputs)
            {
                int run = t.Size(axis) * split.Inner;
                if (t.RequiresGrad)
                {
                    var gt = Tensor.Empty(t.ShapeArray);
                    Span<float> d = gt.Data;
                    for (int o = 0; o < split.Outer; o++) g.Slice(o * total * split.Inner + offset, run).CopyTo(d.Slice(o * run, run));
                    AccumulateGrad(t, gt);
                }
                offset += run;
            }
        }
    }
}
