using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// A true low-precision adder: round(u + v) into a float format, rounded once from the exact sum of two doubles.
/// The exact sum is s + err (TwoSum, error-free); s is moved to its odd neighbour toward err when err != 0 and s is even
/// (round-to-odd to 53 bits), which keeps every rounding decision of the format as long as its precision p satisfies
/// p + 2 &lt;= 53 (and p + N + 1 &lt;= 53 for stochastic rounding with N random bits: floor(nu * 2^N) is a truncation to
/// p + N bits). The reference path is <see cref="ScalarFormat.Encode(double, in RoundingOptions, uint)"/> and Decode; the
/// Vector512 path computes the same value and hands rare lanes (non-finite, overflow) to the reference. A NaN sum is
/// encoded as <see cref="double.NaN"/> whatever NaN the hardware propagated (the sign and payload of a NaN sum depend
/// on operand order, which the JIT may swap), so results stay deterministic.
/// </summary>
public sealed class LowPrecisionAdder
{
    private readonly RoundingOptions _rounding;
    private readonly long _m, _emin;
    private readonly double _maxFinite;
    private readonly bool _subnormals, _negativeZero;

    /// <summary>Creates the adder and checks that the format and rounding fit the round-to-odd argument.</summary>
    /// <param name="format">Accumulator format: signed, with zero and at least one mantissa bit, values inside 2^-1000..2^1000.</param>
    /// <param name="rounding">Rounding of every addition.</param>
    public LowPrecisionAdder(FloatFormat format, RoundingOptions rounding)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!format.Signed || !format.HasZero || format.MantissaBits < 1)
            throw new ArgumentException($"accumulator format '{format.Name}' must be signed, have a zero and at least one mantissa bit", "accumulator");
        int p = format.MantissaBits + 1;
        if (p > 51)
            throw new ArgumentOutOfRangeException("accumulator", format.Name, $"accumulator precision is {p} bits; it must be at most 51");
        if (rounding.Mode == RoundingMode.Stochastic && p + rounding.StochasticBits > 52)
            throw new ArgumentOutOfRangeException("accumulatorRounding", rounding.StochasticBits,
                $"stochastic bits must be at most {52 - p} for the {p}-bit accumulator '{format.Name}'");
        if (format.MinSubnormal < Math.ScaleB(1.0, -1000) || format.MaxFinite > Math.ScaleB(1.0, 1000))
            throw new ArgumentOutOfRangeException("accumulator", format.Name, "accumulator values must lie within 2^-1000..2^1000");
        Format = format;
        _rounding = rounding;
        _m = format.MantissaBits;
        _emin = format.MinExponent;
        _maxFinite = format.MaxFinite;
        _subnormals = format.Subnormals;
        _negativeZero = format.HasNegativeZero;
    }

    /// <summary>The accumulator format.</summary>
    public FloatFormat Format { get; }

    /// <summary>The rounding of every addition.</summary>
    public RoundingOptions Rounding => _rounding;

    /// <summary>Whether additions consume random words.</summary>
    public bool IsStochastic => _rounding.IsStochastic;

    /// <summary>The reference: round(u + v) into the format via Encode/Decode, with the given random word.</summary>
    public double Add(double u, double v, uint randomWord)
    {
        double s = u + v;
        if (double.IsNaN(s)) s = double.NaN; // which operand's NaN the hardware returns is not specified: one NaN for all
        if (double.IsFinite(s))
        {
            double b = s - u;
            double err = (u - (s - b)) + (v - b);
            long bits = BitConverter.DoubleToInt64Bits(s);
            if (err != 0 && (bits & 1) == 0)
                s = BitConverter.Int64BitsToDouble(bits + (((BitConverter.DoubleToInt64Bits(err) ^ bits) < 0) ? -1 : 1));
        }
        return Format.Decode(Format.Encode(s, _rounding, randomWord));
    }

    /// <summary>Eight lanes of <see cref="Add(double, double, uint)"/>; <paramref name="words"/> is read only for stochastic modes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<double> Add(Vector512<double> u, Vector512<double> v, ReadOnlySpan<uint> words)
    {
        Vector512<double> s = u + v;
        Vector512<double> b = s - u;
        Vector512<double> err = (u - (s - b)) + (v - b);
        Vector512<long> bits = s.AsInt64();
        Vector512<long> jam = ~Vector512.Equals(err, Vector512<double>.Zero).AsInt64() & Vector512.Equals(bits & Vector512<long>.One, Vector512<long>.Zero);
        Vector512<long> delta = Vector512<long>.One + Vector512.ShiftRightArithmetic((err.AsInt64() ^ bits), 63) * 2;
        Vector512<double> x = (bits + (delta & jam)).AsDouble();
        return RoundToFormat(x, s, words);
    }

    /// <summary>Rounds the round-to-odd sum x to the format (lanes where the plain sum s is not finite use s, as the reference does).</summary>
    private Vector512<double> RoundToFormat(Vector512<double> x, Vector512<double> s, ReadOnlySpan<uint> words)
    {
        Vector512<double> ax = Vector512.Abs(x);
        Vector512<long> e = Vector512.ShiftRightLogical(ax.AsInt64(), 52) - Vector512.Create(1023L);
        Vector512<long> emin = Vector512.Create(_emin), m = Vector512.Create(_m);
        Vector512<long> q = _subnormals
            ? Vector512.Max(e, emin) - m
            : Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(e, emin), e - m, emin);
        Vector512<double> down = Vector512.ShiftLeft(Vector512.Create(1023L) - q, 52).AsDouble();
        Vector512<double> upScale = Vector512.ShiftLeft(Vector512.Create(1023L) + q, 52).AsDouble();
        Vector512<double> sc = ax * down;
        Vector512<double> fl = Vector512.Floor(sc);
        Vector512<double> nu = sc - fl;
        Vector512<double> half = Vector512.Create(0.5);
        Vector512<double> inexact = Vector512.GreaterThan(nu, Vector512<double>.Zero);
        Vector512<double> negative = Vector512.LessThan(x, Vector512<double>.Zero);
        Vector512<double> up;
        switch (_rounding.Mode)
        {
            case RoundingMode.NearestEven:
            {
                Vector512<double> h = fl * half;
                Vector512<double> odd = ~Vector512.Equals(Vector512.Floor(h), h);
                up = Vector512.GreaterThan(nu, half) | (Vector512.Equals(nu, half) & odd);
                break;
            }
            case RoundingMode.NearestAway: up = Vector512.GreaterThanOrEqual(nu, half); break;
            case RoundingMode.NearestZero: up = Vector512.GreaterThan(nu, half); break;
            case RoundingMode.TowardZero: up = Vector512<double>.Zero; break;
            case RoundingMode.TowardPositive: up = inexact & ~negative; break;
            case RoundingMode.TowardNegative: up = inexact & negative; break;
            case RoundingMode.ToOdd:
            {
                Vector512<double> h = fl * half;
                up = inexact & Vector512.Equals(Vector512.Floor(h), h);
                break;
            }
            default:
                up = inexact & StochasticUp(nu, words);
                break;
        }
        Vector512<double> r = (fl + (up & Vector512<double>.One)) * upScale;
        Vector512<double> zero = Vector512.Equals(r, Vector512<double>.Zero);
        Vector512<double> sign = negative & Vector512.Create(-0.0);
        if (!_negativeZero) sign &= ~zero;
        else sign = Vector512.Create(-0.0) & x; // -0 stays -0 where the format has it
        Vector512<double> result = r | sign;
        Vector512<double> rare = ~Vector512.LessThan(Vector512.Abs(s), Vector512.Create(double.PositiveInfinity))
            | Vector512.GreaterThan(r, Vector512.Create(_maxFinite))
            | (Vector512.LessThan(ax, Vector512.Create(Math.ScaleB(1.0, -1000))) & ~Vector512.Equals(ax, Vector512<double>.Zero));
        if (rare != Vector512<double>.Zero) result = RareLanes(result, rare, x, s, words);
        return result;
    }

    private Vector512<double> StochasticUp(Vector512<double> nu, ReadOnlySpan<uint> words)
    {
        Span<double> rv = stackalloc double[8];
        if (_rounding.Mode == RoundingMode.StochasticEqual)
        {
            for (int l = 0; l < 8; l++) rv[l] = words[l] >> 31;
            return Vector512.Equals(Vector512.Create<double>(rv), Vector512<double>.One);
        }
        int n = _rounding.StochasticBits;
        for (int l = 0; l < 8; l++) rv[l] = words[l] >> (32 - n);
        Vector512<double> twoN = Vector512.Create(Math.ScaleB(1.0, n));
        return Vector512.GreaterThanOrEqual(Vector512.Floor(nu * twoN) + Vector512.Create<double>(rv), twoN);
    }

    private Vector512<double> RareLanes(Vector512<double> result, Vector512<double> rare, Vector512<double> x, Vector512<double> s, ReadOnlySpan<uint> words)
    {
        Span<double> r = stackalloc double[8];
        result.CopyTo(r);
        uint lanes = (uint)rare.ExtractMostSignificantBits();
        for (int l = 0; l < 8; l++)
            if (((lanes >> l) & 1) != 0)
            {
                double input = double.IsFinite(s[l]) ? x[l] : double.IsNaN(s[l]) ? double.NaN : s[l];
                r[l] = Format.Decode(Format.Encode(input, _rounding, IsStochastic ? words[l] : 0u));
            }
        return Vector512.Create<double>(r);
    }
}
