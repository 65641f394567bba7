using System.Collections.Concurrent;

namespace Emulator.Formats.Tests.Properties;

/// <summary>
/// The rules of FORMATS.md section 1 written a second way, independent of the formats' bit arithmetic: the sorted list of
/// representable values (from decoding every code), the two neighbours of x, the mode table, the overflow policy.
/// Used as the oracle of the property and edge-input tests.
/// </summary>
public sealed class ScalarReference
{
    private static readonly ConcurrentDictionary<string, ScalarReference> Cache = new();
    private readonly Dictionary<double, uint> _positiveCode = [];
    private readonly Dictionary<double, uint> _code = []; // every finite value's first code (tables are not sign-magnitude)

    private ScalarReference(ScalarFormat format)
    {
        Format = format;
        var values = new List<double>((int)Math.Min(format.CodeCount, 1UL << 20) + 1);
        for (ulong c = 0; c < format.CodeCount; c++)
        {
            double v = format.Decode((uint)c);
            if (!double.IsFinite(v)) continue;
            if (v == 0) v = 0.0; // -0 and +0 are one value of the grid
            values.Add(v);
            if (v > 0) _positiveCode.TryAdd(v, (uint)c);
            _code.TryAdd(v, (uint)c);
        }
        if (!format.HasZero) values.Add(0.0); // a virtual candidate: zero rounds up to the smallest value (rule 1)
        values.Sort();
        Values = values.Where((v, i) => i == 0 || v != values[i - 1]).ToArray();
        Max = Values[^1];
        Min = Values[0];
        Smallest = format.HasZero || format.IsSigned ? 0.0 : format.MinFinite;
        Symmetric = format.IsSigned && Values.All(v => Array.BinarySearch(Values, -v) >= 0);
    }

    /// <summary>The reference of a format (cached by name).</summary>
    public static ScalarReference Of(ScalarFormat format) => Cache.GetOrAdd(format.Name, _ => new ScalarReference(format));

    /// <summary>The format.</summary>
    public ScalarFormat Format { get; }

    /// <summary>Sorted distinct finite values (one zero; a virtual zero for formats without zero).</summary>
    public double[] Values { get; }

    /// <summary>Largest finite value.</summary>
    public double Max { get; }

    /// <summary>Smallest grid value (may be the virtual zero).</summary>
    public double Min { get; }

    /// <summary>The smallest value an unsigned format gives for negative input under saturate.</summary>
    public double Smallest { get; }

    /// <summary>Whether v in V implies -v in V.</summary>
    public bool Symmetric { get; }

    /// <summary>Whether -0 has its own code.</summary>
    public bool HasNegativeZero => Format is FloatFormat f && f.HasNegativeZero;

    /// <summary>Whether x lies inside [Min, Max] (no overflow, no clamping possible).</summary>
    public bool InRange(double x) => x >= Min && x <= Max;

    /// <summary>The two neighbours lo &lt;= x &lt;= hi of an in-range x.</summary>
    public (double Lo, double Hi) Neighbours(double x)
    {
        int i = Array.BinarySearch(Values, x);
        if (i >= 0) return (Values[i], Values[i]);
        i = ~i;
        return (Values[i - 1], Values[i]);
    }

    /// <summary>Parity of the code of a (finite, representable, or the virtual above-max) magnitude candidate.</summary>
    public bool CodeIsOdd(double v)
    {
        double a = Math.Abs(v);
        if (Format is TableFormat && a <= Max && v >= Min) return (_code[v == 0 ? 0.0 : v] & 1) != 0; // a table's code is its sorted index
        if (a == 0) return false;
        if (Format is IntegerFormat i) return ((long)Math.Round(a / i.MinNormal) & 1) != 0;
        if (a > Max) return !CodeIsOdd(Max); // the candidate above max finite has the code of max finite plus one
        return (_positiveCode[a] & 1) != 0;
    }

    /// <summary>A rounding outcome: the value toward zero, the value away from zero, and the probability of the latter.</summary>
    public readonly record struct Outcome(double Down, double Up, double PUp)
    {
        /// <summary>The value of a deterministic mode.</summary>
        public double Value => PUp >= 1 ? Up : Down;

        /// <summary>Whether v is one of the two outcomes (NaN equal to NaN, zero signs compared).</summary>
        public bool Allows(double v) => Same(v, Down) || Same(v, Up);
    }

    /// <summary>Equality for results: NaN equals NaN; zeros must have the same sign.</summary>
    public static bool Same(double a, double b) =>
        double.IsNaN(a) ? double.IsNaN(b) : a == b && double.IsNegative(a) == double.IsNegative(b);

