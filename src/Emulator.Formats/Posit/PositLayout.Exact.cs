using System.Globalization;
using System.Numerics;

namespace Emulator.Formats;

/// <summary>Exact-rational entry points of the posit layout: rationals, remainder, integer tests and exact decimal parsing.</summary>
public readonly partial struct PositLayout
{
    /// <summary>The posit nearest to numerator / denominator (exact rational, rounded once).</summary>
    public uint FromRational(BigInteger numerator, BigInteger denominator, in RoundingOptions options = default, uint randomWord = 0)
    {
        if (denominator.IsZero)
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "denominator must be nonzero");
        if (numerator.IsZero) return 0;
        bool negative = numerator.Sign != denominator.Sign;
        BigInteger num = BigInteger.Abs(numerator), den = BigInteger.Abs(denominator);
        int s = 65 + (int)den.GetBitLength() - (int)num.GetBitLength(); // floor(num * 2^s / den) has at least 64 bits
        if (s >= 0) num <<= s; else den <<= -s;
        BigInteger q = BigInteger.DivRem(num, den, out BigInteger r);
        int cut = (int)q.GetBitLength() - 64;
        bool sticky = !r.IsZero || !(q & ((BigInteger.One << cut) - 1)).IsZero;
        return Round(negative, (ulong)(q >> cut), cut - s, sticky, options, randomWord);
    }

    /// <summary>The exact value of a code as numerator * 2^exponent (NaR has no value).</summary>
    public (BigInteger Numerator, int Exponent) ToExact(uint code)
    {
        code &= Mask;
        if (code == NaR) throw new ArgumentException("NaR has no real value", nameof(code));
        if (code == 0) return (BigInteger.Zero, 0);
        Unpack(code, out bool negative, out int scale, out uint sig, out int fb);
        return (negative ? -(BigInteger)sig : sig, scale - fb);
    }

    /// <summary>a - trunc(a / b) * b (the sign of a, like C fmod), exact and then rounded once; b = 0 or NaR gives NaR.</summary>
    public uint Modulus(uint a, uint b, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        b &= Mask;
        if (a == NaR || b == NaR || b == 0) return NaR;
        if (a == 0) return 0;
        var (na, ea) = ToExact(a);
        var (nb, eb) = ToExact(b);
        int e = Math.Min(ea, eb);
        BigInteger r = BigInteger.Remainder(na << (ea - e), BigInteger.Abs(nb) << (eb - e));
        if (r.IsZero) return 0;
        return e >= 0 ? FromRational(r << e, BigInteger.One, options, randomWord) : FromRational(r, BigInteger.One << -e, options, randomWord);
    }

    /// <summary>Whether the code is an integer value (0 included, NaR not).</summary>
    public bool IsInteger(uint code)
    {
        code &= Mask;
        if (code == 0) return true;
        if (code == NaR) return false;
        Unpack(code, out _, out int scale, out uint sig, out int fb);
        int s = fb - scale;
        return s <= 0 || (s < 32 && (sig & ((1u << s) - 1)) == 0);
    }

    /// <summary>The integer nearest to a posit under <paramref name="options"/>, as a posit (exact: an integer next to a
    /// non-integer posit is representable); integers and NaR are returned unchanged.</summary>
    public uint RoundToIntegral(uint code, in RoundingOptions options = default, uint randomWord = 0)
    {
        code &= Mask;
        if (code == NaR || IsInteger(code)) return code;
        return FromInt64(ToInt64(code, options, randomWord));
    }

    /// <summary>Whether the code is an even integer (0 included).</summary>
    public bool IsEvenInteger(uint code)
    {
        code &= Mask;
        if (code == 0) return true;
        if (!IsInteger(code)) return false;
        Unpack(code, out _, out int scale, out uint sig, out int fb);
        int s = fb - scale;
        return s < 0 || ((sig >> s) & 1) == 0;
    }

    /// <summary>
    /// Parses a plain decimal <c>[-+]digits[.digits][e[-+]digits]</c> (invariant culture) exactly and rounds once;
    /// <c>NaR</c>, <c>NaN</c> and <c>±Infinity</c> give NaR. Returns false for any other text.
    /// </summary>
    public bool TryParseExact(ReadOnlySpan<char> text, out uint code, in RoundingOptions options = default, uint randomWord = 0)
    {
        code = 0;
        text = text.Trim();
        if (text.Equals("NaR", StringComparison.OrdinalIgnoreCase) || text.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart("+-").Equals("Infinity", StringComparison.OrdinalIgnoreCase) || text.TrimStart("+-").Equals("∞", StringComparison.Ordinal))
        {
            code = NaR;
            return true;
        }
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
        var digits = new System.Text.StringBuilder();
        int fractionDigits = 0;
        bool dot = false;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c is >= '0' and <= '9') { digits.Append(c); if (dot) fractionDigits++; }
            else if (c == '.' && !dot) dot = true;
            else break;
        }
        if (digits.Length == 0 || digits.Length > 4000) return false;
        long exponent = 0;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            if (!long.TryParse(text[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return false;
            i = text.Length;
        }
        if (i != text.Length) return false;
        BigInteger m = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        if (m.IsZero) return true;
        long e10 = exponent - fractionDigits;
        // |x| beyond 10^200 or below 10^-200 (with the digits counted) saturates anyway; keep the powers small
        long magnitude10 = e10 + digits.Length;
        if (magnitude10 > 200) e10 = 200 - digits.Length;
        else if (magnitude10 < -200) e10 = -200 - digits.Length;
        if (negative) m = -m;
        code = e10 >= 0
            ? FromRational(m * BigInteger.Pow(10, (int)e10), BigInteger.One, options, randomWord)
            : FromRational(m, BigInteger.Pow(10, (int)-e10), options, randomWord);
        return true;
    }
}
