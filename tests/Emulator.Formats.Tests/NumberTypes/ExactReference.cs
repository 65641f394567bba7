using System.Numerics;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>An exact rational num / den (den &gt; 0), built from doubles without rounding.</summary>
public readonly record struct Rational(BigInteger Num, BigInteger Den)
{
    /// <summary>The exact value of a finite double.</summary>
    public static Rational Of(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        int ef = (int)((bits >> 52) & 0x7FF);
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        long m = ef == 0 ? frac : frac | (1L << 52);
        int e = (ef == 0 ? 1 : ef) - 1075;
        if (m == 0) return new(BigInteger.Zero, BigInteger.One);
        int tz = System.Numerics.BitOperations.TrailingZeroCount(m);
        m >>= tz;
        e += tz;
        BigInteger num = v < 0 ? -(BigInteger)m : m;
        return e >= 0 ? new(num << e, BigInteger.One) : new(num, BigInteger.One << -e);
    }

    /// <summary>Sum.</summary>
    public static Rational operator +(Rational a, Rational b) => new(a.Num * b.Den + b.Num * a.Den, a.Den * b.Den);

    /// <summary>Difference.</summary>
    public static Rational operator -(Rational a, Rational b) => new(a.Num * b.Den - b.Num * a.Den, a.Den * b.Den);

    /// <summary>Product.</summary>
    public static Rational operator *(Rational a, Rational b) => new(a.Num * b.Num, a.Den * b.Den);

    /// <summary>Quotient (b nonzero).</summary>
    public static Rational operator /(Rational a, Rational b) =>
        b.Num.Sign < 0 ? new(-a.Num * b.Den, -b.Num * a.Den) : new(a.Num * b.Den, b.Num * a.Den);

    /// <summary>Sign of this - v for a finite double v.</summary>
    public int CompareTo(double v) => CompareTo(Of(v));

    /// <summary>Sign of this - r.</summary>
    public int CompareTo(Rational r) => (Num * r.Den).CompareTo(r.Num * Den);

    /// <summary>The double equal to this value, when there is one.</summary>
    public bool TryExactDouble(out double d)
    {
        d = (double)Num / (double)Den; // may be inexact; verified below
        return double.IsFinite(d) && CompareTo(d) == 0;
    }
}

/// <summary>
/// Nearest-even rounding of an exact rational to a float format, written from the definition (FORMATS.md sections 1-2)
/// and independent of the library's encoder: the two neighbouring values are found among the format's decoded values, the
/// midpoint decides, ties go to the even code, the candidate above max finite has code max + 1, overflow follows the policy.
/// </summary>
public sealed class ExactReference
{
    private readonly FloatFormat _f;
    private readonly double[] _mags; // magnitudes of codes 0..MaxFiniteCode, then the candidate above max finite
    private readonly Dictionary<double, Rational> _cache = []; // exact value of every finite value of small formats

    /// <summary>Builds the value table of a format.</summary>
    public ExactReference(FloatFormat format)
    {
        _f = format;
        uint max = format.MaxFiniteCode;
        _mags = new double[max + 2];
        for (uint c = 0; c <= max; c++) _mags[c] = format.Decode(c);
        double top = _mags[max];
        _mags[max + 1] = format.MantissaBits == 0 ? 2 * top : top + (top - _mags[max - 1]);
        for (int i = 1; i < _mags.Length; i++)
            Assert.True(_mags[i] > _mags[i - 1], $"{format.Name}: magnitudes must increase with the code");
        if (format.CodeCount <= 1 << 16)
            foreach (double m in _mags) _cache[m] = Rational.Of(m);
    }

    /// <summary>The exact value of a finite double (cached for the values of formats of at most 16 bits).</summary>
    public Rational ExactOf(double v) => _cache.TryGetValue(v, out Rational r) ? r : Rational.Of(v);

    /// <summary>The code of a nonzero exact rational rounded to nearest-even under <paramref name="policy"/>.</summary>
    public uint RoundNearestEven(Rational r, OverflowPolicy policy)
    {
        Assert.NotEqual(0, r.Num.Sign);
        var a = new Rational(BigInteger.Abs(r.Num), r.Den);
        return Round(r.Num.Sign < 0, (double)a.Num / (double)a.Den, v => a.CompareTo(ExactOf(v)), policy);
    }

