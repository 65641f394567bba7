using System.Globalization;
using System.Numerics;
using System.Text;

namespace Emulator.Formats;

/// <summary>
/// Text of the number types: shortest round-trip formatting and exact parsing (a decimal string is read as an exact
/// rational and rounded once to the format; see <see cref="OddDouble"/>).
/// </summary>
internal static class NumberText
{
    /// <summary>Parses text into a code of <paramref name="format"/>, rounded as the number types convert
    /// (<see cref="NumberTypeConvert.TypeRounding"/>).</summary>
    public static bool TryParse(ScalarFormat format, ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out uint code)
    {
        if (!double.TryParse(s, style, provider, out double d))
        {
            code = 0;
            return false;
        }
        // Plain decimal text is a finite value even when double overflows it (1e400).
        if (TryExactDecimal(s, style, NumberFormatInfo.GetInstance(provider), out BigInteger num, out BigInteger den))
            d = num.IsZero ? d : OddDouble.FromRatio(num, den);
        // Named infinities ("Infinity", "∞") and finite text beyond the range round as the casts do (TypeRounding).
        code = format.Encode(d, NumberTypeConvert.TypeRounding, 0u);
        return true;
    }

    /// <summary>Parses UTF-8 text (see the char overload).</summary>
    public static bool TryParse(ScalarFormat format, ReadOnlySpan<byte> utf8, NumberStyles style, IFormatProvider? provider, out uint code)
    {
        char[] chars = new char[Encoding.UTF8.GetMaxCharCount(utf8.Length)];
        int n;
        try { n = Encoding.UTF8.GetChars(utf8, chars); }
        catch (DecoderFallbackException) { code = 0; return false; }
        return TryParse(format, chars.AsSpan(0, n), style, provider, out code);
    }

    /// <summary>Throws the parse error of the number types.</summary>
    public static FormatException Invalid(string typeName, ReadOnlySpan<char> s) =>
        new($"'{s.ToString()}' is not a valid {typeName} number");

    /// <summary>
    /// Formats a value: null, empty, "G" or "R" give double's shortest round-trip text of the exact value when it has at
    /// most max(4, 1 + ceil(p log10 2)) significant digits (p = significand bits), else the shortest decimal that parses
    /// back to the same code (0.1 for bfloat16's 0.10009765625, 6E-39 for E8M0's 2^-127). Any other format string formats
    /// the exact value as a double does.
    /// </summary>
    public static string Format(FloatFormat format, double value, uint code, string? fmt, IFormatProvider? provider)
    {
        if (!string.IsNullOrEmpty(fmt) && fmt is not ("G" or "g" or "R" or "r"))
            return value.ToString(fmt, provider);
        string exact = value.ToString(provider);
        if (!double.IsFinite(value) || value == 0) return exact;
        int limit = Math.Max(4, 1 + (int)Math.Ceiling((format.MantissaBits + 1) * Math.Log10(2)));
        if (SignificantDigits(exact) <= limit) return exact;
        for (int digits = 1; digits < 17; digits++)
        {
            string text = value.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), provider);
            if (TryParse(format, text, NumberStyles.Float, provider, out uint back) && back == code)
                return double.Parse(text, NumberStyles.Float, provider).ToString(provider);
        }
        return exact;
    }

    /// <summary>Significant digits of a double's text (digits before any exponent, leading zeros excluded).</summary>
    private static int SignificantDigits(string text)
    {
        int count = 0;
        bool started = false;
        foreach (char c in text)
        {
            if (c is 'E' or 'e') break;
            if (!char.IsAsciiDigit(c)) continue;
            if (c != '0') started = true;
            if (started) count++;
        }
        return count;
    }

    /// <summary>Copies formatted text into a char span.</summary>
    public static bool TryCopy(string text, Span<char> destination, out int charsWritten)
    {
        if (text.TryCopyTo(destination))
        {
            charsWritten = text.Length;
            return true;
        }
        charsWritten = 0;
        return false;
    }

    /// <summary>Copies formatted text into a UTF-8 span.</summary>
    public static bool TryCopy(string text, Span<byte> utf8Destination, out int bytesWritten)
    {
        if (Encoding.UTF8.GetByteCount(text) > utf8Destination.Length)
        {
            bytesWritten = 0;
            return false;
        }
        bytesWritten = Encoding.UTF8.GetBytes(text, utf8Destination);
        return true;
    }

    /// <summary>
    /// Reads plain decimal text (sign, digits with optional group separators, decimal separator, exponent) as num / den
    /// exactly. Returns false for anything else (hex, currency, parentheses, named values), which then keeps double's reading.
    /// </summary>
    internal static bool TryExactDecimal(ReadOnlySpan<char> s, NumberStyles style, NumberFormatInfo info, out BigInteger num, out BigInteger den)
    {
        num = BigInteger.Zero;
        den = BigInteger.One;
        if ((style & NumberStyles.AllowHexSpecifier) != 0) return false;
        s = s.Trim();
        bool negative = false;
        if (s.StartsWith(info.NegativeSign, StringComparison.Ordinal)) { negative = true; s = s[info.NegativeSign.Length..]; }
        else if (s.StartsWith(info.PositiveSign, StringComparison.Ordinal)) s = s[info.PositiveSign.Length..];

        var digits = new StringBuilder();
        int fractionDigits = 0;
        bool seenPoint = false, seenDigit = false;
        while (!s.IsEmpty)
        {
            char c = s[0];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                if (seenPoint) fractionDigits++;
                seenDigit = true;
                s = s[1..];
            }
            else if (!seenPoint && s.StartsWith(info.NumberDecimalSeparator, StringComparison.Ordinal))
            {
                seenPoint = true;
                s = s[info.NumberDecimalSeparator.Length..];
            }
            else if (!seenPoint && (style & NumberStyles.AllowThousands) != 0 && info.NumberGroupSeparator.Length > 0
                     && s.StartsWith(info.NumberGroupSeparator, StringComparison.Ordinal))
                s = s[info.NumberGroupSeparator.Length..];
            else break;
        }
        if (!seenDigit) return false;

        long exponent = 0;
        if (!s.IsEmpty && (s[0] == 'e' || s[0] == 'E'))
        {
            s = s[1..];
            bool expNegative = false;
            if (s.StartsWith(info.NegativeSign, StringComparison.Ordinal)) { expNegative = true; s = s[info.NegativeSign.Length..]; }
            else if (s.StartsWith(info.PositiveSign, StringComparison.Ordinal)) s = s[info.PositiveSign.Length..];
            if (s.IsEmpty || !char.IsAsciiDigit(s[0])) return false;
            while (!s.IsEmpty && char.IsAsciiDigit(s[0]))
            {
                if (exponent < 100_000) exponent = exponent * 10 + (s[0] - '0');
                s = s[1..];
            }
            if (expNegative) exponent = -exponent;
        }
        if (!s.IsEmpty) return false;

        BigInteger mantissa = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        if (mantissa.IsZero) return true;
        long scale = exponent - fractionDigits;
        // Above 10^400 or below 10^-400 every number type has long overflowed or underflowed, and OddDouble clamps such
        // magnitudes anyway: a stand-in of the same side keeps the rounding and bounds the work.
        if (scale > 400) scale = 400;
        else if (scale + digits.Length < -400) { mantissa = BigInteger.One; scale = -401; }
        if (scale >= 0) num = mantissa * BigInteger.Pow(10, (int)scale);
        else
        {
            num = mantissa;
            den = BigInteger.Pow(10, (int)-scale);
        }
        if (negative) num = -num;
        return true;
    }
}
