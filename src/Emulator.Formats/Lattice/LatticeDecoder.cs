namespace Emulator.Formats;

/// <summary>
/// Nearest-point decoders of Conway and Sloane (1982) for Z^n, the checkerboard lattice D_n and the Gosset lattice
/// E8 = D8 ∪ (D8 + ½) (FORMATS.md section 6), optionally restricted to the points whose coordinates lie in a box.
/// Tie rule: coordinates round half away from zero; the D_n parity fix re-rounds the coordinate whose re-rounding costs
/// least (the largest rounding error), the lowest coordinate index winning ties, and a coordinate with zero error
/// re-rounds upward; E8 keeps the D8 point when the two cosets are equally near (distances summed in double in
/// ascending coordinate order).
/// </summary>
public static class LatticeDecoder
{
    /// <summary>Largest input magnitude accepted by the unbounded decoders (2^52: beyond it doubles have no fractions).</summary>
    public const double MaxInput = 4503599627370496.0;

    /// <summary>Nearest point of Z^n: every coordinate rounded half away from zero.</summary>
    public static void NearestZn(ReadOnlySpan<double> x, Span<double> y) =>
        NearestZn(x, y, double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>Nearest point of Z^n ∩ [lo, hi]^n (lo, hi integers or infinite).</summary>
    public static void NearestZn(ReadOnlySpan<double> x, Span<double> y, double lo, double hi)
    {
        Check(x, y, lo, hi, 0);
        for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(Math.Round(x[i], MidpointRounding.AwayFromZero), lo, hi);
    }

    /// <summary>Nearest point of D_n (integer vectors with an even coordinate sum).</summary>
    public static void NearestDn(ReadOnlySpan<double> x, Span<double> y) =>
        NearestDn(x, y, double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>
    /// Nearest point of D_n ∩ [lo, hi]^n (lo, hi integers or infinite, hi - lo >= 1). The box version is exact too: the
    /// squared distance is separable, so the best odd-to-even repair changes one coordinate to its best value of the other
    /// parity inside the box.
    /// </summary>
    public static void NearestDn(ReadOnlySpan<double> x, Span<double> y, double lo, double hi)
    {
        Check(x, y, lo, hi, 1);
        long parity = 0;
        int best = -1;
        double bestKey = 0, bestAlt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = Math.Clamp(Math.Round(x[i], MidpointRounding.AwayFromZero), lo, hi);
            y[i] = w;
            parity ^= (long)w & 1;
            // Re-rounding toward x costs 1 - 2e, away from x 1 + 2e (e = |x - w|); the key ±e orders those costs exactly.
            double e = Math.Abs(x[i] - w);
            double toward = x[i] >= w ? w + 1 : w - 1;
            double alt, key;
            if (toward >= lo && toward <= hi) { alt = toward; key = -e; }
            else { alt = 2 * w - toward; key = e; }
            if (best < 0 || key < bestKey) { best = i; bestKey = key; bestAlt = alt; }
        }
        if (parity != 0) y[best] = bestAlt;
    }

    /// <summary>Nearest point of E8 = D8 ∪ (D8 + ½).</summary>
    public static void NearestE8(ReadOnlySpan<double> x, Span<double> y) => NearestE8(x, y, double.PositiveInfinity);

    /// <summary>Nearest point of E8 ∩ [-r, r]^8 (r a positive integer or infinite); returns 0 for the D8 coset, 1 for D8 + ½.</summary>
    public static int NearestE8(ReadOnlySpan<double> x, Span<double> y, double r)
    {
        if (x.Length != 8) throw new ArgumentException($"x has length {x.Length}; E8 needs 8 coordinates", nameof(x));
        if (!(r >= 1) || (!double.IsPositiveInfinity(r) && r != Math.Floor(r)))
            throw new ArgumentOutOfRangeException(nameof(r), r, "r must be an integer >= 1 or +infinity");
        Span<double> a = stackalloc double[8];
        Span<double> b = stackalloc double[8];
        Span<double> shifted = stackalloc double[8];
        NearestDn(x, a, -r, r);
        for (int i = 0; i < 8; i++) shifted[i] = x[i] - 0.5;
        NearestDn(shifted, b, -r, r - 1);
        for (int i = 0; i < 8; i++) b[i] += 0.5;
        if (SquaredDistance(x, b) < SquaredDistance(x, a)) { b.CopyTo(y); return 1; }
        a.CopyTo(y);
        return 0;
    }

    /// <summary>Σ (x_i - y_i)² in double, ascending i.</summary>
    public static double SquaredDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double d = 0;
        for (int i = 0; i < x.Length; i++) { double t = x[i] - y[i]; d += t * t; }
        return d;
    }

    private static void Check(ReadOnlySpan<double> x, Span<double> y, double lo, double hi, int minWidth)
    {
        if (x.Length == 0) throw new ArgumentException("x must have at least one coordinate", nameof(x));
        if (y.Length != x.Length) throw new ArgumentException($"y has length {y.Length}; it must equal x.Length = {x.Length}", nameof(y));
        if (double.IsNaN(lo) || double.IsNaN(hi) || hi - lo < minWidth || (double.IsFinite(lo) && lo != Math.Floor(lo)) || (double.IsFinite(hi) && hi != Math.Floor(hi)))
            throw new ArgumentOutOfRangeException(nameof(lo), lo, $"the box [lo, hi] = [{lo}, {hi}] must have integer (or infinite) ends with hi - lo >= {minWidth}");
        for (int i = 0; i < x.Length; i++)
            if (!(Math.Abs(x[i]) < MaxInput))
                throw new ArgumentOutOfRangeException(nameof(x), x[i], $"x[{i}] must be finite with magnitude below 2^52");
    }
}