    /// <summary>The code of a nonzero finite double rounded to nearest-even (comparisons of exact doubles are exact).</summary>
    public uint RoundNearestEven(double x, OverflowPolicy policy)
    {
        Assert.True(x != 0 && double.IsFinite(x));
        double a = Math.Abs(x);
        return Round(x < 0, a, v => a.CompareTo(v), policy);
    }

    /// <param name="negative">Sign of the value.</param>
    /// <param name="approx">A double within a few double ulps of |value| (to start the search).</param>
    /// <param name="compare">Sign of |value| - v for an exact double v.</param>
    /// <param name="policy">Overflow policy.</param>
    private uint Round(bool negative, double approx, Func<double, int> compare, OverflowPolicy policy)
    {
        if (negative && !_f.Signed) return policy == OverflowPolicy.Infinity ? _f.NaNCode(false) : 0u;
        int i = Array.BinarySearch(_mags, approx);
        if (i < 0) i = ~i - 1;
        i = Math.Clamp(i, -1, _mags.Length - 1);
        while (i >= 0 && compare(_mags[i]) < 0) i--;
        while (i + 1 < _mags.Length && compare(_mags[i + 1]) >= 0) i++;
        int chosen;
        if (i < 0) chosen = 0; // below the smallest value of a format without zero (E8M0): the smallest value
        else if (i == _mags.Length - 1 || compare(_mags[i]) == 0) chosen = i;
        else
        {
            double mid = (_mags[i] + _mags[i + 1]) / 2; // exact: both have few significand bits
            int c = compare(mid);
            chosen = c < 0 ? i : c > 0 ? i + 1 : (i % 2 == 0 ? i : i + 1);
        }
        uint sign = negative ? _f.SignBit : 0u;
        if (chosen == _mags.Length - 1)
        {
            if (policy == OverflowPolicy.Saturate) return sign | _f.MaxFiniteCode;
            if (_f.HasInfinity) return _f.InfinityCode(negative);
            if (_f.HasNaN) return _f.NaNCode(negative);
            return sign | _f.MaxFiniteCode;
        }
        if (chosen == 0 && _f.HasZero) return negative && _f.HasNegativeZero ? _f.SignBit : 0u;
        return sign | (uint)chosen;
    }

    /// <summary>
    /// The expected code of an operation: non-finite operands, zero results and division by zero follow IEEE double
    /// arithmetic (exact there); every other result is the exact rational rounded by <see cref="RoundNearestEven"/>; all
    /// under the 'infinity' policy, as the number types round.
    /// </summary>
    public uint Expected(double a, double b, char op)
    {
        double d = op switch { '+' => a + b, '-' => a - b, '*' => a * b, '/' => a / b, _ => throw new ArgumentException("op") };
        if (!double.IsFinite(a) || !double.IsFinite(b) || op == '/' && b == 0)
            return _f.Encode(d, Infinity, 0u);
        if (op != '/' && IsExactInDouble(a, b, d, op))
            return d == 0 ? _f.Encode(d, Infinity, 0u) : RoundNearestEven(d, OverflowPolicy.Infinity);
        Rational x = ExactOf(a), y = ExactOf(b);
        Rational r = op switch { '+' => x + y, '-' => x - y, '*' => x * y, _ => x / y };
        if (r.Num.IsZero) return _f.Encode(d, Infinity, 0u);
        return RoundNearestEven(r, OverflowPolicy.Infinity);
    }

    private static readonly RoundingOptions Infinity = new(RoundingMode.NearestEven, OverflowPolicy.Infinity);

    /// <summary>Whether a +, - or * of two doubles was exact (error-free transformations: TwoSum, and FMA for the product).</summary>
    public static bool IsExactInDouble(double a, double b, double d, char op)
    {
        if (op == '*') return Math.FusedMultiplyAdd(a, b, -d) == 0;
        double bb = op == '+' ? b : -b;
        double bv = d - a, av = d - bv;
        return (a - av) + (bb - bv) == 0;
    }
}
