namespace Emulator.Nn;

/// <summary>
/// A (height, width) pair for the hyperparameters of 2-D ops — kernel size, stride, padding, dilation, output size — as
/// PyTorch's <c>_size_2_t</c>: an <c>int</c> converts to the same value for both, a tuple <c>(h, w)</c> to the pair.
/// </summary>
/// <param name="H">The value along the height (rows).</param>
/// <param name="W">The value along the width (columns).</param>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(int value) => new(value, value);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Size2((int H, int W) value) => new(value.H, value.W);

    /// <summary>As PyTorch prints it: <c>3</c> or <c>(3, 5)</c>.</summary>
    public override string ToString() => H == W ? H.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"({H}, {W})";

    /// <summary>Throws unless both values are at least <paramref name="min"/>; the message names op, parameter and range.</summary>
    internal Size2 AtLeast(int min, string op, string name)
    {
        if (H < min || W < min)
            throw new ArgumentOutOfRangeException(name, this, $"{op}: {name} {this} must be >= {min} in both dimensions");
        return this;
    }
}
