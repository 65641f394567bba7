namespace Emulator.Formats;

/// <summary>
/// A scalar format seen as a one-dimensional vector codec (index = code, nearest value under round-to-nearest-even), so
/// that scalar grids and lattice codecs can be compared by the same matrix quantizer.
/// </summary>
public sealed class ScalarCodec : VectorCodec
{
    /// <summary>Wraps a scalar format of at most 32 bits.</summary>
    public ScalarCodec(ScalarFormat format, double scale = 1.0)
        : base(new FormatInfo((format ?? throw new ArgumentNullException(nameof(format))).Name + "-vector", Array.Empty<string>()), 1, scale)
    {
        Format = format;
    }

    /// <summary>The scalar format.</summary>
    public ScalarFormat Format { get; }

    /// <inheritdoc />
    public override ulong IndexCount => Format.CodeCount;

    /// <inheritdoc />
    public override bool IsCodeword(ulong index) =>
        index < IndexCount && Format.IsCanonicalCode((uint)index) && double.IsFinite(Format.Decode((uint)index));

    /// <inheritdoc />
    protected override ulong EncodeUnit(ReadOnlySpan<double> x) =>
        Format.Encode(x[0], new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate), 0u);

    /// <inheritdoc />
    protected override void DecodeUnit(ulong index, Span<double> y) => y[0] = Format.Decode((uint)index);
}
