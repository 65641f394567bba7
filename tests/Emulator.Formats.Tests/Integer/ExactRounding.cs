using System.Numerics;

namespace Emulator.Formats.Tests.Integer;

/// <summary>An exact rational oracle for rounding x / s to an integer (BigInteger arithmetic; no floating-point division).</summary>
public static class ExactRounding
{
    private static (BigInteger M, int E) Split(double a)
    {
        // a = M * 2^E exactly, a > 0 finite
        int e = Math.ILogB(a) - 52;
        return (new BigInteger(Math.ScaleB(a, -e)), e);
    }

    /// <summary>x / s = sign * (floor + num / den) exactly; returns floor and the comparison of the fraction with 1/2.</summary>
    public static (bool Negative, BigInteger Floor, bool Inexact, int CompareHalf) Divide(double x, double s)
    {
        if (x == 0) return (false, 0, false, 0);
        var (mx, ex) = Split(Math.Abs(x));
        var (ms, es) = Split(s);
        BigInteger num = mx, den = ms;
        if (ex >= es) num <<= ex - es; else den <<= es - ex;
        BigInteger floor = BigInteger.DivRem(num, den, out BigInteger rem);
        return (x < 0, floor, !rem.IsZero, (rem * 2).CompareTo(den));
    }

    /// <summary>round(x / s) under a deterministic mode, from the table of FORMATS.md section 1 (lower candidate = floor of |x/s|).</summary>
    public static BigInteger Round(double x, double s, RoundingMode mode)
    {
        var (negative, floor, inexact, half) = Divide(x, s);
        bool lowerOdd = !floor.IsEven;
        bool up = inexact && mode switch
        {
            RoundingMode.NearestEven => half > 0 || (half == 0 && lowerOdd),
            RoundingMode.NearestAway => half >= 0,
            RoundingMode.NearestZero => half > 0,
            RoundingMode.TowardZero => false,
            RoundingMode.TowardPositive => !negative,
            RoundingMode.TowardNegative => negative,
            RoundingMode.ToOdd => !lowerOdd,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        BigInteger n = floor + (up ? 1 : 0);
        return negative ? -n : n;
    }

    /// <summary>The same rounding written with System.Math on an exactly representable real x (for grids of step 1).</summary>
    public static double MathRound(double x, RoundingMode mode) => mode switch
    {
        RoundingMode.NearestEven => Math.Round(x, MidpointRounding.ToEven),
        RoundingMode.NearestAway => Math.Round(x, MidpointRounding.AwayFromZero),
        RoundingMode.NearestZero => Math.Abs(x - Math.Truncate(x)) == 0.5 ? Math.Truncate(x) : Math.Round(x),
        RoundingMode.TowardZero => Math.Truncate(x),
        RoundingMode.TowardPositive => Math.Ceiling(x),
        RoundingMode.TowardNegative => Math.Floor(x),
        RoundingMode.ToOdd => Math.Floor(x) == x ? x : Math.Floor(x) % 2 != 0 ? Math.Floor(x) : Math.Ceiling(x),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
