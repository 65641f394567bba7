namespace Emulator.Nn.Numerics;

/// <summary>
/// A row-major shape seen as [outer, size, inner] around one axis: element (o, i, j) is at (o·size + i)·inner + j.
/// </summary>
internal readonly record struct AxisSplit(int Outer, int Size, int Inner)
{
    /// <summary>The split of <paramref name="shape"/> at axis <paramref name="axis"/> (already normalised; a scalar is [1, 1, 1]).</summary>
    public static AxisSplit Of(ReadOnlySpan<int> shape, int axis)
    {
        if (shape.Length == 0) return new(1, 1, 1);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return new(outer, shape[axis], inner);
    }
}
