using System.Globalization;
using Emulator.Formats;

namespace Emulator.Testing;

/// <summary>The checks behind each law, for one format, implementation and rounding. A check returns null or a description
/// of the violation.</summary>
internal sealed class LawContext(ScalarFormat format, FormatImplementation impl, RoundingOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly RoundingOptions _down = new(RoundingMode.TowardNegative, OverflowPolicy.Saturate);
    private readonly RoundingOptions _up = new(RoundingMode.TowardPositive, OverflowPolicy.Saturate);

    public ScalarFormat Format => format;

    public OverflowPolicy Policy => options.OverflowOr(format.DefaultOverflow);

    /// <summary>Whether the value set mirrors around zero (not so for asymmetric tables such as NF4, whose ends are ±1).</summary>
    public bool Symmetric => _symmetric ??= format.IsSigned && format.MinFinite == -format.MaxFinite && ValuesMirror(format);

    private bool? _symmetric;

    private static bool ValuesMirror(ScalarFormat f)
    {
        if (f.Bits > 16) return true; // wide formats here are sign-magnitude floats or symmetric integers
        var exact = new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate);
        for (uint c = 0; c < f.CodeCount; c++)
        {
            double v = f.Decode(c);
            if (double.IsFinite(v) && f.Decode(f.Encode(-v, exact, 0u)) != -v) return false;
        }
        return true;
    }

    /// <summary>Index used for an input: fixed per input so a property run is reproducible.</summary>
    private static long IndexOf(float x) => BitConverter.SingleToUInt32Bits(x) & 0xFFFF;

    private uint EncodeImpl(float x, long i) => impl.Encode is { } e ? e(x, i) : format.Encode(x, options, i);

    private double DecodeImpl(uint c) => impl.Decode is { } d ? d(c) : format.Decode(c);

    /// <summary>The implementation's quantized value (NaN stays NaN for formats without NaN, like the reference).</summary>
    public double Q(float x, long i)
    {
        if (float.IsNaN(x) && !format.HasNaN) return double.NaN;
        return DecodeImpl(EncodeImpl(x, i));
    }

    private static string S(double v) => v.ToString("R", Inv);

    private static string Bits(float x) => $"{S(x)} (0x{BitConverter.SingleToUInt32Bits(x):x8})";

    private static bool Same(double a, double b) =>
        (double.IsNaN(a) && double.IsNaN(b)) || (a == b && double.IsNegative(a) == double.IsNegative(b));

    public string? CheckEncode(float x)
    {
        long i = IndexOf(x);
        uint got = impl.Encode!(x, i), want = format.Encode(x, options, i);
        if (got == want || (format.IsNaNCode(want) && got < format.CodeCount && format.IsNaNCode(got))) return null;
        return $"x = {Bits(x)}: code 0x{got:x} but the reference gives 0x{want:x} ({S(format.Decode(want))})";
    }

    public LawResult DecodeMatches()
    {
        int cases = 0;
        foreach (uint c in Codes(int.MaxValue))
        {
            cases++;
            double got = impl.Decode!(c), want = format.Decode(c);
            if (!Same(got, want)) return new LawResult("decode matches the reference", false, $"code 0x{c:x}: {S(got)} but the reference gives {S(want)}", cases);
        }
        return new LawResult("decode matches the reference", true, null, cases);
    }

    /// <summary>Every code when there are at most <paramref name="max"/> (and 2^16), else an even sample.</summary>
    private IEnumerable<uint> Codes(int max)
    {
        int n = Math.Min(max, 1 << 16);
        return format.CodeCount <= (ulong)n
            ? Enumerable.Range(0, (int)format.CodeCount).Select(c => (uint)c)
            : Enumerable.Range(0, n).Select(i => (uint)((ulong)i * format.CodeCount / (ulong)n));
    }

    public LawResult CodesRoundTrip(int maxCodes)
    {
        const string law = "representable values are fixed points (codes round-trip)";
        int cases = 0;
        foreach (uint c in Codes(maxCodes))
        {
            if (!format.IsCanonicalCode(c)) continue;
            double v = DecodeImpl(c);
            if ((float)v != v && !double.IsNaN(v)) continue; // not a float32 input
            if (double.IsInfinity(v) && Policy == OverflowPolicy.Saturate) continue; // saturate clamps infinite inputs
            cases++;
            uint back = EncodeImpl((float)v, 0);
            if (double.IsNaN(v) ? !format.IsNaNCode(back) : back != c)
                return new LawResult(law, false, $"code 0x{c:x} = {S(v)} encodes to 0x{back:x}", cases);
        }
        return new LawResult(law, true, null, cases);
    }

    public string? CheckMonotone(float x, float y)
    {
        if (float.IsNaN(x) || float.IsNaN(y)) return null;
        if (x > y) (x, y) = (y, x);
        double qx = Q(x, 0), qy = Q(y, 0);
        if (double.IsNaN(qx) || double.IsNaN(qy)) return null; // overflow to NaN leaves the ordered set
        return qx <= qy ? null : $"x = {Bits(x)} <= y = {Bits(y)} but q(x) = {S(qx)} > q(y) = {S(qy)}";
    }

    public string? CheckIdempotent(float x)
    {
        double q = Q(x, IndexOf(x));
        if (double.IsNaN(q) || (float)q != q) return null;
        double qq = Q((float)q, IndexOf(x));
        return Same(q, qq) || (q == 0 && qq == 0 && !(format is FloatFormat { HasNegativeZero: true }))
            ? null : $"x = {Bits(x)}: q(x) = {S(q)} but q(q(x)) = {S(qq)}";
    }

    /// <summary>In range, the result is one of the two neighbours, chosen as the mode says.</summary>
    public string? CheckBound(float x)
    {
        if (!float.IsFinite(x) || Math.Abs(x) > format.MaxFinite || x < format.MinFinite) return null;
        if (!format.IsSigned && x < 0) return null;
        if (!format.HasZero && Math.Abs(x) < format.MinNormal) return null;
        double q = Q(x, IndexOf(x));
        if (format.SaturatesToExtremes && x != 0 && Math.Abs(x) < format.MinSubnormal)
            return q == Math.CopySign(format.MinSubnormal, x) ? null : $"x = {Bits(x)} below the smallest magnitude: q = {S(q)}, expected ±{S(format.MinSubnormal)}";
        double lo = format.Quantize((double)x, _down), hi = format.Quantize((double)x, _up);
        string where = $"x = {Bits(x)} between {S(lo)} and {S(hi)}: q = {S(q)}";
        if (!(q == lo || q == hi)) return where + " is neither neighbour";
        if (lo == hi) return q == x ? null : where + " but x is representable";
        if (!format.RoundsToNearestValue && options.Mode is RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.NearestZero)
            return null; // nearest on the bit string (posits): the neighbour check above is what holds by value
        double twiceX = 2.0 * x, sum = lo + hi;
        bool tie = twiceX == sum, nearerLo = twiceX < sum;
        double smallerMag = Math.Abs(lo) < Math.Abs(hi) ? lo : hi, largerMag = smallerMag == lo ? hi : lo;
        bool smallerOdd = (format.Encode(smallerMag, _down) & 1) == 1; // "lower candidate" of FORMATS.md: the smaller magnitude
        bool ok = options.Mode switch
        {
            RoundingMode.NearestEven => tie ? q == (smallerOdd ? largerMag : smallerMag) : q == (nearerLo ? lo : hi),
            RoundingMode.NearestAway => tie ? q == largerMag : q == (nearerLo ? lo : hi),
            RoundingMode.NearestZero => tie ? q == smallerMag : q == (nearerLo ? lo : hi),
            RoundingMode.TowardZero => q == smallerMag,
            RoundingMode.TowardPositive => q == hi,
            RoundingMode.TowardNegative => q == lo,
            RoundingMode.ToOdd => q == (smallerOdd ? smallerMag : largerMag),
            _ => true, // stochastic: either neighbour (unbiasedness is its own law)
        };
        return ok ? null : $"{where} breaks {options.Mode.Name()}{(tie ? " at a tie" : "")}";
    }

    public string? CheckSymmetry(float x)
    {
        if (float.IsNaN(x)) return null;
        double a = Q(x, 0), b = Q(-x, 0);
        if (double.IsNaN(a) && double.IsNaN(b)) return null;
        return a == -b ? null : $"q({Bits(x)}) = {S(a)} but q(-x) = {S(b)}";
    }

    /// <summary>Beyond the largest finite value: saturate gives ±max; infinity gives ±Inf (NaN without Inf) unless the mode keeps max.</summary>
    public string? CheckOverflow(float x)
    {
        if (float.IsNaN(x) || (x <= format.MaxFinite && x >= format.MinFinite) || (!format.IsSigned && x <= format.MaxFinite)) return null;
        bool negative = x < 0;
        double q = Q(x, IndexOf(x));
        double max = negative ? format.MinFinite : format.MaxFinite;
        double overflowValue = format.HasInfinity ? (negative ? double.NegativeInfinity : double.PositiveInfinity) : format.HasNaN ? double.NaN : max;
        string where = $"x = {Bits(x)} beyond max {S(format.MaxFinite)} under {Policy.Name()}: q = {S(q)}";
        if (format.SaturatesToExtremes)
            return (float.IsInfinity(x) ? double.IsNaN(q) : q == max) ? null : where + " (this format saturates finite inputs and maps ±Inf to NaN)";
        if (float.IsInfinity(x))
            return Same(q, Policy == OverflowPolicy.Saturate ? max : overflowValue) ? null : where;
        if (Policy == OverflowPolicy.Saturate || RoundingDecision.KeepsMaxOnOverflow(options.Mode, negative))
            return q == max ? null : where + " (expected max finite)";
        return q == max || Same(q, overflowValue) ? null : where;
    }

    /// <summary>NaN, ±0 and ±Inf inputs.</summary>
    public LawResult SpecialInputs()
    {
        const string law = "NaN, signed zero and infinity inputs";
        uint nanCode = EncodeImpl(float.NaN, 0);
        if (format.HasNaN ? !format.IsNaNCode(nanCode) : nanCode != format.Encode(0.0))
            return new LawResult(law, false, $"NaN encodes to 0x{nanCode:x}", 1);
        if (format.HasZero)
        {
            double pz = Q(0f, 0), nz = Q(-0f, 0);
            bool negZero = format is FloatFormat { HasNegativeZero: true };
            if (!Same(pz, 0.0)) return new LawResult(law, false, $"+0 quantizes to {S(pz)}", 2);
            if (format.IsSigned && !Same(nz, negZero ? -0.0 : 0.0)) return new LawResult(law, false, $"-0 quantizes to {S(nz)}", 3);
        }
        return new LawResult(law, true, null, 3);
    }

    /// <summary>The mean of many stochastic roundings of x is x (proportional) or the midpoint (equal), within 5 standard errors
    /// plus the bias bound 2^-N of N-bit proportional rounding.</summary>
    public LawResult StochasticUnbiased(FormatLawSettings s)
    {
        const string law = "stochastic rounding is unbiased and stays on the neighbours";
        var rng = new Random(12345);
        float[] values = FloatInputs.PositiveValues(format).Where(v => v < format.MaxFinite).ToArray();
        int cases = 0;
        for (int t = 0; t < s.StochasticInputs && values.Length > 1; t++)
        {
            int k = rng.Next(values.Length - 1);
            float lo = values[k], hi = (float)format.Quantize(MathF.BitIncrement(lo), _up);
            float x = (float)(lo + (hi - lo) * (0.05 + 0.9 * rng.NextDouble()));
            if (x <= lo || x >= hi) continue;
            cases++;
            double sum = 0;
            for (int i = 0; i < s.StochasticSamples; i++)
            {
                double q = Q(x, 1000L * t + i);
                if (q != lo && q != hi) return new LawResult(law, false, $"x = {Bits(x)}: q = {S(q)} is not {S(lo)} or {S(hi)}", cases);
                sum += q;
            }
            double mean = sum / s.StochasticSamples, gap = hi - lo;
            double target = options.Mode == RoundingMode.StochasticEqual ? (lo + hi) / 2 : x;
            double tolerance = 5 * gap / (2 * Math.Sqrt(s.StochasticSamples)) + (options.Mode == RoundingMode.Stochastic ? gap * Math.ScaleB(1, -options.StochasticBits) : 0);
            if (Math.Abs(mean - target) > tolerance)
                return new LawResult(law, false, $"x = {Bits(x)}: mean of {s.StochasticSamples} roundings is {S(mean)}, expected {S(target)} ± {S(tolerance)}", cases);
        }
        return new LawResult(law, true, null, cases);
    }
}
