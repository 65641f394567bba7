using System.Numerics.Tensors;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Sums of a tensor down to a broadcast-compatible shape (the backward of broadcasting), in a fixed order: the input is
/// split into alternating runs of kept and reduced dimensions; a reduced innermost run is summed with
/// <see cref="DeterministicSum"/>, and outer contributions are added into the output in increasing input order.
/// </summary>
internal static class Reduction
{
    /// <summary>Sums <paramref name="x"/> (shape <paramref name="shape"/>) to <paramref name="target"/> (same rank or fewer
    /// leading dims; target dims equal or 1).</summary>
    public static void SumTo(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, ReadOnlySpan<int> target, Span<float> y)
    {
        int r = shape.Length;
        // collapse into groups of equal "reduced" flag
        var dims = new List<int>(); var reduced = new List<bool>();
        for (int i = 0; i < r; i++)
        {
            int ti = i - (r - target.Length);
            bool red = ti < 0 || (target[ti] == 1 && shape[i] != 1);
            if (shape[i] == 1) continue;
            if (dims.Count > 0 && reduced[^1] == red) dims[^1] *= shape[i];
            else { dims.Add(shape[i]); reduced.Add(red); }
        }
        y.Clear();
        if (dims.Count == 0) { if (x.Length > 0) y[0] = x[0]; return; }
        int inner = dims[^1];
        bool innerReduced = reduced[^1];
        int outer = x.Length / Math.Max(inner, 1);
        // output stride of each group: kept groups index the output row-major
        int groups = dims.Count;
        var outStride = new int[groups];
        int acc = 1;
        for (int g = groups - 1; g >= 0; g--) { if (!reduced[g]) { outStride[g] = acc; acc *= dims[g]; } }
        for (int row = 0; row < outer; row++)
        {
            int rem = row, o = 0;
            for (int g = groups - 2; g >= 0; g--) { int i = rem % dims[g]; rem /= dims[g]; o += i * outStride[g]; }
            var run = x.Slice(row * inner, inner);
            if (innerReduced) y[o] += DeterministicSum.Sum(run);
            else TensorPrimitives.Add(y.Slice(o, inner), run, y.Slice(o, inner));
        }
    }
}
