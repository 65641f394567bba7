using System.Globalization;
using System.Numerics;

namespace Emulator.Formats;

/// <summary>Generic-math conversions and culture-aware parsing shared by <see cref="Posit8"/>, <see cref="Posit16"/> and <see cref="Posit32"/>.</summary>
internal static class PositConversions
{
    /// <summary>What an out-of-range conversion to an integer does.</summary>
    public enum Overflow { Throw, Saturate }

    /// <summary>The code nearest to a number of a known .NET numeric type (null for unknown types).</summary>
    public static uint? FromNumber<TOther>(PositLayout p, TOther value) where TOther : INumberBase<TOther> => value switch
    {
        double d => p.FromDouble(d),
        float f => p.FromDouble(f),
        Half h => p.FromDouble((double)h),
        sbyte or short or int or long or nint => p.FromInt64(long.CreateTruncating(value)),
        byte or ushort or uint or ulong or nuint or char => p.FromUInt64(ulong.CreateTruncating(value)),
        Int128 or UInt128 or BigInteger => p.FromRational(BigInteger.CreateTruncating(value), BigInteger.One),
        decimal m => FromDecimal(p, m),
        Posit8 q => Posit8.Layout.ConvertTo(p, q.Bits),
        Posit16 q => Posit16.Layout.ConvertTo(p, q.Bits),
        Posit32 q => Posit32.Layout.ConvertTo(p, q.Bits),
        _ => null,
    };

    private static uint FromDecimal(PositLayout p, decimal m)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(m, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0) mantissa = -mantissa;
        return mantissa.IsZero ? 0 : p.FromRational(mantissa, BigInteger.Pow(10, scale));
    }

    /// <summary>Converts a code to a floating-point or integer type (integers truncate toward zero).</summary>
    public static bool TryToNumber<TOther>(PositLayout p, uint code, Overflow overflow, out TOther result) where TOther : INumberBase<TOther>
    {
        Type t = typeof(TOther);
        if (t == typeof(double) || t == typeof(float) || t == typeof(Half))
        {
            result = TOther.CreateTruncating(p.ToDouble(code)); // exact double; float and Half round it once
            return true;
        }
        if (t == typeof(Posit8))
        {
            result = (TOther)(object)Posit8.FromBits((byte)p.ConvertTo(Posit8.Layout, code));
            return true;
        }
        if (t == typeof(Posit16))
        {
            result = (TOther)(object)Posit16.FromBits((ushort)p.ConvertTo(Posit16.Layout, code));
            return true;
        }
        if (t == typeof(Posit32))
        {
            result = (TOther)(object)Posit32.FromBits(p.ConvertTo(Posit32.Layout, code));
            return true;
        }
        bool integer = t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(nint)
            || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(nuint)
            || t == typeof(char) || t == typeof(Int128) || t == typeof(UInt128) || t == typeof(BigInteger);
        if (!integer)
        {
            result = default!;
            return false;
        }
        if (p.IsNaR(code))
        {
            if (overflow == Overflow.Throw) throw new OverflowException("NaR has no integer value");
            result = TOther.Zero;
            return true;
        }
        var (numerator, exponent) = p.ToExact(code);
        BigInteger truncated = exponent >= 0 ? numerator << exponent : BigInteger.Divide(numerator, BigInteger.One << -exponent);
        result = overflow == Overflow.Throw ? TOther.CreateChecked(truncated) : TOther.CreateSaturating(truncated);
        return true;
    }

    /// <summary>
    /// Parses with the style and culture of <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>,
    /// rounding the exact decimal once: the double result is used when both of its neighbours round to the same posit
    /// (so the exact decimal does too); otherwise the text is re-read exactly. <c>NaR</c>, NaN and ±Infinity give NaR.
    /// </summary>
    public static bool TryParse(PositLayout p, ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out uint code)
    {
        code = 0;
        if (s.Trim().Equals("NaR", StringComparison.OrdinalIgnoreCase)) { code = p.NaR; return true; }
        if (!double.TryParse(s, style, provider, out double d)) return false;
        if (double.IsNaN(d)) { code = p.NaR; return true; }
        NumberFormatInfo nfi = NumberFormatInfo.GetInstance(provider);
        bool namedInfinity = s.Contains(nfi.PositiveInfinitySymbol.AsSpan(), StringComparison.OrdinalIgnoreCase)
            || s.Contains("Infinity".AsSpan(), StringComparison.OrdinalIgnoreCase) || s.Contains("∞".AsSpan(), StringComparison.Ordinal);
        if (double.IsInfinity(d) && namedInfinity) { code = p.NaR; return true; }
        if (double.IsFinite(d) && d != 0)
        {
            uint below = p.FromDouble(double.BitDecrement(d)), above = p.FromDouble(double.BitIncrement(d));
            if (below == above) { code = below; return true; }
        }
        string normalized = Normalize(s, nfi);
        if (p.TryParseExact(normalized, out code)) return true;
        code = p.FromDouble(d); // an exotic style the exact reader does not know: the double result
        return true;
    }

    private static string Normalize(ReadOnlySpan<char> s, NumberFormatInfo nfi)
    {
        string text = s.Trim().ToString();
        if (nfi.NumberGroupSeparator.Length > 0) text = text.Replace(nfi.NumberGroupSeparator, "", StringComparison.Ordinal);
        if (nfi.CurrencySymbol.Length > 0) text = text.Replace(nfi.CurrencySymbol, "", StringComparison.Ordinal);
        if (nfi.NegativeSign != "-") text = text.Replace(nfi.NegativeSign, "-", StringComparison.Ordinal);
        if (nfi.PositiveSign != "+") text = text.Replace(nfi.PositiveSign, "+", StringComparison.Ordinal);
        if (nfi.NumberDecimalSeparator != ".") text = text.Replace(nfi.NumberDecimalSeparator, ".", StringComparison.Ordinal);
        text = text.Replace(" ", "", StringComparison.Ordinal);
        if (text.StartsWith('(') && text.EndsWith(')')) text = "-" + text[1..^1];
        if (text.EndsWith('-')) text = "-" + text[..^1];
        return text;
    }
}
