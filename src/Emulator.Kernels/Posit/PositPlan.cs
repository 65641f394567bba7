using Emulator.Formats;

namespace Emulator.Kernels.Posit;

/// <summary>
/// Per-format, per-options constants of the float32 -> posit&lt;n,es&gt; kernel (any n &lt;= 32). In binade s the code keeps
/// the top bits of body = ((s mod 2^es) * 2^23 + mantissa) * 2^<see cref="Pre"/> and discards its low D = <see cref="D0"/> + t bits
/// (t = k xor (k &gt;&gt; 31), k = s &gt;&gt; es: the regime run is 2 + t bits long); D &gt; 23 when the regime cuts exponent bits.
/// Outside the fast scale range (saturation, zero, float32 subnormals, Inf, NaN) the scalar reference answers.
/// </summary>
internal readonly struct PositPlan
{
    public readonly PositFormat Format;
    public readonly RoundingOptions Options;
    public readonly int Es, StochasticShift, Pre;
    public readonly uint EsMask, D0, AvailBase, TopBit, Mask, FastLow, FastRange;

    /// <summary>Whether the kernel covers the format: every posit (n &lt;= 32; body is pre-shifted by <see cref="Pre"/> bits
    /// when n &gt; 26 + es, so the discarded count D stays in 0..29 although posit32 keeps more fraction bits than float32 has).</summary>
    public static bool Supports(PositFormat p) => p.Bits <= 32;

    public PositPlan(PositFormat p, in RoundingOptions options)
    {
        Format = p;
        Options = options;
        int n = p.Bits, es = p.ExponentBits;
        Es = es;
        StochasticShift = 32 - options.StochasticBits;
        EsMask = (1u << es) - 1;
        Pre = Math.Max(0, n - 26 - es); // body * 2^Pre has 23 + es + Pre <= n - 3 bits
        D0 = (uint)(26 + es - n + Pre); // D = 23 + Pre - fraction bits = 23 + Pre - (n - 1 - (2 + t) - es)
        AvailBase = (uint)(n - 3);      // bits after the regime: n - 1 - (2 + t)
        TopBit = 1u << (n - 1);
        Mask = p.Layout.Mask;
        // Fast scales: every scale that neither saturates nor needs a float32 subnormal, -maxScale <= s < maxScale (the
        // regime run 2 + t is at most n - 1 bits; when it cuts exponent bits, D exceeds 23 and the rounding is geometric).
        // Rounding down cuts at most es exponent bits, so s >= 2^es - 127 keeps every quantized value a float32 normal.
        int maxScale = p.Layout.MaxScale;
        int eLow = Math.Max(1 << es, 127 - maxScale), eHigh = Math.Min(254, 127 + maxScale - 1);
        if (n < 3 || eLow > eHigh) { FastLow = uint.MaxValue; FastRange = 0; }
        else { FastLow = (uint)eLow << 23; FastRange = (((uint)eHigh << 23) | 0x7F_FFFF) - FastLow; }
    }
}
