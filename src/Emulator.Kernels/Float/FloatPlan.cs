using Emulator.Formats;
using Emulator.Kernels.Rounding;

namespace Emulator.Kernels.Float;

/// <summary>
/// Per-format, per-options constants of the float32 -> binary float kernel, computed once (DESIGN.md: plan struct passed by
/// <c>in</c>). Two paths: at or above <see cref="Boundary"/> the step is a fixed number <see cref="D"/> of float32 bits and
/// rounding is integer arithmetic on the bit pattern; below it (the target's subnormal range, or float32 subnormals) the
/// step is the fixed 2^Q0 and the magnitude is scaled exactly to S = |x| 2^-Q0 in float32.
/// </summary>
internal readonly struct FloatPlan
{
    public readonly int D, M, StochasticShift;
    public readonly PatternConstants Pattern;
    public readonly uint LowMask, Half, Step, Flip, Boundary, Rebias;
    public readonly uint Scale1, Scale2, Pow2Q0;
    public readonly uint MinNormalField, CodeBase;
    public readonly bool InlineSmall, Unified, Subnormals, ExponentZeroIsNormal, Signed, HasNegativeZero, HasNaN;
    public readonly uint MaxMagCode, MaxFiniteBits, CodeSignBit;
    public readonly uint OverflowPosCode, OverflowNegCode, InfPosCode, InfNegCode, NaNPosCode, NaNNegCode, NegativeCode;
    public readonly uint OverflowPosValue, OverflowNegValue, InfPosValue, InfNegValue, NaNPosValue, NaNNegValue, NegativeValue;

    /// <summary>Whether the kernel reproduces the format exactly from float32 inputs (its values are float32 values and its
    /// binades above 2^-126, save a 2^-127 binade whose step is the subnormal step).</summary>
    public static bool Supports(FloatFormat f)
    {
        int q0 = Q0(f);
        return f.MantissaBits <= 23 && f.MaxFinite <= float.MaxValue && q0 >= -149 && q0 <= 126
            && (f.MinExponent >= -126 || (f.MinExponent == -127 && (f.Subnormals || f.ExponentZeroIsNormal || f.MantissaBits == 0)));
    }

    private static int Q0(FloatFormat f) => f.Subnormals || f.ExponentZeroIsNormal ? f.MinExponent - f.MantissaBits : f.MinExponent;

    public FloatPlan(FloatFormat f, in RoundingOptions options)
    {
        if (!Supports(f)) throw new ArgumentException($"format '{f.Name}' has values outside float32; the vector kernel does not cover it", nameof(f));
        M = f.MantissaBits;
        D = 23 - M;
        LowMask = (1u << D) - 1;
        Half = D == 0 ? uint.MaxValue : 1u << (D - 1);
        Step = 1u << D;
        Flip = M == 0 ? (uint)((f.Bias - 127) & 1) : 0u;
        Boundary = Math.Max(Bits(MathF.ScaleB(1f, f.MinExponent)), 0x0080_0000u);
        Rebias = unchecked((uint)((127 - f.Bias) << M));
        int q0 = Q0(f), up = -q0;
        int s1 = Math.Clamp(up, -126, 127);
        Scale1 = Bits(MathF.ScaleB(1f, s1));
        Scale2 = Bits(MathF.ScaleB(1f, up - s1));
        Pow2Q0 = Bits(MathF.ScaleB(1f, q0));
        // Formats whose smallest normal is large (fp4, fp6, e3m4) see many inputs below it: keep that path in the loop.
        InlineSmall = f.MinExponent >= -3;
        // Such formats with subnormals take one integer path for every lane (FloatKernel.Unified): the float32 significand
        // shifted right by a per-lane count (D in the normal range, more below it), no branch on the lane's range.
        Unified = InlineSmall && f.Subnormals && !f.ExponentZeroIsNormal && f.MinExponent == 1 - f.Bias && M >= 1;
        MinNormalField = (uint)(127 + f.MinExponent);
        CodeBase = Rebias + (1u << M); // code = (exponent field << M) + significand - CodeBase
        Subnormals = f.Subnormals;
        ExponentZeroIsNormal = f.ExponentZeroIsNormal;
        Signed = f.Signed;
        HasNegativeZero = f.HasNegativeZero;
        HasNaN = f.HasNaN;
        MaxMagCode = f.MaxFiniteCode;
        MaxFiniteBits = Bits((float)f.MaxFinite);
        CodeSignBit = f.SignBit;
        StochasticShift = 32 - options.StochasticBits;
        Pattern = new PatternConstants(D, Flip, options.StochasticBits);

        OverflowPolicy policy = options.OverflowOr(f.DefaultOverflow);
        OverflowPosCode = OverflowCode(f, policy, options.Mode, negative: false);
        OverflowNegCode = f.Signed ? OverflowCode(f, policy, options.Mode, negative: true) : OverflowPosCode;
        InfPosCode = f.Encode(double.PositiveInfinity, options, 0u);
        InfNegCode = f.Encode(double.NegativeInfinity, options, 0u);
        NaNPosCode = f.Encode(BitConverter.UInt64BitsToDouble(0x7FF8_0000_0000_0000UL), options, 0u);
        NaNNegCode = f.Encode(BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_0000UL), options, 0u);
        NegativeCode = f.Encode(-1.0, options, 0u);

        OverflowPosValue = Value(f, OverflowPosCode);
        OverflowNegValue = Value(f, OverflowNegCode);
        InfPosValue = Bits(f.Quantize(float.PositiveInfinity, options));
        InfNegValue = Bits(f.Quantize(float.NegativeInfinity, options));
        NaNPosValue = Bits(f.Quantize(BitConverter.UInt32BitsToSingle(0x7FC0_0000), options));
        NaNNegValue = Bits(f.Quantize(BitConverter.UInt32BitsToSingle(0xFFC0_0000), options));
        NegativeValue = Value(f, NegativeCode);
    }

    private static uint OverflowCode(FloatFormat f, OverflowPolicy policy, RoundingMode mode, bool negative)
    {
        uint sign = negative ? f.SignBit : 0u;
        if (policy == OverflowPolicy.Saturate || RoundingDecision.KeepsMaxOnOverflow(mode, negative)) return sign | f.MaxFiniteCode;
        return f.HasInfinity ? f.InfinityCode(negative) : f.HasNaN ? f.NaNCode(negative) : sign | f.MaxFiniteCode;
    }

    private static uint Value(FloatFormat f, uint code) => Bits((float)f.Decode(code));

    private static uint Bits(float x) => BitConverter.SingleToUInt32Bits(x);
}
