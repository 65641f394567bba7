namespace Emulator.Formats;

/// <summary>
/// HiFloat8 (Huawei Ascend HiF8), the tapered 8-bit float of FORMATS.md section 3: sign, a prefix-coded dot field
/// (11, 10, 01, 001, 0001, 0000) that sets how many exponent bits follow (4, 3, 2, 1, 0; denormals), a sign-magnitude
/// exponent whose magnitude's top bit is implicit, and 1..3 mantissa bits. Zero is 0x00 only, NaN 0x80, ±Inf 0x6F/0xEF,
/// max 2^15 (0x6E), min normal 2^-15, min denormal 2^-22 (0x01).
/// </summary>
/// <remarks>
/// Encoding rounds per section 1 between neighbouring values (every binade has its own precision, the denormals 2^-22..2^-16
/// are binades of one significant bit); the candidate above max is 1.5 * 2^15 with code 0x6F (odd), so nearest-away sends
/// [40960, ...) to Inf under the <c>infinity</c> policy, as the reference does. The reference conversion rounds half away
/// from zero: the <c>hifloat8</c> preset sets <see cref="ScalarFormat.DefaultRounding"/> to nearest-away, so options that
/// name no mode reproduce the reference (a format built in code defaults to nearest-even unless given
/// <c>DefaultRounding = RoundingMode.NearestAway</c>).
/// </remarks>
public sealed class HiFloat8Format : ScalarFormat
{
    /// <summary>Code of the largest finite value, 2^15.</summary>
    public const uint MaxCode = 0x6E;

    /// <summary>Code of +Inf (0xEF is -Inf).</summary>
    public const uint InfinityCode = 0x6F;

    /// <summary>The NaN code.</summary>
    public const uint NaNCode = 0x80;

    private const uint SignBit = 0x80;
    private static readonly double[] DecodeTable = BuildDecodeTable();
    private static readonly (double[] Magnitudes, uint[] Codes) Ladder = BuildLadder();

    /// <summary>Creates the format (default overflow policy: <c>infinity</c>, as the reference).</summary>
    public HiFloat8Format(FormatInfo info, OverflowPolicy defaultOverflow = OverflowPolicy.Infinity) : base(info, defaultOverflow) { }

    /// <inheritdoc />
    protected override IReadOnlyList<KeyValuePair<string, string>> FormatParameters =>
    [
        new("kind", Kind), new("bits", "8"), new("max finite", "32768 (0x6e)"), new("min normal", "2^-15"),
        new("min subnormal", "2^-22 (0x01)"), new("NaN", "0x80"), new("infinities", "0x6f, 0xef"),
        new("default overflow", DefaultOverflow.Name()),
    ];

    /// <inheritdoc />
    public override string Kind => "hifloat8";

    /// <inheritdoc />
    public override int Bits => 8;

    /// <inheritdoc />
    public override bool IsSigned => true;

    /// <inheritdoc />
    public override bool HasNaN => true;

    /// <inheritdoc />
    public override bool HasInfinity => true;

    /// <inheritdoc />
    public override double MaxFinite => 32768.0;

    /// <inheritdoc />
    public override double MinFinite => -32768.0;

    /// <inheritdoc />
    public override double MinNormal => Math.ScaleB(1.0, -15);

    /// <inheritdoc />
    public override double MinSubnormal => Math.ScaleB(1.0, -22);

    /// <inheritdoc />
    public override double Decode(uint code)
    {
        if (code >= 256) throw new ArgumentOutOfRangeException(nameof(code), code, $"code must be below 2^8 for format '{Name}'");
        return DecodeTable[code];
    }

