namespace Emulator.Formats;

/// <summary>
/// A vector quantizer (FORMATS.md section 6): a finite codebook of points in R^d, each named by an integer index of at most
/// 64 bits. <see cref="Encode(ReadOnlySpan{float})"/> returns the index of the codeword nearest to v / <see cref="Scale"/>
/// (by the codec's own search and tie rule), <see cref="Decode(ulong, Span{float})"/> writes <see cref="Scale"/> times the
/// codeword. Indices pack into bitstrings of <see cref="BitsPerVector"/> bits with <see cref="IndexPacking"/>.
/// </summary>
public abstract class VectorCodec : NumberFormat
{
    /// <summary>Creates a codec.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="dimension">d, the number of weights coded together.</param>
    /// <param name="scale">The codec's scale: codeword values are multiplied by it (finite, positive).</param>
    protected VectorCodec(FormatInfo info, int dimension, double scale) : base(info)
    {
        if (dimension is < 1 or > 4096)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be in 1..4096");
        CheckScale(scale, nameof(scale));
        Dimension = dimension;
        Scale = scale;
    }

    /// <inheritdoc />
    public override string Kind => "lattice";

    /// <summary>d: the number of values coded by one index.</summary>
    public int Dimension { get; }

    /// <summary>The codec's scale (codeword values are multiplied by it).</summary>
    public double Scale { get; }

    /// <summary>Number of index values: every index below it names a codeword when <see cref="IsCodeword"/> says so.</summary>
    public abstract ulong IndexCount { get; }

    /// <summary>Bits of one packed index: ceil(log2(<see cref="IndexCount"/>)).</summary>
    public int BitsPerVector => IndexCount <= 1 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount(IndexCount - 1);

    /// <inheritdoc />
    public override double BitsPerValue => (double)BitsPerVector / Dimension;

    /// <summary>Whether <paramref name="index"/> names a codeword (some index spaces have unused values).</summary>
    public virtual bool IsCodeword(ulong index) => index < IndexCount;

    /// <summary>The index of the codeword nearest to <paramref name="x"/> (unit scale, length d).</summary>
    protected abstract ulong EncodeUnit(ReadOnlySpan<double> x);

    /// <summary>Writes the codeword of a valid index (unit scale, length d).</summary>
    protected abstract void DecodeUnit(ulong index, Span<double> y);

    /// <summary>Index of the codeword nearest to <paramref name="v"/> / <see cref="Scale"/>.</summary>
    public ulong Encode(ReadOnlySpan<float> v) => Encode(v, Scale);

    /// <summary>Index of the codeword nearest to <paramref name="v"/> / <paramref name="scale"/>.</summary>
    public ulong Encode(ReadOnlySpan<float> v, double scale)
    {
        CheckLength(v.Length, nameof(v));
        CheckScale(scale, nameof(scale));
        Span<double> x = stackalloc double[Dimension <= 256 ? Dimension : 0];
        if (Dimension > 256) x = new double[Dimension];
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(v[i]))
                throw new ArgumentException($"v[{i}] is {v[i]}; a lattice codec encodes finite values only", nameof(v));
            x[i] = v[i] / scale;
        }
        return EncodeUnit(x);
    }

    /// <summary>Index of the codeword nearest to the double vector <paramref name="x"/> (unit scale).</summary>
    public ulong EncodeUnscaled(ReadOnlySpan<double> x)
    {
        CheckLength(x.Length, nameof(x));
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i]))
                throw new ArgumentException($"x[{i}] is {x[i]}; a lattice codec encodes finite values only", nameof(x));
        return EncodeUnit(x);
    }

    /// <summary>Writes the codeword of <paramref name="index"/> at unit scale.</summary>
    public void DecodeUnscaled(ulong index, Span<double> y)
    {
        CheckLength(y.Length, nameof(y));
        CheckIndex(index);
        DecodeUnit(index, y);
    }

    /// <summary>Writes <see cref="Scale"/> times the codeword of <paramref name="index"/>.</summary>
    public void Decode(ulong index, Span<float> dest) => Decode(index, dest, Scale);

    /// <summary>Writes <paramref name="scale"/> times the codeword of <paramref name="index"/>.</summary>
    public void Decode(ulong index, Span<float> dest, double scale)
    {
        CheckLength(dest.Length, nameof(dest));
        CheckScale(scale, nameof(scale));
        CheckIndex(index);
        Span<double> y = stackalloc double[Dimension <= 256 ? Dimension : 0];
        if (Dimension > 256) y = new double[Dimension];
        DecodeUnit(index, y);
        for (int i = 0; i < y.Length; i++) dest[i] = (float)(y[i] * scale);
    }

    /// <summary>Replaces <paramref name="v"/> by its nearest codeword (times <see cref="Scale"/>) in <paramref name="dest"/>; returns the index.</summary>
    public ulong Quantize(ReadOnlySpan<float> v, Span<float> dest) => Quantize(v, dest, Scale);

    /// <summary>Replaces <paramref name="v"/> by its nearest codeword times <paramref name="scale"/>; returns the index.</summary>
    public ulong Quantize(ReadOnlySpan<float> v, Span<float> dest, double scale)
    {
        ulong index = Encode(v, scale);
        Decode(index, dest, scale);
        return index;
    }

    /// <summary>Encodes consecutive groups of d values (the length must be a multiple of d).</summary>
    public void Encode(ReadOnlySpan<float> values, Span<ulong> indices, double scale)
    {
        int groups = GroupCount(values.Length, nameof(values));
        if (indices.Length < groups)
            throw new ArgumentException($"indices has length {indices.Length}; it must be at least {groups}", nameof(indices));
        for (int g = 0; g < groups; g++) indices[g] = Encode(values.Slice(g * Dimension, Dimension), scale);
    }

    /// <summary>Decodes consecutive indices into groups of d values.</summary>
    public void Decode(ReadOnlySpan<ulong> indices, Span<float> values, double scale)
    {
        if (values.Length < (long)indices.Length * Dimension)
            throw new ArgumentException($"values has length {values.Length}; it must be at least {(long)indices.Length * Dimension}", nameof(values));
        for (int g = 0; g < indices.Length; g++) Decode(indices[g], values.Slice(g * Dimension, Dimension), scale);
    }

    /// <summary>The number of groups of d in a length (which must be a multiple of d).</summary>
    public int GroupCount(int length, string paramName)
    {
        if (length % Dimension != 0)
            throw new ArgumentException($"{paramName} has length {length}; it must be a multiple of the dimension {Dimension}", paramName);
        return length / Dimension;
    }

    private void CheckLength(int length, string paramName)
    {
        if (length != Dimension)
            throw new ArgumentException($"{paramName} has length {length}; it must be the dimension {Dimension}", paramName);
    }

    private void CheckIndex(ulong index)
    {
        if (!IsCodeword(index))
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index does not name a codeword of '{Name}' (valid indices are below {IndexCount}, and not every value is used)");
    }

    private static void CheckScale(double scale, string paramName)
    {
        if (!double.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(paramName, scale, "scale must be a finite number > 0");
    }
}
