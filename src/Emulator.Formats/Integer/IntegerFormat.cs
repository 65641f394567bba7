namespace Emulator.Formats;

/// <summary>
/// Two's-complement or unsigned integers of 1..32 bits, optionally narrow (symmetric) range, scaled by 2^-f for fixed point
/// Q&lt;i&gt;.&lt;f&gt; (FORMATS.md section 3). Rounding follows section 1 on the grid of steps 2^-f; out of range always clamps.
/// </summary>
public sealed class IntegerFormat : ScalarFormat
{
    private readonly double _step;

    /// <summary>Creates and validates an integer or fixed-point format.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="bits">Total code width b, 1..32 (the sign bit included).</param>
    /// <param name="signed">Two's complement (true) or unsigned.</param>
    /// <param name="narrowRange">Signed only: drop -2^(b-1) so the range is symmetric.</param>
    /// <param name="fractionBits">f: the value of code k is k * 2^-f (0 for plain integers), 0..64.</param>
    public IntegerFormat(FormatInfo info, int bits, bool signed, bool narrowRange = false, int fractionBits = 0)
        : base(info, OverflowPolicy.Saturate)
    {
        if (bits is < 1 or > 32)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "integer bits must be in 1..32");
        if (narrowRange && !signed)
            throw new ArgumentException("narrow range applies to signed integers only", nameof(narrowRange));
        if (narrowRange && bits < 2)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "a narrow-range signed integer needs at least 2 bits");
        if (fractionBits is < 0 or > 64)
            throw new ArgumentOutOfRangeException(nameof(fractionBits), fractionBits, "fraction bits must be in 0..64");
        _bits = bits;
        Signed = signed;
        NarrowRange = narrowRange;
        FractionBits = fractionBits;
        MaxInt = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        MinInt = signed ? (narrowRange ? -MaxInt : -(1L << (bits - 1))) : 0;
        _step = Math.ScaleB(1.0, -fractionBits);
    }

    private readonly int _bits;

    /// <inheritdoc />
    public override string Kind => FractionBits == 0 ? "integer" : "fixed";

    /// <inheritdoc />
    public override int Bits => _bits;

    /// <summary>Two's complement (true) or unsigned.</summary>
    public bool Signed { get; }

    /// <inheritdoc />
    public override bool IsSigned => Signed;

    /// <summary>Symmetric range [-(2^(b-1)-1), 2^(b-1)-1].</summary>
    public bool NarrowRange { get; }

    /// <summary>f of Q&lt;i&gt;.&lt;f&gt;: the grid step is 2^-f.</summary>
    public int FractionBits { get; }

    /// <summary>Largest integer code value.</summary>
    public long MaxInt { get; }

    /// <summary>Smallest integer code value.</summary>
    public long MinInt { get; }

    /// <inheritdoc />
    public override bool HasNaN => false;

    /// <inheritdoc />
    public override bool HasInfinity => false;

    /// <inheritdoc />
    public override double MaxFinite => MaxInt * _step;

    /// <inheritdoc />
    public override double MinFinite => MinInt * _step;

    /// <inheritdoc />
    public override double MinNormal => _step;

    /// <inheritdoc />
    public override double MinSubnormal => _step;

    /// <inheritdoc />
    protected override IReadOnlyList<KeyValuePair<string, string>> FormatParameters =>
    [
        new("kind", Kind), new("bits", Bits.ToString(Inv)), new("signed", Signed ? "yes" : "no"),
        new("narrow range", NarrowRange ? "yes" : "no"), new("fraction bits", FractionBits.ToString(Inv)),
        new("min", MinFinite.ToString("R", Inv)), new("max", MaxFinite.ToString("R", Inv)), new("step", MinNormal.ToString("R", Inv)),
    ];

    private static System.Globalization.CultureInfo Inv => System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>The code of an integer value (two's complement in <see cref="Bits"/> bits).</summary>
    public uint CodeOf(long k)
    {
        if (k < MinInt || k > MaxInt)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"integer must be in [{MinInt}, {MaxInt}] for format '{Name}'");
        return (uint)((ulong)k & ((1UL << _bits) - 1));
    }

    /// <summary>The integer value of a code.</summary>
    public long IntegerOf(uint code)
    {
        if (code >= CodeCount)
            throw new ArgumentOutOfRangeException(nameof(code), code, $"code must be below 2^{Bits} for format '{Name}'");
        if (Signed && (code >> (_bits - 1)) != 0) return (long)code - (1L << _bits);
        return code;
    }

    /// <inheritdoc />
    public override double Decode(uint code) => IntegerOf(code) * _step;

    /// <inheritdoc />
    /// <remarks>Narrow range: the code of -2^(b-1) is not a value (the encoder clamps to -(2^(b-1)-1)).</remarks>
    public override bool IsCanonicalCode(uint code) => code < CodeCount && IntegerOf(code) >= MinInt;

    /// <inheritdoc />
    protected override uint EncodeCore(double x, in RoundingOptions options, uint randomWord) =>
        CodeOf(Clamp(RoundQuotient(x, _step, options, randomWord)));

    /// <summary>Clamps an integer to the format's range.</summary>
    public long Clamp(long k) => Math.Clamp(k, MinInt, MaxInt);

    /// <summary>
    /// round(x / scale) to an integer, exactly (x / scale is never formed in floating point), with the rounding of section 1.
    /// NaN gives 0; magnitudes at or above 2^40 give ±2^41, beyond any 32-bit range. Callers clamp.
    /// </summary>
    public static long RoundQuotient(double x, double scale, in RoundingOptions options, uint randomWord)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive and finite");
        if (double.IsNaN(x) || x == 0) return 0;
        const long Huge = 1L << 41;
        bool negative = x < 0;
        double a = Math.Abs(x);
        double approx = a / scale;
        if (approx >= 1099511627776.0) return negative ? -Huge : Huge;
        ulong floor;
        Remainder nu;
        if (approx < (1.0 / 1099511627776.0))
        {
            floor = 0;
            nu = new Remainder(true, -1, 0); // nu < 2^-39: below 1/2 and below 2^-32
        }
        else
        {
            var (mx, ex) = BinarySplit.Decompose(a);
            var (ms, es) = BinarySplit.Decompose(scale);
            int d = ex - es;
            UInt128 num = mx, den = ms;
            if (d >= 0) num <<= d; else den <<= -d;
            floor = (ulong)(num / den);
            nu = Remainder.FromRatio(num % den, den);
        }
        bool up = RoundingDecision.RoundsUp(options, negative, (floor & 1) != 0, nu, randomWord);
        long n = (long)floor + (up ? 1 : 0);
        return negative ? -n : n;
    }
}
