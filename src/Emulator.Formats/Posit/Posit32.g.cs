using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emulator.Formats;

/// <summary>
/// A posit&lt;32,2&gt; (2022 Posit Standard) as a .NET number: correctly rounded arithmetic (nearest-even on the bit string),
/// NaR in place of NaN and infinities, conversions, parsing and formatting. Arithmetic operators round once; use
/// <see cref="FusedMultiplyAdd"/> or <see cref="Dot"/> (the quire) to round once over several operations.
/// </summary>
public readonly partial struct Posit32 : INumber<Posit32>, ISignedNumber<Posit32>, IMinMaxValue<Posit32>
{
    /// <summary>The layout posit&lt;32,2&gt;.</summary>
    public static readonly PositLayout Layout = new(32, 2);

    private readonly uint _bits;

    private Posit32(uint bits, bool _) => _bits = bits;

    /// <summary>The posit with the given code.</summary>
    public static Posit32 FromBits(uint bits) => new(bits, false);

    /// <summary>The 32-bit code.</summary>
    public uint Bits => _bits;

    private static Posit32 Of(uint code) => new(code, false);

    /// <summary>Not a Real (code 100...0).</summary>
    public static Posit32 NaR => Of(Layout.NaR);

    /// <summary>maxpos.</summary>
    public static Posit32 MaxValue => Of(Layout.MaxPosCode);

    /// <summary>-maxpos.</summary>
    public static Posit32 MinValue => Of(Layout.Negate(Layout.MaxPosCode));

    /// <summary>minpos, the smallest positive value.</summary>
    public static Posit32 MinPositive => Of(1);

    /// <inheritdoc />
    public static Posit32 One => Of(Layout.FromInt64(1));

    /// <inheritdoc />
    public static Posit32 NegativeOne => Of(Layout.FromInt64(-1));

    /// <inheritdoc />
    public static Posit32 Zero => default;

    /// <inheritdoc />
    public static int Radix => 2;

    /// <inheritdoc />
    public static Posit32 AdditiveIdentity => Zero;

    /// <inheritdoc />
    public static Posit32 MultiplicativeIdentity => One;

    // ---- conversions ----

    /// <summary>Rounds a double (nearest-even on the bit string; NaN and ±Inf give NaR).</summary>
    public static explicit operator Posit32(double x) => Of(Layout.FromDouble(x));

    /// <summary>Rounds a float (nearest-even on the bit string; NaN and ±Inf give NaR).</summary>
    public static explicit operator Posit32(float x) => Of(Layout.FromDouble(x));

    /// <summary>Rounds an integer.</summary>
    public static explicit operator Posit32(long x) => Of(Layout.FromInt64(x));

    /// <summary>Rounds an integer.</summary>
    public static explicit operator Posit32(int x) => Of(Layout.FromInt64(x));

    /// <summary>The exact value (NaR gives NaN).</summary>
    public static implicit operator double(Posit32 p) => Layout.ToDouble(p._bits);

    /// <summary>The value rounded to float (NaR gives NaN).</summary>
    public static explicit operator float(Posit32 p) => (float)Layout.ToDouble(p._bits);

    /// <summary>Truncates toward zero and saturates (NaR gives 0, like a NaN cast).</summary>
    public static explicit operator long(Posit32 p) => p.IsNaRValue ? 0 : Layout.ToInt64(p._bits, TowardZero);

    /// <summary>Truncates toward zero and saturates (NaR gives 0, like a NaN cast).</summary>
    public static explicit operator int(Posit32 p) => (int)Math.Clamp((long)p, int.MinValue, int.MaxValue);

    /// <summary>Converts from another posit size, rounded once (widening is exact).</summary>
    public static Posit32 From(PositLayout source, uint code) => Of(source.ConvertTo(Layout, code));

    private static readonly RoundingOptions TowardZero = new(RoundingMode.TowardZero);

    private bool IsNaRValue => _bits == Layout.NaR;

    // ---- arithmetic ----

    /// <inheritdoc />
    public static Posit32 operator +(Posit32 a, Posit32 b) => Of(Layout.Add(a._bits, b._bits));

    /// <inheritdoc />
    public static Posit32 operator -(Posit32 a, Posit32 b) => Of(Layout.Subtract(a._bits, b._bits));

    /// <inheritdoc />
    public static Posit32 operator *(Posit32 a, Posit32 b) => Of(Layout.Multiply(a._bits, b._bits));

    /// <inheritdoc />
    public static Posit32 operator /(Posit32 a, Posit32 b) => Of(Layout.Divide(a._bits, b._bits));

    /// <summary>a - trunc(a / b) * b, rounded once.</summary>
    public static Posit32 operator %(Posit32 a, Posit32 b) => Of(Layout.Modulus(a._bits, b._bits));

    /// <inheritdoc />
    public static Posit32 operator -(Posit32 a) => Of(Layout.Negate(a._bits));

    /// <inheritdoc />
    public static Posit32 operator +(Posit32 a) => a;

    /// <inheritdoc />
    public static Posit32 operator ++(Posit32 a) => a + One;

    /// <inheritdoc />
    public static Posit32 operator --(Posit32 a) => a - One;

    /// <summary>a * b + c with one rounding.</summary>
    public static Posit32 FusedMultiplyAdd(Posit32 a, Posit32 b, Posit32 c) => Of(Layout.FusedMultiplyAdd(a._bits, b._bits, c._bits));

    /// <inheritdoc />
    public static Posit32 MultiplyAddEstimate(Posit32 left, Posit32 right, Posit32 addend) => FusedMultiplyAdd(left, right, addend);

    /// <summary>The square root, rounded once (NaR for negative input).</summary>
    public static Posit32 Sqrt(Posit32 a) => Of(Layout.Sqrt(a._bits));

    /// <summary>The largest integer not above the value (NaR stays NaR).</summary>
    public static Posit32 Floor(Posit32 x) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(RoundingMode.TowardNegative)));

    /// <summary>The smallest integer not below the value (NaR stays NaR).</summary>
    public static Posit32 Ceiling(Posit32 x) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(RoundingMode.TowardPositive)));

    /// <summary>The integer part (rounds toward zero; NaR stays NaR).</summary>
    public static Posit32 Truncate(Posit32 x) => Of(Layout.RoundToIntegral(x._bits, TowardZero));

    /// <summary>The nearest integer, ties to even (NaR stays NaR).</summary>
    public static Posit32 Round(Posit32 x) => Of(Layout.RoundToIntegral(x._bits));

    /// <summary>The nearest integer with the given tie rule (or directed mode).</summary>
    public static Posit32 Round(Posit32 x, MidpointRounding mode) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(mode switch
    {
        MidpointRounding.ToEven => RoundingMode.NearestEven,
        MidpointRounding.AwayFromZero => RoundingMode.NearestAway,
        MidpointRounding.ToZero => RoundingMode.TowardZero,
        MidpointRounding.ToNegativeInfinity => RoundingMode.TowardNegative,
        MidpointRounding.ToPositiveInfinity => RoundingMode.TowardPositive,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a MidpointRounding value"),
    })));

    /// <summary>The fused dot product: sum of a[i] * b[i] accumulated exactly in the quire and rounded once.</summary>
    public static Posit32 Dot(ReadOnlySpan<Posit32> a, ReadOnlySpan<Posit32> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"b has length {b.Length}; it must equal a.Length = {a.Length}", nameof(b));
        var quire = new Quire(Layout.N);
        for (int i = 0; i < a.Length; i++) quire.AddProduct(a[i]._bits, b[i]._bits);
        return Of(quire.ToPosit());
    }

    // ---- comparison (the posit order: NaR equals itself and is below every real) ----

    /// <inheritdoc />
    public int CompareTo(Posit32 other) => Layout.Compare(_bits, other._bits);

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Posit32 p => CompareTo(p),
        _ => throw new ArgumentException($"obj is a {obj.GetType().Name}; it must be a {nameof(Posit32)}", nameof(obj)),
    };

    /// <inheritdoc />
    public bool Equals(Posit32 other) => _bits == other._bits;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Posit32 p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode() => _bits.GetHashCode();

    /// <inheritdoc />
    public static bool operator ==(Posit32 a, Posit32 b) => a._bits == b._bits;

    /// <inheritdoc />
    public static bool operator !=(Posit32 a, Posit32 b) => a._bits != b._bits;

    /// <inheritdoc />
    public static bool operator <(Posit32 a, Posit32 b) => a.CompareTo(b) < 0;

    /// <inheritdoc />
    public static bool operator >(Posit32 a, Posit32 b) => a.CompareTo(b) > 0;

    /// <inheritdoc />
    public static bool operator <=(Posit32 a, Posit32 b) => a.CompareTo(b) <= 0;

    /// <inheritdoc />
    public static bool operator >=(Posit32 a, Posit32 b) => a.CompareTo(b) >= 0;

    // ---- classification ----

    /// <inheritdoc />
    public static Posit32 Abs(Posit32 value) => IsNegative(value) ? -value : value;

    /// <summary>Whether the value is NaR.</summary>
    public static bool IsNaR(Posit32 value) => value.IsNaRValue;

    /// <summary>True for NaR (the posit counterpart of NaN).</summary>
    public static bool IsNaN(Posit32 value) => value.IsNaRValue;

    /// <inheritdoc />
    public static bool IsCanonical(Posit32 value) => true;

    /// <inheritdoc />
    public static bool IsComplexNumber(Posit32 value) => false;

    /// <inheritdoc />
    public static bool IsEvenInteger(Posit32 value) => Layout.IsEvenInteger(value._bits);

    /// <inheritdoc />
    public static bool IsOddInteger(Posit32 value) => Layout.IsInteger(value._bits) && !Layout.IsEvenInteger(value._bits);

    /// <inheritdoc />
    public static bool IsInteger(Posit32 value) => Layout.IsInteger(value._bits);

    /// <summary>Every value but NaR is finite.</summary>
    public static bool IsFinite(Posit32 value) => !value.IsNaRValue;

    /// <inheritdoc />
    public static bool IsImaginaryNumber(Posit32 value) => false;

    /// <summary>Posits have no infinity.</summary>
    public static bool IsInfinity(Posit32 value) => false;

    /// <summary>Posits have no infinity.</summary>
    public static bool IsPositiveInfinity(Posit32 value) => false;

    /// <summary>Posits have no infinity.</summary>
    public static bool IsNegativeInfinity(Posit32 value) => false;

    /// <summary>Whether the value is below zero (NaR is not).</summary>
    public static bool IsNegative(Posit32 value) => !value.IsNaRValue && Layout.SignedCode(value._bits) < 0;

    /// <summary>Whether the value is above zero.</summary>
    public static bool IsPositive(Posit32 value) => Layout.SignedCode(value._bits) > 0;

    /// <summary>Every nonzero real posit is normal (posits have no subnormals).</summary>
    public static bool IsNormal(Posit32 value) => value._bits != 0 && !value.IsNaRValue;

    /// <summary>Posits have no subnormals.</summary>
    public static bool IsSubnormal(Posit32 value) => false;

    /// <summary>Every value but NaR is real.</summary>
    public static bool IsRealNumber(Posit32 value) => !value.IsNaRValue;

    /// <inheritdoc />
    public static bool IsZero(Posit32 value) => value._bits == 0;

    /// <inheritdoc />
    public static Posit32 MaxMagnitude(Posit32 x, Posit32 y)
    {
        if (x.IsNaRValue || y.IsNaRValue) return NaR;
        Posit32 ax = Abs(x), ay = Abs(y);
        return ax > ay || (ax == ay && !IsNegative(x)) ? x : y;
    }

    /// <inheritdoc />
    public static Posit32 MaxMagnitudeNumber(Posit32 x, Posit32 y) => x.IsNaRValue ? y : y.IsNaRValue ? x : MaxMagnitude(x, y);

    /// <inheritdoc />
    public static Posit32 MinMagnitude(Posit32 x, Posit32 y)
    {
        if (x.IsNaRValue || y.IsNaRValue) return NaR;
        Posit32 ax = Abs(x), ay = Abs(y);
        return ax < ay || (ax == ay && IsNegative(x)) ? x : y;
    }

    /// <inheritdoc />
    public static Posit32 MinMagnitudeNumber(Posit32 x, Posit32 y) => x.IsNaRValue ? y : y.IsNaRValue ? x : MinMagnitude(x, y);

    // ---- generic conversions ----

    /// <inheritdoc />
    public static bool TryConvertFromChecked<TOther>(TOther value, out Posit32 result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

    /// <inheritdoc />
    public static bool TryConvertFromSaturating<TOther>(TOther value, out Posit32 result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

    /// <inheritdoc />
    public static bool TryConvertFromTruncating<TOther>(TOther value, out Posit32 result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

    private static bool TryConvertFrom<TOther>(TOther value, out Posit32 result) where TOther : INumberBase<TOther>
    {
        uint? code = PositConversions.FromNumber(Layout, value);
        result = Of(code ?? 0);
        return code.HasValue;
    }

    /// <inheritdoc />
    public static bool TryConvertToChecked<TOther>(Posit32 value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
        PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Throw, out result);

    /// <inheritdoc />
    public static bool TryConvertToSaturating<TOther>(Posit32 value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
        PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Saturate, out result);

    /// <inheritdoc />
    public static bool TryConvertToTruncating<TOther>(Posit32 value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
        PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Saturate, out result);

    // ---- parsing and formatting ----

    /// <inheritdoc />
    public static Posit32 Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), NumberStyles.Float | NumberStyles.AllowThousands, provider);

    /// <inheritdoc />
    public static Posit32 Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s, NumberStyles.Float | NumberStyles.AllowThousands, provider);

    /// <inheritdoc />
    public static Posit32 Parse(string s, NumberStyles style, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), style, provider);
    }

    /// <inheritdoc />
    public static Posit32 Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) =>
        TryParse(s, style, provider, out Posit32 result) ? result
            : throw new FormatException($"'{s.ToString()}' is not a number {nameof(Posit32)} can parse");

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Posit32 result) =>
        TryParse(s.AsSpan(), NumberStyles.Float | NumberStyles.AllowThousands, provider, out result);

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Posit32 result) =>
        TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, provider, out result);

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out Posit32 result) =>
        TryParse(s.AsSpan(), style, provider, out result);

    /// <summary>Parses a number (rounded once from the exact decimal value; <c>NaR</c> and NaN give NaR).</summary>
    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out Posit32 result)
    {
        bool ok = PositConversions.TryParse(Layout, s, style, provider, out uint code);
        result = Of(code);
        return ok;
    }

    /// <summary>The shortest decimal that reads back as this posit, or <c>NaR</c>.</summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats the exact value like a double (NaR prints as <c>NaR</c>).</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        IsNaRValue ? "NaR" : Layout.ToDouble(_bits).ToString(format, formatProvider);

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (IsNaRValue)
        {
            bool fits = "NaR".AsSpan().TryCopyTo(destination);
            charsWritten = fits ? 3 : 0;
            return fits;
        }
        return Layout.ToDouble(_bits).TryFormat(destination, out charsWritten, format, provider);
    }
}
