using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>The slices at <paramref name="indices"/> along <paramref name="dim"/> (<c>torch.index_select</c>); the
    /// backward adds each output slice's gradient into its source slice, in index order (repeats accumulate).</summary>
    public static Tensor IndexSelect(Tensor x, int dim, ReadOnlySpan<int> indices)
    {
        int axis = ShapeMath.Axis(dim, x.Rank, "index_select");
        if (x.Rank == 0) throw new ArgumentException("index_select: the input is a scalar", nameof(x));
        var shape = x.ShapeArray;
        shape[axis] = indices.Length;
        return GatherNode.Apply(x, axis, indices, shape, skip: null, "index_select");
    }

    /// <summary>
    /// Rows of <paramref name="weight"/> [num_embeddings, embedding_dim] at each index (<c>F.embedding</c>): the output is
    /// [indices.Length, embedding_dim]. The row at <paramref name="paddingIdx"/> (negative counts from the end) gets no gradient.
    /// </summary>
    public static Tensor Embedding(ReadOnlySpan<int> indices, Tensor weight, int? paddingIdx = null) =>
        EmbeddingOf(indices, [indices.Length], weight, paddingIdx);

    /// <summary>Embedding of a tensor of integer-valued indices (any shape S): the output is [S..., embedding_dim].</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null)
    {
        ReadOnlySpan<float> v = indices.Data;
        var buffer = TensorPool.Rent(v.Length);
        try
        {
            var ints = MemoryMarshal.Cast<float, int>(buffer.AsSpan(0, v.Length));
            for (int i = 0; i < v.Length; i++)
            {
                float f = v[i];
                if (f != MathF.Round(f) || f < int.MinValue || f > int.MaxValue)
                    throw new ArgumentException($"embedding: index {i} of the indices tensor {ShapeMath.Format(indices.Shape)} is {f}, not an integer", nameof(indices));
                ints[i] = (int)f;
            }
            return EmbeddingOf(ints, indices.ShapeArray, weight, paddingIdx);
        }
        finally { TensorPool.Return(buffer); }
    }

    private static Tensor EmbeddingOf(ReadOnlySpan<int> indices, int[] indexShape, Tensor weight, int? paddingIdx)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"embedding: weight must be [num_embeddings, embedding_dim]; got {ShapeMath.Format(weight.Shape)}", nameof(weight));
        int rows = weight.Size(0);
        int? skip = null;
        if (paddingIdx is int p)
        {
            if (p < -rows || p >= rows)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"embedding: padding_idx must be in {-rows}..{rows - 1} for {rows} embeddings");
            skip = p < 0 ? p + rows : p;
        }
        return GatherNode.Apply(weight, 0, indices, [.. indexShape, weight.Size(1)], skip, "embedding");
    }

    /// <summary>Slices of x along an axis gathered by index (the output's layout is [outer, m, inner], whatever its shape).</summary>
    private sealed class GatherNode(Tensor x, AxisSplit split, Tensor index, int? skip) : Function
    {
        public override string Name => "index_select_backward";

        public static Tensor Apply(Tensor x, int axis, ReadOnlySpan<int> indices, int[] shape, int? skip, string op)
        {
            var split = AxisSplit.Of(x.Shape, axis);
            for (int j = 0; j < indices.Length; j++)
                if ((uint)indices[j] >= (uint)split.Size)
                    throw new ArgumentOutOfRangeException(nameof(indices), indices[j], $"{op}: index {j} is {indices[j]}, out of range for dim {axis} of size {split.Size} in {ShapeMath.Format(x.Shape)} (valid 0..{split.Size - 1})");
            var index = Tensor.Empty(indices.Length);
            indices.CopyTo(MemoryMarshal.Cast<float, int>(index.Data));
            var y = Tensor.Empty(shape);
            ReadOnlySpan<float> src = x.Data;
            Span<float> dst = y.Data;
            int m = indices.Length, inner = split.Inner;
            for (int o = 0; o < split.Outer; o++)
                for (int j = 0; j < m; j++)
                    src.Slice((o * split.Size + indices[j]) * inner, inner).CopyTo(dst.Slice((o * m + j) * inner, inner));
            return new GatherNode(x, split, index, skip).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Zeros(x.ShapeArray);
            ReadOnlySpan<int> indices = MemoryMarshal.Cast<float, int>(index.Data);
            ReadOnlySpan<float> g = grad.Data;
            Span<float> dx = gx.Data;
            int m = indices.Length, inner = split.Inner;
            for (int o = 0; o < split.Outer; o++)
                for (int j = 0; j < m; j++)
                {
                    if (indices[j] == skip) continue;
                    var d = dx.Slice((o * split.Size + indices[j]) * inner, inner);
                    TensorPrimitives.Add(d, g.Slice((o * m + j) * inner, inner), d);
                }
            AccumulateGrad(x, gx);
        }
    }
}
