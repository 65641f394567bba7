namespace Emulator.Nn.Numerics;

/// <summary>Shape arithmetic: element counts, broadcasting, text for error messages.</summary>
public static class ShapeMath
{
    /// <summary>The number of elements of a shape (1 for a scalar shape []); throws if it exceeds int.MaxValue.</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape {Format(shape)} has a negative dimension {d}; dimensions must be >= 0", nameof(shape));
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"shape {Format(shape)} has more than {int.MaxValue} elements", nameof(shape));
        }
        return (int)n;
    }

    /// <summary>The shape as PyTorch prints it, e.g. [128, 1, 28, 28].</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Whether two shapes are equal.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The broadcast shape of two shapes (NumPy/PyTorch rules: align right, sizes equal or 1).</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast; the message names the op and both shapes.</exception>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} do not broadcast (dimension {i} of the aligned shapes: {da} vs {db})");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Normalises a possibly negative axis (PyTorch style: -1 is the last) against a rank.</summary>
    public static int Axis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for a tensor of rank {rank} (valid {-rank}..{rank - 1})");
        return a;
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }
}
