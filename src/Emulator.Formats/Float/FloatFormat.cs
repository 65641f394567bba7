using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// A binary floating-point format: sign (or unsigned), E exponent bits, M mantissa bits, bias, subnormals on/off, a special-code
/// policy, and the E8M0 case where exponent field 0 is an ordinary binade (no zero). Conversion follows P3109's
/// RoundToPrecision with an unbounded exponent above (FORMATS.md sections 1 and 2).
/// </summary>
public sealed class FloatFormat : ScalarFormat
{
    private const ulong PositiveNaNBits = 0x7FF8_0000_0000_0000UL;
    private readonly uint _magMask, _signBit, _mantMask, _maxMagCode;
    private readonly int _emin; // exponent of the smallest normal binade

    /// <summary>Creates and validates a float format.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="signed">Whether there is a sign bit.</param>
    /// <param name="exponentBits">E, 1..11.</param>
    /// <param name="mantissaBits">M (stored fraction bits), 0..52; sign + E + M at most 32.</param>
    /// <param name="bias">Exponent bias; null gives 2^(E-1) - 1.</param>
    /// <param name="subnormals">Whether exponent field 0 holds subnormals (false: the format has no subnormals).</param>
    /// <param name="specials">The special-code policy.</param>
    /// <param name="exponentZeroIsNormal">E8M0 case: exponent field 0 is a normal binade and the format has no zero.</param>
    /// <param name="defaultOverflow">The overflow policy used when a conversion does not name one.</param>
    public FloatFormat(FormatInfo info, bool signed, int exponentBits, int mantissaBits, int? bias = null,
        bool subnormals = true, SpecialCodes specials = SpecialCodes.Ieee, bool exponentZeroIsNormal = false,
        OverflowPolicy defaultOverflow = OverflowPolicy.Infinity)
        : base(info, defaultOverflow)
    {
        if (exponentBits is < 1 or > 11)
            throw new ArgumentOutOfRangeException(nameof(exponentBits), exponentBits, "exponent bits must be in 1..11");
        if (mantissaBits is < 0 or > 52)
            throw new ArgumentOutOfRangeException(nameof(mantissaBits), mantissaBits, "mantissa bits must be in 0..52");
        int bits = (signed ? 1 : 0) + exponentBits + mantissaBits;
        if (bits > 32)
            throw new ArgumentOutOfRangeException(nameof(mantissaBits), mantissaBits,
                $"sign + exponent + mantissa bits is {bits}; it must be at most 32");
        if (!Enum.IsDefined(specials))
            throw new ArgumentOutOfRangeException(nameof(specials), specials, "not a special-code policy");
        if (specials == SpecialCodes.Fnuz && !signed)
            throw new ArgumentException("special-code policy 'fnuz' needs a sign bit (its NaN is the negative-zero code)", nameof(specials));
        if (specials == SpecialCodes.Ieee && mantissaBits == 0)
            throw new ArgumentException("special-code policy 'ieee' needs at least one mantissa bit to tell NaN from Inf", nameof(specials));
        if (exponentZeroIsNormal && subnormals && mantissaBits > 0)
            throw new ArgumentException("subnormals must be false when exponent field 0 is a normal binade", nameof(subnormals));

        Signed = signed;
        ExponentBits = exponentBits;
        MantissaBits = mantissaBits;
        Bias = bias ?? (1 << (exponentBits - 1)) - 1;
        Subnormals = subnormals && !exponentZeroIsNormal && mantissaBits > 0;
        Specials = specials;
        ExponentZeroIsNormal = exponentZeroIsNormal;
        _bits = bits;
        _magMask = (uint)((1UL << (exponentBits + mantissaBits)) - 1);
        _signBit = signed ? _magMask + 1 : 0;
        _mantMask = (uint)((1UL << mantissaBits) - 1);
        _emin = (exponentZeroIsNormal ? 0 : 1) - Bias;
        uint expAllOnes = (uint)((1 << exponentBits) - 1);
        long maxMag = specials switch
        {
            SpecialCodes.Ieee => ((long)expAllOnes << mantissaBits) - 1,
            SpecialCodes.Fn => (long)_magMask - 1,
            SpecialCodes.P3109Extended => signed ? (long)_magMask - 1 : (long)_magMask - 2,
            _ => _magMask,
        };
        if (maxMag <= 0)
            throw new ArgumentException($"format '{info.Name}' has no positive finite value with these parameters", nameof(specials));
        _maxMagCode = (uint)maxMag;
        int emaxValue = (int)(_maxMagCode >> mantissaBits) - Bias;
        if (emaxValue > 1023)
            throw new ArgumentOutOfRangeException(nameof(bias), Bias, $"largest exponent {emaxValue} exceeds double's 1023; raise the bias");
        if (_emin - mantissaBits < -1074)
            throw new ArgumentOutOfRangeException(nameof(bias), Bias, $"smallest value 2^{_emin - mantissaBits} is below double's 2^-1074; lower the bias");
        MaxFinite = MagnitudeValue(_maxMagCode);
        MinNormal = Math.ScaleB(1.0, _emin);
        MinSubnormal = Subnormals ? Math.ScaleB(1.0, _emin - mantissaBits) : MinNormal;
        MinFinite = signed ? -MaxFinite : (HasZero ? 0.0 : MinNormal);
    }

