namespace Emulator.Formats;

/// <summary>
/// A scalar format: a finite set of representable values, a code for each, and special codes (FORMATS.md section 1).
/// <see cref="Encode(double, in RoundingOptions, uint)"/> is the one conversion every other method builds on; it completes
/// the caller's options with the format's defaults (<see cref="WithDefaults"/>) before the format rounds.
/// </summary>
public abstract class ScalarFormat : NumberFormat
{
    /// <summary>Creates a scalar format.</summary>
    protected ScalarFormat(FormatInfo info, OverflowPolicy defaultOverflow) : base(info)
    {
        DefaultOverflow = defaultOverflow;
    }

    /// <summary>Width of a code in bits (1..32).</summary>
    public abstract int Bits { get; }

    /// <summary>Number of code points, 2^Bits.</summary>
    public ulong CodeCount => 1UL << Bits;

    /// <inheritdoc />
    public override double BitsPerValue => Bits;

    /// <summary>The format's own parameters (<see cref="FormatParameters"/>), then its default rounding.</summary>
    public sealed override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        [.. FormatParameters, new("default rounding", DefaultRounding.Name())];

    /// <summary>The parameters that define this kind of format (kind, bits, range, special codes, overflow default).</summary>
    protected virtual IReadOnlyList<KeyValuePair<string, string>> FormatParameters => base.Parameters;

    /// <summary>The overflow policy used when the options do not name one.</summary>
    public OverflowPolicy DefaultOverflow { get; }

    /// <summary>
    /// The rounding mode used when the options do not name one (the spec's <c>rounding</c> field; nearest-even unless set).
    /// A deterministic mode: stochastic rounding needs a seed, so callers name it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The mode is not defined, or is stochastic.</exception>
    public RoundingMode DefaultRounding
    {
        get => _defaultRounding;
        init
        {
            if (!Enum.IsDefined(value) || value is RoundingMode.Stochastic or RoundingMode.StochasticEqual)
                throw new ArgumentOutOfRangeException(nameof(DefaultRounding), value,
                    $"a format's default rounding must be a deterministic mode ({string.Join(", ", RoundingNames.DeterministicModeNames)})");
            _defaultRounding = value;
        }
    }

    private readonly RoundingMode _defaultRounding;

    /// <summary>
    /// The options completed with this format's defaults: the format's <see cref="DefaultRounding"/> when they name no mode.
    /// (The overflow policy stays as named or null; formats read it with <see cref="RoundingOptions.OverflowOr"/>.) Every
    /// conversion and kernel applies this once at its entry.
    /// </summary>
    public RoundingOptions WithDefaults(in RoundingOptions options) =>
        options.NamedMode is not null ? options : options with { Mode = options.ModeOr(DefaultRounding) };

    /// <summary>Whether negative values exist.</summary>
    public abstract bool IsSigned { get; }

    /// <summary>Whether the format has a NaN code.</summary>
    public abstract bool HasNaN { get; }

    /// <summary>Whether the format has infinities.</summary>
    public abstract bool HasInfinity { get; }

    /// <summary>Whether the format has zero.</summary>
    public virtual bool HasZero => true;

    /// <summary>Largest finite value.</summary>
    public abstract double MaxFinite { get; }

    /// <summary>Smallest (most negative) finite value.</summary>
    public abstract double MinFinite { get; }

    /// <summary>Smallest positive normal value (for formats without a normal/subnormal split: the smallest step).</summary>
    public abstract double MinNormal { get; }

    /// <summary>Smallest positive value.</summary>
    public abstract double MinSubnormal { get; }

    /// <summary>
    /// True when the nearest modes choose the candidate nearest in value, with ties at the arithmetic midpoint (FORMATS.md
    /// section 1). Posits round on the bit string instead: where exponent bits are cut off the tie point is geometric.
    /// </summary>
    public virtual bool RoundsToNearestValue => true;

    /// <summary>
    /// True when a nonzero finite input never rounds to zero, Inf or NaN: below the smallest magnitude it gives the smallest,
    /// above the largest it gives the largest, in every mode and overflow policy, and ±Inf inputs give NaN (posits: NaR).
    /// </summary>
    public virtual bool SaturatesToExtremes => false;

    /// <summary>The value of a code (NaN for NaN codes, ±Inf for infinity codes).</summary>
    public abstract double Decode(uint code);

    /// <summary>Whether the encoder can produce this code for some input (false for unused codes such as
    /// subnormal codes of a format without subnormals, or codes beyond <see cref="CodeCount"/>).</summary>
    public virtual bool IsCanonicalCode(uint code) => code < CodeCount;

    /// <summary>Converts a value to its code with the given rounding (the format's default where the options name no mode)
    /// and an explicit 32-bit random word.</summary>
    public uint Encode(double x, in RoundingOptions options, uint randomWord) => EncodeCore(x, WithDefaults(options), randomWord);

    /// <summary>Converts a value to its code with options that name a mode (<see cref="WithDefaults"/> has run).</summary>
    protected abstract uint EncodeCore(double x, in RoundingOptions options, uint randomWord);

    /// <summary>Converts a value to its code; stochastic modes draw element <paramref name="index"/>'s Philox word.</summary>
    public uint Encode(double x, in RoundingOptions options = default, long index = 0)
    {
        RoundingOptions o = WithDefaults(options);
        return EncodeCore(x, o, o.RandomWord(index));
    }

    /// <summary>Rounds to the nearest representable value under the options (NaN stays NaN even in formats without NaN).</summary>
    public double Quantize(double x, in RoundingOptions options = default, long index = 0)
    {
        if (double.IsNaN(x) && !HasNaN) return double.NaN;
        return Decode(Encode(x, options, index));
    }

    /// <summary>float32 form of <see cref="Quantize(double, in RoundingOptions, long)"/>; exact for formats whose values are float32 values.</summary>
    public float Quantize(float x, in RoundingOptions options = default, long index = 0) =>
        (float)Quantize((double)x, options, index);

    /// <summary>Whether a code is a NaN code.</summary>
    public bool IsNaNCode(uint code) => double.IsNaN(Decode(code));

    /// <summary>Encodes a span: element i uses index <paramref name="indexOffset"/> + i.</summary>
    public void Encode(ReadOnlySpan<float> x, Span<uint> codes, in RoundingOptions options = default, long indexOffset = 0)
    {
        if (codes.Length < x.Length)
            throw new ArgumentException($"codes has length {codes.Length}; it must be at least x.Length = {x.Length}", nameof(codes));
        for (int i = 0; i < x.Length; i++) codes[i] = Encode(x[i], options, indexOffset + i);
    }

    /// <summary>Quantizes a span (in place allowed): element i uses index <paramref name="indexOffset"/> + i.</summary>
    public void Quantize(ReadOnlySpan<float> x, Span<float> y, in RoundingOptions options = default, long indexOffset = 0)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"y has length {y.Length}; it must be at least x.Length = {x.Length}", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = Quantize(x[i], options, indexOffset + i);
    }

    /// <summary>Decodes a span of codes to float32.</summary>
    public void Decode(ReadOnlySpan<uint> codes, Span<float> y)
    {
        if (y.Length < codes.Length)
            throw new ArgumentException($"y has length {y.Length}; it must be at least codes.Length = {codes.Length}", nameof(y));
        for (int i = 0; i < codes.Length; i++) y[i] = (float)Decode(codes[i]);
    }
}
