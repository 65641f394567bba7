using System.Numerics;

namespace Emulator.Formats;

/// <summary>The exact position of x between two neighbouring representable values, for formats whose values are a list.</summary>
public static class ExactFraction
{
    /// <summary>nu = (x - lo) / (hi - lo) exactly (BigInteger arithmetic), for finite lo &lt;= x &lt;= hi and lo &lt; hi.</summary>
    public static Remainder Between(double lo, double x, double hi)
    {
        if (!(lo < hi) || x < lo || x > hi || !double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentOutOfRangeException(nameof(x), x, $"x must lie in [{lo}, {hi}] with finite lo < hi");
        if (x == lo) return Remainder.Exact;
        int emin = Math.Min(Exponent(lo), Math.Min(Exponent(x), Exponent(hi)));
        BigInteger l = Scaled(lo, emin), v = Scaled(x, emin), h = Scaled(hi, emin);
        BigInteger num = v - l, den = h - l;
        int cmp = (num << 1).CompareTo(den);
        var top = (uint)((num << 32) / den);
        return new Remainder(true, Math.Sign(cmp), top);
    }

    private static int Exponent(double v) => v == 0 ? int.MaxValue : BinarySplit.Decompose(Math.Abs(v)).E;

    private static BigInteger Scaled(double v, int emin)
    {
        if (v == 0) return BigInteger.Zero;
        var (m, e) = BinarySplit.Decompose(Math.Abs(v));
        BigInteger b = new BigInteger(m) << (e - emin);
        return v < 0 ? -b : b;
    }
}
