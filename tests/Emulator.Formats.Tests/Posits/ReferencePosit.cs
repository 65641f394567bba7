using System.Numerics;

namespace Emulator.Formats.Tests.Posits;

/// <summary>
/// An independent, slow posit reference for tests: decoding by walking the bits, and nearest-even rounding of an exact
/// rational by binary search over the (monotone) codes. The bit-string midpoint between codes c and c + 1 of
/// posit&lt;n,es&gt; is the value of code 2c + 1 of posit&lt;n+1,es&gt;; a tie goes to the even code; results clamp to
/// [minpos, maxpos]. Shares no code with <see cref="PositLayout"/>.
/// </summary>
internal static class ReferencePosit
{
    /// <summary>An exact rational p / q (q &gt; 0).</summary>
    public readonly record struct Rational(BigInteger P, BigInteger Q)
    {
        public static Rational Dyadic(BigInteger m, int e) => e >= 0 ? new(m << e, 1) : new(m, BigInteger.One << -e);
        public int Sign => P.Sign;
        public Rational Abs() => new(BigInteger.Abs(P), Q);
        public static Rational operator +(Rational a, Rational b) => new(a.P * b.Q + b.P * a.Q, a.Q * b.Q);
        public static Rational operator *(Rational a, Rational b) => new(a.P * b.P, a.Q * b.Q);
        public static Rational operator /(Rational a, Rational b) =>
            b.P.Sign < 0 ? new(-a.P * b.Q, a.Q * -b.P) : new(a.P * b.Q, a.Q * b.P);
        public static Rational operator -(Rational a) => new(-a.P, a.Q);
        public int CompareTo(Rational b) => (P * b.Q).CompareTo(b.P * Q);
    }

    /// <summary>The exact value of a code (null for NaR) of posit&lt;n,es&gt;, n up to 33.</summary>
    public static Rational? Value(int n, int es, ulong code)
    {
        ulong mask = (1UL << n) - 1;
        code &= mask;
        if (code == 0) return new Rational(0, 1);
        if (code == 1UL << (n - 1)) return null;
        bool negative = (code >> (n - 1)) != 0;
        if (negative) code = (0UL - code) & mask;
        int i = n - 2;
        bool first = ((code >> i) & 1) != 0;
        int run = 0;
        while (i >= 0 && (((code >> i) & 1) != 0) == first) { run++; i--; }
        int k = first ? run - 1 : -run;
        i--; // terminating bit
        int exponent = 0;
        for (int j = 0; j < es; j++)
        {
            exponent <<= 1;
            if (i >= 0) { exponent |= (int)((code >> i) & 1); i--; }
        }
        int fractionBits = Math.Max(0, i + 1);
        BigInteger significand = (BigInteger.One << fractionBits) | (fractionBits == 0 ? 0 : (code & ((1UL << fractionBits) - 1)));
        var v = Rational.Dyadic(significand, k * (1 << es) + exponent - fractionBits);
        return negative ? -v : v;
    }

    /// <summary>Nearest-even rounding of an exact nonzero rational to posit&lt;n,es&gt; (n up to 32).</summary>
    public static uint RoundNearestEven(int n, int es, Rational x)
    {
        if (x.Sign == 0) return 0;
        Rational a = x.Abs();
        ulong maxCode = (1UL << (n - 1)) - 1;
        // largest code c in [1, maxCode] with value(c) <= a, or 0 when a < minpos
        ulong lo = 0, hi = maxCode;
        while (lo < hi)
        {
            ulong mid = (lo + hi + 1) / 2;
            if (Value(n, es, mid)!.Value.CompareTo(a) <= 0) lo = mid; else hi = mid - 1;
        }
        ulong c = lo;
        ulong result;
        if (c == 0) result = 1;
        else if (c == maxCode) result = maxCode;
        else
        {
            int cmp = a.CompareTo(Value(n + 1, es, 2 * c + 1)!.Value);
            result = cmp < 0 ? c : cmp > 0 ? c + 1 : (c & 1) == 0 ? c : c + 1;
        }
        ulong mask = (1UL << n) - 1;
        return (uint)(x.Sign < 0 ? (0UL - result) & mask : result);
    }

    /// <summary>The exact rational of a finite double.</summary>
    public static Rational OfDouble(double x)
    {
        if (x == 0) return new Rational(0, 1);
        var (m, e) = BinarySplit.Decompose(x);
        var v = Rational.Dyadic(m, e);
        return x < 0 ? -v : v;
    }
}