    /// <summary>The expected result of Quantize(x) under a mode and policy, per FORMATS.md section 1.</summary>
    public Outcome Expected(double x, RoundingMode mode, OverflowPolicy policy, int stochasticBits = 32)
    {
        if (double.IsNaN(x)) return Fixed(double.NaN);
        bool negative = double.IsNegative(x);
        bool isInteger = Format is IntegerFormat or TableFormat; // both clamp out of range
        if (!Format.IsSigned && x < 0)
            return Fixed(policy == OverflowPolicy.Infinity && Format.HasNaN ? double.NaN : Smallest);
        if (double.IsInfinity(x))
        {
            if (isInteger) return Fixed(negative ? Min : Max);
            if (policy == OverflowPolicy.Saturate) return Fixed(negative ? -Max : Max);
            return Fixed(Format.HasInfinity ? x : Format.HasNaN ? double.NaN : negative ? -Max : Max);
        }
        if (x == 0) return Fixed(ZeroResult(negative));

        if (x > Max || x < Min)
        {
            if (isInteger) return Fixed(x > Max ? Max : Min); // out of range always clamps
            return AboveMax(Math.Abs(x), negative, mode, policy, stochasticBits);
        }

        var (lo, hi) = Neighbours(x);
        if (lo == hi) return Fixed(Result(lo, negative));
        double towardZero = negative ? hi : lo, awayFromZero = negative ? lo : hi;
        double nu = Math.Abs(x - towardZero) / (hi - lo);
        double p = UpProbability(mode, negative, CodeIsOdd(towardZero), nu, stochasticBits);
        return new Outcome(Result(towardZero, negative), Result(awayFromZero, negative), p);
    }

    private Outcome AboveMax(double a, bool negative, RoundingMode mode, OverflowPolicy policy, int stochasticBits)
    {
        // one step of max finite's binade: M mantissa bits for binary floats, one bit in HiFloat8's top binade (|E| >= 8)
        int mantissaBits = Format switch
        {
            FloatFormat f => f.MantissaBits,
            HiFloat8Format => 1,
            _ => throw new NotSupportedException($"no above-max rule for {Format.Kind} format '{Format.Name}'"),
        };
        double step = Math.ScaleB(1.0, (int)Math.Floor(Math.Log2(Max)) - mantissaBits);
        double signedMax = negative ? -Max : Max;
        double overflow = policy == OverflowPolicy.Saturate || KeepsMax(mode, negative) ? signedMax
            : Format.HasInfinity ? (negative ? double.NegativeInfinity : double.PositiveInfinity)
            : Format.HasNaN ? double.NaN : signedMax;
        if (a >= Max + step) return Fixed(overflow); // both candidates (unbounded exponent) exceed max finite
        double nu = (a - Max) / step;
        return new Outcome(signedMax, overflow, UpProbability(mode, negative, CodeIsOdd(Max), nu, stochasticBits));
    }

    private static bool KeepsMax(RoundingMode mode, bool negative) => mode switch
    {
        RoundingMode.TowardZero or RoundingMode.ToOdd => true,
        RoundingMode.TowardNegative => !negative,
        RoundingMode.TowardPositive => negative,
        _ => false,
    };

    /// <summary>The mode table of section 1 as a probability of rounding away from zero (0 or 1 for deterministic modes).</summary>
    public static double UpProbability(RoundingMode mode, bool negative, bool lowerOdd, double nu, int stochasticBits)
    {
        if (nu == 0) return 0;
        return mode switch
        {
            RoundingMode.NearestEven => nu > 0.5 || (nu == 0.5 && lowerOdd) ? 1 : 0,
            RoundingMode.NearestAway => nu >= 0.5 ? 1 : 0,
            RoundingMode.NearestZero => nu > 0.5 ? 1 : 0,
            RoundingMode.TowardZero => 0,
            RoundingMode.TowardPositive => negative ? 0 : 1,
            RoundingMode.TowardNegative => negative ? 1 : 0,
            RoundingMode.ToOdd => lowerOdd ? 0 : 1,
            RoundingMode.Stochastic => Math.ScaleB(Math.Floor(Math.ScaleB(nu, stochasticBits)), -stochasticBits),
            RoundingMode.StochasticEqual => 0.5,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
    }

    private Outcome Fixed(double v) => new(v, v, 0);

    private double ZeroResult(bool negative) =>
        !Format.HasZero ? Format.MinFinite : negative && HasNegativeZero ? -0.0 : 0.0;

    private double Result(double v, bool negative) => v == 0 ? ZeroResult(negative) : v;
}
