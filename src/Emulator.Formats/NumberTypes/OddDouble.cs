using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// Exact results carried to a format in one rounding, through a double rounded to odd.
/// <para>
/// Why this is exact: round-to-odd keeps a value that is exact in double, and otherwise takes the double neighbour with an odd
/// last significand bit. Every number type of <c>NumberTypes/</c> has a significand of at most 11 bits (p = 11 for tf32) and
/// its values, sums, products and quotients stay far inside double's normal range, so the double grid is at least 2^42 times
/// finer than the type's grid at every result. Then (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums:
/// proved algorithms using rounding to odd", IEEE TC 2008) rounding the odd double to the type in any mode gives the same
/// result as rounding the exact value: the type's ties and grid points need at most p + 1 bits, so they are even doubles and
/// an inexact value never lands on them; and floor(nu * 2^32) (stochastic rounding) only reads 32 bits below the type's
/// last bit, all of which the double keeps. This avoids double rounding (e.g. a / b rounded to nearest double could land on a
/// tie of the type that the exact quotient misses).
/// </para>
/// </summary>
internal static class OddDouble
{
    /// <summary>Magnitudes beyond these limits are replaced by the limit itself: still inexact, on the same side of every
    /// grid point of a number type, and never turned into an infinity or a double subnormal.</summary>
    private const int MaxExponent = 1000, MinExponent = -1000;

    /// <summary>The double nearest to a value, moved to the odd neighbour when the value is not exact:
    /// <paramref name="errorSign"/> is the sign of (exact value - <paramref name="nearest"/>).</summary>
    public static double FromNearest(double nearest, int errorSign)
    {
        if (errorSign == 0 || !double.IsFinite(nearest)) return nearest;
        if ((BitConverter.DoubleToUInt64Bits(nearest) & 1) != 0) return nearest;
        return errorSign > 0 ? Math.BitIncrement(nearest) : Math.BitDecrement(nearest);
    }

    /// <summary>a + b rounded to odd (TwoSum gives the exact error; finite inputs whose sum does not overflow).</summary>
    public static double Sum(double a, double b)
    {
        double s = a + b;
        if (!double.IsFinite(s)) return s;
        double bv = s - a;
        double av = s - bv;
        double err = (a - av) + (b - bv);
        return FromNearest(s, Math.Sign(err));
    }

    /// <summary>a * b rounded to odd (the fused multiply-add gives the exact error while the product is a normal double).</summary>
    public static double Product(double a, double b)
    {
        double p = a * b;
        if (!double.IsFinite(p) || p == 0) return p;
        return FromNearest(p, Math.Sign(Math.FusedMultiplyAdd(a, b, -p)));
    }

    /// <summary>a / b rounded to odd (r = a - q*b is exact by a fused multiply-add; sign(a/b - q) = sign(r) * sign(b)).</summary>
    public static double Quotient(double a, double b)
    {
        double q = a / b;
        if (!double.IsFinite(q) || q == 0) return q;
        double r = Math.FusedMultiplyAdd(-q, b, a);
        return FromNearest(q, Math.Sign(r) * Math.Sign(b));
    }

    /// <summary>a * b + c rounded to odd: the product of two type values (at most 2 * 11 significand bits) is exact in double.</summary>
    public static double FusedMultiplyAdd(double a, double b, double c)
    {
        double p = a * b;
        if (!double.IsFinite(p)) return p + c;
        return Sum(p, c);
    }

    /// <summary>num / den (den &gt; 0) rounded to odd; magnitudes are clamped to [2^-1000, 2^1000] (see the class remarks).</summary>
    public static double FromRatio(BigInteger num, BigInteger den)
    {
        if (den.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(den), den, "denominator must be positive");
        if (num.IsZero) return 0.0;
        bool negative = num.Sign < 0;
        BigInteger n = BigInteger.Abs(num);
        // e = floor(log2(n / den)), within one of the bit-length difference.
        long e = (long)n.GetBitLength() - (long)den.GetBitLength();
        if (Compare(n, den, e) < 0) e--;
        double magnitude;
        if (e >= MaxExponent) magnitude = Math.ScaleB(1.0, MaxExponent);
        else if (e < MinExponent) magnitude = Math.ScaleB(1.0, MinExponent);
        else
        {
            // 54-bit integer part of n / den * 2^(53 - e), plus a sticky bit made odd.
            int shift = 53 - (int)e;
            BigInteger scaledNum = shift >= 0 ? n << shift : n;
            BigInteger scaledDen = shift >= 0 ? den : den << -shift;
            BigInteger quotient = BigInteger.DivRem(scaledNum, scaledDen, out BigInteger rest);
            ulong m = (ulong)quotient; // in [2^53, 2^54)
            if (!rest.IsZero) m |= 1;
            // m has 54 bits; its last bit is the sticky bit. Halving it to 53 bits by round-to-odd: keep odd when any dropped bit is set.
            ulong m53 = (m >> 1) | (m & 1);
            magnitude = Math.ScaleB((double)m53, (int)e - 52);
        }
        return negative ? -magnitude : magnitude;
    }

    /// <summary>Sign of n - den * 2^e.</summary>
    private static int Compare(BigInteger n, BigInteger den, long e) =>
        e >= 0 ? n.CompareTo(den << (int)e) : (n << (int)-e).CompareTo(den);

    /// <summary>An integer rounded to odd.</summary>
    public static double FromInteger(BigInteger value) => FromRatio(value, BigInteger.One);
}
