namespace Emulator.Formats;

/// <summary>
/// The discarded part nu of a magnitude, in [0, 1), as the three facts every rounding mode needs:
/// whether it is nonzero, how it compares with 1/2, and floor(nu * 2^32).
/// </summary>
public readonly record struct Remainder(bool Inexact, int CompareHalf, uint Top32)
{
    /// <summary>An exact value (nu = 0).</summary>
    public static Remainder Exact => default;

    /// <summary>nu = num / den exactly, with 0 &lt;= num &lt; den.</summary>
    public static Remainder FromRatio(UInt128 num, UInt128 den)
    {
        if (num == 0) return Exact;
        // num < den <= 2^120 keeps every product below 2^128.
        UInt128 twice = num << 1;
        int cmp = twice < den ? -1 : twice > den ? 1 : 0;
        UInt128 scaled = (num << 32) / den;
        return new Remainder(true, cmp, (uint)scaled);
    }

    /// <summary>nu = rem / 2^shift exactly (rem &lt; 2^shift, shift in 0..120).</summary>
    public static Remainder FromBinary(UInt128 rem, int shift)
    {
        if (rem == 0) return Exact;
        UInt128 half = (UInt128)1 << (shift - 1);
        int cmp = rem < half ? -1 : rem > half ? 1 : 0;
        uint top = shift <= 32 ? (uint)(rem << (32 - shift)) : (uint)(rem >> (shift - 32));
        return new Remainder(true, cmp, top);
    }
}

/// <summary>The table of FORMATS.md section 1: whether an inexact magnitude rounds up to the next candidate.</summary>
public static class RoundingDecision
{
    /// <summary>
    /// True when the magnitude rounds up (away from zero) to the upper candidate.
    /// </summary>
    /// <param name="options">Mode and stochastic bits.</param>
    /// <param name="negative">Sign of the input.</param>
    /// <param name="lowerOdd">Whether the lower candidate's code is odd.</param>
    /// <param name="nu">The discarded fraction.</param>
    /// <param name="randomWord">The element's 32-bit Philox word (ignored by deterministic modes).</param>
    public static bool RoundsUp(in RoundingOptions options, bool negative, bool lowerOdd, Remainder nu, uint randomWord)
    {
        if (!nu.Inexact) return false;
        switch (options.Mode)
        {
            case RoundingMode.NearestEven: return nu.CompareHalf > 0 || (nu.CompareHalf == 0 && lowerOdd);
            case RoundingMode.NearestAway: return nu.CompareHalf >= 0;
            case RoundingMode.NearestZero: return nu.CompareHalf > 0;
            case RoundingMode.TowardZero: return false;
            case RoundingMode.TowardPositive: return !negative;
            case RoundingMode.TowardNegative: return negative;
            case RoundingMode.ToOdd: return !lowerOdd;
            case RoundingMode.Stochastic:
            {
                int n = options.StochasticBits;
                ulong scaled = nu.Top32 >> (32 - n);
                ulong r = randomWord >> (32 - n);
                return scaled + r >= 1UL << n;
            }
            case RoundingMode.StochasticEqual: return (randomWord >> 31) != 0;
            default: throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "not a rounding mode");
        }
    }

    /// <summary>
    /// Under the <see cref="OverflowPolicy.Infinity"/> policy, whether this mode keeps the largest finite value
    /// on overflow because it did not round away from zero (toward-zero, to-odd, and the directed mode pointing inward).
    /// </summary>
    public static bool KeepsMaxOnOverflow(RoundingMode mode, bool negative) => mode switch
    {
        RoundingMode.TowardZero or RoundingMode.ToOdd => true,
        RoundingMode.TowardNegative => !negative,
        RoundingMode.TowardPositive => negative,
        _ => false,
    };
}
