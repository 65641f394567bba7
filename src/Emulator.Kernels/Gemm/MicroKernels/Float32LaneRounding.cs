using Emulator.Formats;
using Emulator.Kernels.Rounding;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The float32 form of <see cref="LowPrecisionAdder"/> for nearest (ties even, away or toward zero) and directed (toward
/// zero, +infinity, -infinity) roundings, or any rounding the scalar definition classifies alike (<see cref="Classify"/>), of accumulators whose values, times a power-of-two scale sigma, are exactly the float32 values with the low D = 23 - mantissa bits zero
/// (binary16, bfloat16, e5m2, e4m3, tf32, ...: signed, subnormals, a negative zero, p &lt;= 22, exponents inside float32's).
/// sigma = 2^(-126 - emin) maps the format's smallest normal to float32's, so its subnormal step becomes 2^(-149 + D) and
/// rounding to the format is rounding the float32 bit pattern to a multiple of 2^D, across the subnormal range too.
/// <para>
/// One step: s = fma(a', b', acc') is the exact scaled sum rounded once to float32; s can differ from the exact value x
/// only below float32's grid, and the format's grid points and midpoints are float32 values, so round(s) = round(x) unless
/// s is exactly a midpoint (nearest modes) or a grid point (directed modes). Other lanes: r = (s + 2^(D-1)) with the low D
/// bits cleared (every nearest mode agrees), or s plus the directed mode's sign-dependent increment, cleared. A special
/// lane goes to <see cref="FixTie"/>: the exact sum's side of s from a double TwoSum, then s moved one float32 step toward
/// it (no longer special, same rounding as x) or, when x = s, the mode's own decision at s; both through the scalar
/// definition (<see cref="RoundingDecision.RoundsUp"/>), so no mode is listed here. Results above the format's maximum (overflow, Inf, NaN) are caught per tile and recomputed exactly.
/// </para>
/// </summary>
internal sealed class Float32LaneRounding
{
    private Float32LaneRounding(LowPrecisionAdder adder)
    {
        var f = adder.Format;
        Adder = adder;
        D = 23 - f.MantissaBits;
        Half = 1u << (D - 1);
        LowMask = (1u << D) - 1;
        ScaleExponent = 126 + f.MinExponent;
        ScaleA = MathF.ScaleB(1f, -(ScaleExponent / 2));
        ScaleB = MathF.ScaleB(1f, -(ScaleExponent - ScaleExponent / 2));
        Sigma = MathF.ScaleB(1f, -ScaleExponent);
        // Inputs whose scaled value would be a float32 subnormal lose bits: such rows and columns take the exact path.
        TinyA = ScaleExponent / 2 == 0 ? 0f : MathF.ScaleB(1f, -126 + ScaleExponent / 2);
        TinyB = ScaleExponent - ScaleExponent / 2 == 0 ? 0f : MathF.ScaleB(1f, -126 + ScaleExponent - ScaleExponent / 2);
        MaxBits = BitConverter.SingleToUInt32Bits((float)Math.ScaleB(f.MaxFinite, -ScaleExponent));
        Mode = adder.Rounding.Mode;
        Nearest = Classify(adder.Rounding) == Kind.Nearest;
        Bias = Nearest ? Half : 0u;
        Pattern = new PatternConstants(D, 0u, 0);
    }

    /// <summary>The constants of the rule family's bit-pattern rounding for D discarded bits.</summary>
    public PatternConstants Pattern { get; }

    private enum Kind { Unsupported, Nearest, Directed }

    /// <summary>
    /// What the kernels need of a rounding, asked of the scalar definition (<see cref="RoundingDecision.RoundsUp"/>) rather
    /// than read from a list of modes: deterministic, and away from one half the decision depends only on the sign and on
    /// which side of one half nu lies (never on the parity of the kept bits). Nearest: up above one half and down below it
    /// for both signs; directed: the same decision on both sides of one half.
    /// </summary>
    private static Kind Classify(in RoundingOptions rounding)
    {
        if (rounding.IsStochastic) return Kind.Unsupported;
        var below = new Remainder(true, -1, 1u << 30);
        var above = new Remainder(true, 1, 3u << 30);
        bool directed = true, nearest = true;
        foreach (bool negative in new[] { false, true })
        {
            bool b0 = RoundingDecision.RoundsUp(rounding, negative, false, below, 0), b1 = RoundingDecision.RoundsUp(rounding, negative, true, below, 0);
            bool a0 = RoundingDecision.RoundsUp(rounding, negative, false, above, 0), a1 = RoundingDecision.RoundsUp(rounding, negative, true, above, 0);
            if (b0 != b1 || a0 != a1) return Kind.Unsupported; // the parity matters off the half (to-odd)
            nearest &= !b0 && a0;
            directed &= b0 == a0;
        }
        return nearest ? Kind.Nearest : directed ? Kind.Directed : Kind.Unsupported;
    }

    /// <summary>The exact adder this is a fast form of.</summary>
    public LowPrecisionAdder Adder { get; }

    /// <summary>Discarded float32 bits (23 - mantissa bits, at least 2).</summary>
    public int D { get; }

    /// <summary>2^(D-1): the nearest-rounding increment.</summary>
    public uint Half { get; }

    /// <summary>2^D - 1.</summary>
    public uint LowMask { get; }

    /// <summary>log2 of 1/sigma: accumulator values are held as value * 2^-ScaleExponent.</summary>
    public int ScaleExponent { get; }

    /// <summary>Factors applied to A and B (their product is sigma) for the sequential order.</summary>
    public float ScaleA { get; }

    /// <summary>See <see cref="ScaleA"/>.</summary>
    public float ScaleB { get; }

    /// <summary>2^-ScaleExponent.</summary>
    public float Sigma { get; }

    /// <summary>Nonzero |a| below this loses bits when scaled by <see cref="ScaleA"/> (0: no scaling).</summary>
    public float TinyA { get; }

    /// <summary>Nonzero |b| below this loses bits when scaled by <see cref="ScaleB"/> (0: no scaling).</summary>
    public float TinyB { get; }

    /// <summary>Bits of the scaled maximum finite value: a magnitude above it needs the exact adder.</summary>
    public uint MaxBits { get; }

    /// <summary>The rounding mode (a nearest or directed mode).</summary>
    public RoundingMode Mode { get; }

    /// <summary>Whether the mode rounds to nearest (else it is directed).</summary>
    public bool Nearest { get; }

    /// <summary>What the kernels add to s before looking at the low bits: 2^(D-1) for nearest modes, 0 for directed ones.</summary>
    public uint Bias { get; }

    /// <summary>The fast form, or null when the adder's format or rounding does not qualify.</summary>
    public static Float32LaneRounding? TryCreate(LowPrecisionAdder adder)
    {
        var f = adder.Format;
        var kind = Classify(adder.Rounding);
        // Directed modes need their rule struct in the kernel dispatch (NarrowAccumulatorDriver.Tile).
        bool ok = (kind == Kind.Nearest || kind == Kind.Directed
                && adder.Rounding.Mode is RoundingMode.TowardZero or RoundingMode.TowardPositive or RoundingMode.TowardNegative)
            && f.Signed && f.Subnormals && f.HasNegativeZero && f.MantissaBits <= 21 && f.MinExponent >= -126
            && f.MaxFinite <= float.MaxValue && (double)(float)f.MaxFinite == f.MaxFinite
            && f.MinSubnormal == Math.ScaleB(1.0, f.MinExponent - f.MantissaBits);
        return ok ? new Float32LaneRounding(adder) : null;
    }

    /// <summary>
    /// The correct result (scaled bits) of a special lane: its float32 sum <paramref name="sBits"/> = fma(a, b, acc) is a
    /// midpoint of the format (nearest modes) or on its grid (directed modes). Decides from the exact acc + a * b (a double
    /// product is exact, TwoSum gives the rest): when it differs from s, s moved one float32 step toward it is no longer
    /// special and rounds like it; when it equals s, the mode's tie rule (nearest) or s itself (directed).
    /// </summary>
    public uint FixTie(float acc, float a, float b, uint sBits)
    {
        double p = (double)a * b, sd = acc + p;
        if (!double.IsFinite(sd)) return sBits & ~LowMask; // non-finite lanes are recomputed exactly later
        double bb = sd - acc, e = (acc - (sd - bb)) + (p - bb);
        double s = BitConverter.UInt32BitsToSingle(sBits);
        int side = sd > s ? 1 : sd < s ? -1 : e > 0 ? 1 : e < 0 ? -1 : 0; // sign of x - s
        if (side == 0) return RoundBits(sBits); // x = s: the mode's own decision at s (a tie, or a grid point)
        uint moved = s == 0 ? (side > 0 ? 1u : 0x8000_0001u) // one step off zero, on x's side
            : (side > 0) == (s > 0) ? sBits + 1 : sBits - 1;  // one step in magnitude toward x
        return RoundBits(moved);
    }

    /// <summary>Rounds float32 bits (an exact value) to the format's grid (scaled bits) by the scalar definition of the mode.</summary>
    private uint RoundBits(uint bits)
    {
        uint low = bits & LowMask;
        bool up = RoundingDecision.RoundsUp(Adder.Rounding, (int)bits < 0, ((bits >> D) & 1) != 0, Remainder.FromBinary(low, D), 0);
        return (bits & ~LowMask) + (up ? LowMask + 1 : 0u);
    }
}