    private readonly int _bits;

    /// <inheritdoc />
    public override string Kind => "float";

    /// <inheritdoc />
    public override int Bits => _bits;

    /// <summary>Whether there is a sign bit.</summary>
    public bool Signed { get; }

    /// <inheritdoc />
    public override bool IsSigned => Signed;

    /// <summary>Exponent field width E.</summary>
    public int ExponentBits { get; }

    /// <summary>Stored mantissa (fraction) bits M; precision p = M + 1.</summary>
    public int MantissaBits { get; }

    /// <summary>Exponent bias.</summary>
    public int Bias { get; }

    /// <summary>Whether subnormal values exist.</summary>
    public bool Subnormals { get; }

    /// <summary>The special-code policy.</summary>
    public SpecialCodes Specials { get; }

    /// <summary>E8M0 case: exponent field 0 is a normal binade and the format has no zero.</summary>
    public bool ExponentZeroIsNormal { get; }

    /// <summary>Exponent of the smallest normal binade.</summary>
    public int MinExponent => _emin;

    /// <summary>Exponent of the largest finite value's binade.</summary>
    public int MaxExponent => (int)(_maxMagCode >> MantissaBits) - Bias;

    /// <summary>Code of the largest finite magnitude (without sign).</summary>
    public uint MaxFiniteCode => _maxMagCode;

    /// <summary>Mask of the sign bit (0 for unsigned formats).</summary>
    public uint SignBit => _signBit;

    /// <inheritdoc />
    public override bool HasNaN => Specials != SpecialCodes.None;

    /// <inheritdoc />
    public override bool HasInfinity => Specials is SpecialCodes.Ieee or SpecialCodes.P3109Extended;

    /// <inheritdoc />
    public override bool HasZero => !ExponentZeroIsNormal;

    /// <summary>Whether -0 has its own code.</summary>
    public bool HasNegativeZero => Signed && HasZero && Specials is not (SpecialCodes.Fnuz or SpecialCodes.P3109Extended);

    /// <inheritdoc />
    public override double MaxFinite { get; }

    /// <inheritdoc />
    public override double MinFinite { get; }

    /// <inheritdoc />
    public override double MinNormal { get; }

    /// <inheritdoc />
    public override double MinSubnormal { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<KeyValuePair<string, string>> FormatParameters =>
    [
        new("kind", Kind), new("bits", Bits.ToString(Inv)), new("signed", Signed ? "yes" : "no"),
        new("exponent bits", ExponentBits.ToString(Inv)), new("mantissa bits", MantissaBits.ToString(Inv)),
        new("bias", Bias.ToString(Inv)), new("subnormals", Subnormals ? "yes" : "no"),
        new("specials", Specials.ToString().ToLowerInvariant()), new("exponent field 0 is normal", ExponentZeroIsNormal ? "yes" : "no"),
        new("max finite", MaxFinite.ToString("R", Inv)), new("min normal", MinNormal.ToString("R", Inv)),
        new("min subnormal", MinSubnormal.ToString("R", Inv)), new("default overflow", DefaultOverflow.Name()),
    ];

    private static System.Globalization.CultureInfo Inv => System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>The canonical NaN code with the given sign (quiet NaN for IEEE formats).</summary>
    public uint NaNCode(bool negative)
    {
        uint sign = negative ? _signBit : 0;
        return Specials switch
        {
            SpecialCodes.Ieee => sign | ExponentAllOnes | (1u << (MantissaBits - 1)),
            SpecialCodes.Fn => sign | _magMask,
            SpecialCodes.Fnuz => _signBit,
            SpecialCodes.P3109Extended => Signed ? _signBit : _magMask,
            _ => throw new InvalidOperationException($"format '{Name}' has no NaN"),
        };
    }

    /// <summary>The infinity code with the given sign.</summary>
    public uint InfinityCode(bool negative) => Specials switch
    {
        SpecialCodes.Ieee => (negative ? _signBit : 0) | ExponentAllOnes,
        SpecialCodes.P3109Extended when Signed => (negative ? _signBit : 0) | _magMask,
        SpecialCodes.P3109Extended when !negative => _magMask - 1,
        _ => throw new InvalidOperationException($"format '{Name}' has no {(negative ? "-" : "+")}Inf"),
    };

    private uint ExponentAllOnes => (uint)((1 << ExponentBits) - 1) << MantissaBits;

    /// <inheritdoc />
    public override double Decode(uint code)
    {
        if (code >= CodeCount)
            throw new ArgumentOutOfRangeException(nameof(code), code, $"code must be below 2^{Bits} for format '{Name}'");
        bool negative = (code & _signBit) != 0;
        uint mag = code & _magMask;
        switch (Specials)
        {
            case SpecialCodes.Ieee when (mag & ExponentAllOnes) == ExponentAllOnes:
                if ((mag & _mantMask) == 0) return negative ? double.NegativeInfinity : double.PositiveInfinity;
                return SignedNaN(negative);
            case SpecialCodes.Fn when mag == _magMask:
                return SignedNaN(negative);
            case SpecialCodes.Fnuz when negative && mag == 0:
                return SignedNaN(false);
            case SpecialCodes.P3109Extended when Signed:
                if (negative && mag == 0) return SignedNaN(false);
                if (mag == _magMask) return negative ? double.NegativeInfinity : double.PositiveInfinity;
                break;
            case SpecialCodes.P3109Extended:
                if (mag == _magMask) return SignedNaN(false);
                if (mag == _magMask - 1) return double.PositiveInfinity;
                break;
        }
        double v = MagnitudeValue(mag);
        return negative ? -v : v;
    }

    private static double SignedNaN(bool negative) =>
        BitConverter.UInt64BitsToDouble(PositiveNaNBits | (negative ? 0x8000_0000_0000_0000UL : 0));

    /// <summary>Value of a magnitude code (no sign, no special-code check). Non-canonical subnormal codes of a
    /// format without subnormals read as zero (denormals-are-zero).</summary>
    private double MagnitudeValue(uint mag)
    {
        int ef = (int)(mag >> MantissaBits);
        uint mf = mag & _mantMask;
        if (ef == 0 && !ExponentZeroIsNormal)
            return Subnormals ? Math.ScaleB((double)mf, _emin - MantissaBits) : 0.0;
        return Math.ScaleB((double)((1UL << MantissaBits) | mf), ef - Bias - MantissaBits);
    }

    /// <inheritdoc />
    public override bool IsCanonicalCode(uint code)
    {
        if (code >= CodeCount) return false;
        double v = Decode(code);
        if (double.IsNaN(v)) return code == NaNCode(false) || code == NaNCode(true);
        return Encode(v, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity), 0u) == code;
    }

