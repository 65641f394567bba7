using System.Numerics;

namespace Emulator.Formats;

/// <summary>The exact position of x between two neighbouring representable values, for formats whose values are a list.</summary>
public static class ExactFraction
{
    /// <summary>nu = (x - lo) / (hi - lo) exactly (128-bit or BigInteger arithmetic), for finite lo &lt;= x &lt; hi.</summary>
    public static Remainder Between(double lo, double x, double hi)
    {
        if (!(lo <= x && x < hi) || !double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentOutOfRangeException(nameof(x), x, $"x must lie in [{lo}, {hi}) with finite ends");
        if (x == lo) return Remainder.Exact;
        int emin = Math.Min(Exponent(lo), Math.Min(Exponent(x), Exponent(hi)));
        int highest = Math.Max(Top(lo), Math.Max(Top(x), Top(hi)));
        if (highest - emin <= 90)
        {
            // every scaled value is below 2^91, so num * 2^32 fits in 128 bits
            Int128 li = Small(lo, emin), vi = Small(x, emin), hiI = Small(hi, emin);
            return Remainder.FromRatio((UInt128)(vi - li), (UInt128)(hiI - li));
        }
        BigInteger l = Scaled(lo, emin), v = Scaled(x, emin), h = Scaled(hi, emin);
        BigInteger num = v - l, den = h - l;
        int cmp = (num << 1).CompareTo(den);
        var top = (uint)((num << 32) / den);
        return new Remainder(true, Math.Sign(cmp), top);
    }

    private static int Exponent(double v) => v == 0 ? int.MaxValue : BinarySplit.Decompose(Math.Abs(v)).E;

    private static int Top(double v) => v == 0 ? int.MinValue : BinarySplit.Decompose(Math.Abs(v)).E + 53;

    private static Int128 Small(double v, int emin)
    {
        if (v == 0) return Int128.Zero;
        var (m, e) = BinarySplit.Decompose(Math.Abs(v));
        Int128 b = (Int128)m << (e - emin);
        return v < 0 ? -b : b;
    }

    private static BigInteger Scaled(double v, int emin)
    {
        if (v == 0) return BigInteger.Zero;
        var (m, e) = BinarySplit.Decompose(Math.Abs(v));
        BigInteger b = new BigInteger(m) << (e - emin);
        return v < 0 ? -b : b;
    }
}
