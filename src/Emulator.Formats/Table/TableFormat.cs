namespace Emulator.Formats;

/// <summary>
/// A non-uniform scalar format given by its sorted list of representable values (FORMATS.md section 3): code i is the
/// i-th smallest value (NF4, AF4, learned codebooks). Rounding follows section 1 between the two neighbouring values of the
/// list, with the discarded fraction nu computed exactly and "even" meaning the even code index. Values beyond either end
/// clamp to it (tables have no infinity); NaN encodes as the code of the value nearest zero (Quantize keeps NaN).
/// </summary>
/// <remarks>
/// "Lower" and "upper" candidates follow section 1's magnitude view: for x &gt;= 0 the lower candidate is the neighbour
/// below x, for x &lt; 0 the neighbour above x (toward zero), so directed modes round toward the right end of the line.
/// Codes beyond the list (when the count is not a power of two) are unused and decode as NaN.
/// </remarks>
public sealed class TableFormat : ScalarFormat
{
    /// <summary>Largest number of values.</summary>
    public const int MaxValues = 1 << 16;

    private readonly double[] _values;
    private readonly int _bits;
    private readonly uint _nearZeroCode;

    /// <summary>Creates a table format from strictly increasing finite values (2..65536 of them).</summary>
    public TableFormat(FormatInfo info, IReadOnlyList<double> values) : base(info, OverflowPolicy.Saturate)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count is < 2 or > MaxValues)
            throw new ArgumentOutOfRangeException(nameof(values), values.Count, $"a table needs 2..{MaxValues} values");
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"values[{i}] = {values[i]}; table values must be finite", nameof(values));
            if (i > 0 && !(values[i] > values[i - 1]))
                throw new ArgumentException($"values[{i}] = {values[i]} is not above values[{i - 1}] = {values[i - 1]}; values must be strictly increasing", nameof(values));
        }
        _values = values.Select(v => v == 0 ? 0.0 : v).ToArray();
        _bits = Math.Max(1, (int)Math.Ceiling(Math.Log2(_values.Length)));
        int near = 0;
        for (int i = 1; i < _values.Length; i++)
            if (Math.Abs(_values[i]) < Math.Abs(_values[near])) near = i;
        _nearZeroCode = (uint)near;
        double minPositive = _values.Select(Math.Abs).Where(v => v > 0).Min();
        MinNormal = minPositive;
        MinSubnormal = minPositive;
    }

    /// <inheritdoc />
    public override string Kind => "table";

    /// <inheritdoc />
    public override int Bits => _bits;

    /// <inheritdoc />
    protected override IReadOnlyList<KeyValuePair<string, string>> FormatParameters =>
    [
        new("kind", Kind), new("bits", Bits.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("values", _values.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("max finite", MaxFinite.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        new("min finite", MinFinite.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        new("default overflow", "saturate (values beyond the ends clamp)"),
    ];

    /// <summary>The representable values in code order (ascending).</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc />
    public override bool IsSigned => _values[0] < 0;

    /// <inheritdoc />
    public override bool HasNaN => false;

    /// <inheritdoc />
    public override bool HasInfinity => false;

    /// <inheritdoc />
    public override bool HasZero => Array.IndexOf(_values, 0.0) >= 0;

    /// <inheritdoc />
    public override double MaxFinite => _values[^1];

    /// <inheritdoc />
    public override double MinFinite => _values[0];

    /// <summary>The smallest nonzero magnitude in the table.</summary>
    public override double MinNormal { get; }

    /// <summary>The smallest nonzero magnitude in the table.</summary>
    public override double MinSubnormal { get; }

    /// <inheritdoc />
    public override bool IsCanonicalCode(uint code) => code < _values.Length;

    /// <inheritdoc />
    public override double Decode(uint code)
    {
        if (code >= CodeCount)
            throw new ArgumentOutOfRangeException(nameof(code), code, $"code must be below 2^{Bits} for format '{Name}'");
        return code < _values.Length ? _values[code] : double.NaN;
    }

    /// <inheritdoc />
    protected override uint EncodeCore(double x, in RoundingOptions options, uint randomWord)
    {
        if (double.IsNaN(x)) return _nearZeroCode;
        if (x >= _values[^1]) return (uint)(_values.Length - 1);
        if (x <= _values[0]) return 0;
        int i = Array.BinarySearch(_values, x == 0 ? 0.0 : x);
        if (i >= 0) return (uint)i;
        int upperIndex = ~i, lowerIndex = upperIndex - 1; // values[lowerIndex] < x < values[upperIndex]
        double lo = _values[lowerIndex], hi = _values[upperIndex];
        bool negative = double.IsNegative(x);
        // Section 1 works on magnitudes: the "lower" candidate lies toward zero from x.
        int towardZero = negative ? upperIndex : lowerIndex, awayFromZero = negative ? lowerIndex : upperIndex;
        Remainder nu = negative ? ExactFraction.Between(-hi, -x, -lo) : ExactFraction.Between(lo, x, hi);
        bool up = RoundingDecision.RoundsUp(options, negative, (towardZero & 1) != 0, nu, randomWord);
        return (uint)(up ? awayFromZero : towardZero);
    }
}
