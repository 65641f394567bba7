namespace Emulator.Formats;

/// <summary>
/// posit&lt;n,es&gt; as a scalar format (FORMATS.md section 3): n = 2..32 bits, es = 0..4 exponent bits; 0 and NaR
/// (100...0) are the only special codes. Conversion rounds on the bit string with any mode of section 1 and never gives
/// 0 or NaR for a nonzero finite input: below minpos gives ±minpos and above maxpos gives ±maxpos in every mode
/// (the overflow policy does not apply). NaN and ±Inf encode as NaR.
/// </summary>
public sealed class PositFormat : ScalarFormat
{
    /// <summary>Creates and validates posit&lt;n,es&gt;.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="bits">n, 2..32.</param>
    /// <param name="exponentBits">es, 0..4 (2 is the 2022 standard).</param>
    public PositFormat(FormatInfo info, int bits, int exponentBits) : base(info, OverflowPolicy.Saturate)
    {
        if (bits is < 2 or > 32)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "posit bits n must be in 2..32");
        if (exponentBits is < 0 or > 4)
            throw new ArgumentOutOfRangeException(nameof(exponentBits), exponentBits, "posit exponent bits es must be in 0..4");
        Layout = new PositLayout(bits, exponentBits);
        MaxFinite = Math.ScaleB(1.0, Layout.MaxScale);
        MinNormal = Math.ScaleB(1.0, -Layout.MaxScale);
    }

    /// <summary>Creates posit&lt;n,es&gt; named <c>posit{n}es{es}</c>.</summary>
    public PositFormat(int bits, int exponentBits)
        : this(FormatInfo.Named($"posit{bits}es{exponentBits}"), bits, exponentBits) { }

    /// <summary>The bit layout, which also carries the arithmetic (<see cref="PositLayout.Add"/>, ...).</summary>
    public PositLayout Layout { get; }

    /// <summary>es, the number of exponent bits.</summary>
    public int ExponentBits => Layout.Es;

    /// <summary>useed = 2^(2^es).</summary>
    public double Useed => Math.ScaleB(1.0, 1 << Layout.Es);

    /// <summary>The NaR code 100...0.</summary>
    public uint NaRCode => Layout.NaR;

    /// <inheritdoc />
    public override string Kind => "posit";

    /// <inheritdoc />
    public override int Bits => Layout.N;

    /// <inheritdoc />
    public override bool IsSigned => true;

    /// <summary>NaR plays the role of NaN.</summary>
    public override bool HasNaN => true;

    /// <inheritdoc />
    public override bool HasInfinity => false;

    /// <inheritdoc />
    public override bool RoundsToNearestValue => false;

    /// <inheritdoc />
    public override bool SaturatesToExtremes => true;

    /// <summary>maxpos = useed^(n-2).</summary>
    public override double MaxFinite { get; }

    /// <summary>-maxpos.</summary>
    public override double MinFinite => -MaxFinite;

    /// <summary>minpos = useed^(2-n) (posits have no subnormals; this is the smallest positive value).</summary>
    public override double MinNormal { get; }

    /// <summary>minpos.</summary>
    public override double MinSubnormal => MinNormal;

    /// <summary>The value of a code; NaR decodes as NaN.</summary>
    public override double Decode(uint code)
    {
        if (code >= CodeCount)
            throw new ArgumentOutOfRangeException(nameof(code), code, $"code must be below 2^{Bits} for format '{Name}'");
        return Layout.ToDouble(code);
    }

    /// <summary>Rounds on the bit string with the mode of <paramref name="options"/>; the overflow policy is ignored (posits saturate).</summary>
    protected override uint EncodeCore(double x, in RoundingOptions options, uint randomWord) =>
        Layout.FromDouble(x, options, randomWord);
}
