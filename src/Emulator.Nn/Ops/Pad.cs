using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// Constant padding (<c>F.pad</c>, mode "constant"): <paramref name="pad"/> lists (before, after) pairs starting from the
    /// last dimension — (left, right), then (top, bottom), then (front, back), ... Negative amounts crop.
    /// </summary>
    /// <param name="input">Any shape of rank &gt;= pad.Length / 2.</param>
    /// <param name="pad">An even number of amounts, at most two per dimension.</param>
    /// <param name="value">The fill value.</param>
    public static Tensor Pad(Tensor input, int[] pad, float value = 0f)
    {
        const string op = "pad";
        ArgumentNullException.ThrowIfNull(pad);
        if (pad.Length % 2 != 0 || pad.Length / 2 > input.Rank)
            throw new ArgumentException($"{op}: pad has {pad.Length} values; it needs an even number, at most 2 per dimension of the input {ShapeMath.Format(input.Shape)}", nameof(pad));
        int rank = input.Rank;
        var before = new int[rank];
        var shape = input.ShapeArray;
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = rank - 1 - k;
            before[d] = pad[2 * k];
            long size = (long)shape[d] + pad[2 * k] + pad[2 * k + 1];
            if (size < 0)
                throw new ArgumentException($"{op}: padding ({pad[2 * k]}, {pad[2 * k + 1]}) makes dimension {d} of {ShapeMath.Format(input.Shape)} negative ({size})", nameof(pad));
            shape[d] = (int)size;
        }
        return PadNode.Apply(input, shape, before, value);
    }

    private sealed class PadNode(Tensor x, int[] before) : Function
    {
        public override string Name => "constant_pad_nd_backward";

        public static Tensor Apply(Tensor x, int[] shape, int[] before, float value)
        {
            var y = Tensor.Full(value, shape);
            CopyRegion(x.Data, x.Shape, y.Data, shape, before);
            return new PadNode(x, before).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = Tensor.Zeros(x.ShapeArray);
            var back = new int[before.Length];
            for (int d = 0; d < back.Length; d++) back[d] = -before[d];
            CopyRegion(grad.Data, grad.Shape, dx.Data, x.Shape, back);
            AccumulateGrad(x, dx);
        }

        /// <summary>dst[i + offset] = src[i] for every index i where both exist (row by row along the last dimension).</summary>
        private static void CopyRegion(ReadOnlySpan<float> src, ReadOnlySpan<int> srcShape, Span<float> dst, ReadOnlySpan<int> dstShape, int[] offset)
        {
            int rank = srcShape.Length;
            if (rank == 0) { if (src.Length > 0 && dst.Length > 0) dst[0] = src[0]; return; }
            int srcLast = srcShape[^1], dstLast = dstShape[^1], shift = offset[^1];
            int lo = Math.Max(0, -shift), hi = Math.Min(srcLast, dstLast - shift);
            if (hi <= lo || src.Length == 0) return;
            int rows = src.Length / srcLast;
            for (int r = 0; r < rows; r++)
            {
                int rem = r, dstRow = 0, mul = 1;
                bool inside = true;
                for (int d = rank - 2; d >= 0; d--)
                {
                    int i = rem % srcShape[d] + offset[d];
                    rem /= srcShape[d];
                    if (i < 0 || i >= dstShape[d]) { inside = false; break; }
                    dstRow += i * mul;
                    mul *= dstShape[d];
                }
                if (inside) src.Slice(r * srcLast + lo, hi - lo).CopyTo(dst.Slice(dstRow * dstLast + lo + shift, hi - lo));
            }
        }
    }
}