    /// <summary>The value of a code from its fields (the decode table is built from this).</summary>
    private static double DecodeFields(uint code)
    {
        if (code == NaNCode) return double.NaN;
        bool negative = (code & SignBit) != 0;
        uint mag = code & 0x7F;
        if (mag == 0) return 0.0;
        if (mag == InfinityCode) return negative ? double.NegativeInfinity : double.PositiveInfinity;
        int exponentBits, dotLength;
        if ((mag & 0x60) == 0x60) (dotLength, exponentBits) = (2, 4);
        else if ((mag & 0x60) == 0x40) (dotLength, exponentBits) = (2, 3);
        else if ((mag & 0x60) == 0x20) (dotLength, exponentBits) = (2, 2);
        else if ((mag & 0x10) != 0) (dotLength, exponentBits) = (3, 1);
        else if ((mag & 0x08) != 0) (dotLength, exponentBits) = (4, 0);
        else
        {
            double denormal = Math.ScaleB(1.0, (int)(mag & 7) - 23);
            return negative ? -denormal : denormal;
        }
        int mantissaBits = 7 - dotLength - exponentBits;
        uint fields = mag & ((1u << (7 - dotLength)) - 1);
        uint mantissa = fields & ((1u << mantissaBits) - 1);
        int exponent = 0;
        if (exponentBits > 0)
        {
            uint e = fields >> mantissaBits;
            bool exponentNegative = (e >> (exponentBits - 1)) != 0;
            int magnitude = (1 << (exponentBits - 1)) | (int)(e & ((1u << (exponentBits - 1)) - 1));
            exponent = exponentNegative ? -magnitude : magnitude;
        }
        double v = Math.ScaleB(1.0 + mantissa / (double)(1 << mantissaBits), exponent);
        return negative ? -v : v;
    }

    private static double[] BuildDecodeTable()
    {
        var t = new double[256];
        for (uint c = 0; c < 256; c++) t[c] = DecodeFields(c);
        return t;
    }

    /// <summary>Non-negative finite values in increasing order with their codes, then the candidate above max (1.5 * 2^15, 0x6F).</summary>
    private static (double[], uint[]) BuildLadder()
    {
        var list = new List<(double V, uint C)>();
        for (uint c = 0; c < 0x80; c++)
            if (double.IsFinite(DecodeTable[c])) list.Add((DecodeTable[c], c));
        list.Sort((a, b) => a.V.CompareTo(b.V));
        list.Add((1.5 * 32768.0, InfinityCode));
        return (list.Select(p => p.V).ToArray(), list.Select(p => p.C).ToArray());
    }

    /// <inheritdoc />
    protected override uint EncodeCore(double x, in RoundingOptions options, uint randomWord)
    {
        if (double.IsNaN(x)) return NaNCode;
        bool negative = double.IsNegative(x);
        uint sign = negative ? SignBit : 0u;
        double a = Math.Abs(x);
        if (a == 0) return 0;
        OverflowPolicy policy = options.OverflowOr(DefaultOverflow);
        if (double.IsInfinity(a)) return sign | (policy == OverflowPolicy.Saturate ? MaxCode : InfinityCode);
        double[] mags = Ladder.Magnitudes;
        uint[] codes = Ladder.Codes;
        int last = mags.Length - 1; // the candidate above max
        int chosen;
        if (a >= mags[last]) chosen = last;
        else
        {
            int i = Array.BinarySearch(mags, a);
            if (i >= 0) chosen = i;
            else
            {
                int lower = ~i - 1;
                Remainder nu = ExactFraction.Between(mags[lower], a, mags[lower + 1]);
                bool up = RoundingDecision.RoundsUp(options, negative, (codes[lower] & 1) != 0, nu, randomWord);
                chosen = up ? lower + 1 : lower;
            }
        }
        if (chosen == last)
        {
            bool keepMax = policy == OverflowPolicy.Saturate || RoundingDecision.KeepsMaxOnOverflow(options.Mode, negative);
            return sign | (keepMax ? MaxCode : InfinityCode);
        }
        uint code = codes[chosen];
        return code == 0 ? 0u : sign | code;
    }
}