    /// <inheritdoc />
    protected override uint EncodeCore(double x, in RoundingOptions options, uint randomWord)
    {
        OverflowPolicy policy = options.OverflowOr(DefaultOverflow);
        bool negative = double.IsNegative(x);
        if (double.IsNaN(x)) return HasNaN ? NaNCode(negative) : 0u;
        if (!Signed && negative && x != 0)
            return policy == OverflowPolicy.Infinity && HasNaN ? NaNCode(false) : 0u; // smallest value
        if (double.IsInfinity(x))
        {
            if (policy == OverflowPolicy.Saturate) return Sign(negative) | _maxMagCode;
            return HasInfinity ? InfinityCode(negative) : HasNaN ? NaNCode(negative) : Sign(negative) | _maxMagCode;
        }
        if (x == 0) return ZeroCode(negative);

        double a = Math.Abs(x);
        int fl = BinarySplit.FloorLog2(a);
        int q = Subnormals || ExponentZeroIsNormal
            ? Math.Max(fl, _emin) - MantissaBits
            : fl >= _emin ? fl - MantissaBits : _emin;
        ulong floor = BinarySplit.Floor(a, q, out Remainder nu);
        bool lowerOdd = (MagnitudeCode(floor, q) & 1) != 0;
        ulong n = floor + (RoundingDecision.RoundsUp(options, negative, lowerOdd, nu, randomWord) ? 1UL : 0UL);
        if (n == 0) return ZeroCode(negative);
        ulong mag = MagnitudeCode(n, q);
        if (mag > _maxMagCode)
        {
            if (policy == OverflowPolicy.Saturate || RoundingDecision.KeepsMaxOnOverflow(options.Mode, negative))
                return Sign(negative) | _maxMagCode;
            return HasInfinity ? InfinityCode(negative) : HasNaN ? NaNCode(negative) : Sign(negative) | _maxMagCode;
        }
        return Sign(negative) | (uint)mag;
    }

    private uint Sign(bool negative) => negative ? _signBit : 0u;

    private uint ZeroCode(bool negative) =>
        !HasZero ? 0u : negative && HasNegativeZero ? _signBit : 0u;

    /// <summary>The magnitude code of n * 2^q, with an unbounded exponent above (may exceed the largest code).</summary>
    private ulong MagnitudeCode(ulong n, int q)
    {
        if (n == 0) return 0;
        int length = 64 - BitOperations.LeadingZeroCount(n);
        int exponent = q + length - 1;
        if (exponent < _emin) return n; // subnormal: q == emin - M here
        int p = MantissaBits + 1;
        ulong significand = length > p ? n >> (length - p) : n << (p - length);
        ulong ef = (ulong)(exponent + Bias);
        return (ef << MantissaBits) | (significand & _mantMask);
    }
}
