using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>
/// Round-to-nearest-even of clamped, scaled float32 lanes onto a fixed-point grid or a binary float format with subnormals,
/// as values: with step = the grid step of |t|'s binade (a power of two) and C = step 2^23, fl32(fl32(|t| + C) - C) is
/// |t| rounded to a multiple of step, ties to the even multiple, which is the even code (IEEE addition rounds exactly once).
/// </summary>
internal readonly struct NearestGridPlan
{
    /// <summary>Exponent bits of the smallest binade with its own step (the element's smallest normal; 0 for a fixed grid).</summary>
    public readonly uint MinExponentBits;
    /// <summary>Added to the binade's exponent bits to give C's bits ((23 - M) &lt;&lt; 23, or C's bits for a fixed grid).</summary>
    public readonly uint Offset;

    /// <summary>Codes: discarded float32 bits D and the rebias of the float element (normal codes are (r &gt;&gt; D) - Rebias).</summary>
    public readonly int D;
    public readonly uint Rebias;
    /// <summary>Codes: 2^-Q0 (float bits) turning a value below the smallest normal, or a fixed-point value, into its integer.</summary>
    public readonly uint ToInteger;
    /// <summary>Codes: the sign bit of a float code, or the mask of a two's-complement fixed-point code.</summary>
    public readonly uint CodeBits;

    private NearestGridPlan(uint minExponentBits, uint offset, int d, uint rebias, uint toInteger, uint codeBits)
    {
        MinExponentBits = minExponentBits;
        Offset = offset;
        D = d;
        Rebias = rebias;
        ToInteger = toInteger;
        CodeBits = codeBits;
    }

    /// <summary>The plan for a float element (signed, subnormals, -0, fewer than 23 mantissa bits), or null.</summary>
    public static NearestGridPlan? For(Emulator.Formats.FloatFormat f)
    {
        if (!f.Signed || !f.Subnormals || f.ExponentZeroIsNormal || !f.HasNegativeZero || f.MantissaBits >= 23
            || f.MinExponent < -126 || f.MaxFinite >= Math.ScaleB(1.0, 100)) return null;
        int m = f.MantissaBits;
        return new NearestGridPlan((uint)(f.MinExponent + 127) << 23, (uint)(23 - m) << 23, 23 - m, unchecked((uint)((127 - f.Bias) << m)),
            BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, m - f.MinExponent)), f.SignBit);
    }

    /// <summary>The plan for a symmetric signed fixed-point element whose largest code is below 2^22, or null.</summary>
    public static NearestGridPlan? For(Emulator.Formats.IntegerFormat f)
    {
        if (!f.Signed || f.MinInt != -f.MaxInt || f.MaxInt >= 1 << 22 || f.FractionBits > 100) return null;
        return new NearestGridPlan(0, (uint)(127 + 23 - f.FractionBits) << 23, 0, 0,
            BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, f.FractionBits)), f.Bits == 32 ? uint.MaxValue : (1u << f.Bits) - 1);
    }
}

/// <summary>Float element, round to nearest even, values (the sign kept, so -0 stays -0 as the format has it).</summary>
internal struct FloatNearestGridOp : IElementOp<NearestGridPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in NearestGridPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in NearestGridPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = input & TV.Create(0x7FFF_FFFF);
        TV c = TV.Max(a & TV.Create(0x7F80_0000), TV.Create(plan.MinExponentBits)) + TV.Create(plan.Offset);
        TV r = TV.SubtractF(TV.AddF(a, c), c);
        return r | (input ^ a);
    }
}

/// <summary>Symmetric fixed-point element, round to nearest even, values (-0 becomes +0 as the integer code 0 decodes).</summary>
internal struct IntegerNearestGridOp : IElementOp<NearestGridPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in NearestGridPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in NearestGridPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = input & TV.Create(0x7FFF_FFFF);
        TV c = TV.Create(plan.Offset);
        TV r = TV.SubtractF(TV.AddF(a, c), c);
        return TV.AddF(r | (input ^ a), TV.Create(0)); // -0 + 0 = +0
    }
}

/// <summary>Float element, round to nearest even, codes: the rounded magnitude r as (r &gt;&gt; D) - Rebias from the smallest
/// normal up, r 2^-Q0 below it, and the sign bit.</summary>
internal struct FloatNearestGridEncodeOp : IElementOp<NearestGridPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in NearestGridPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in NearestGridPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = input & TV.Create(0x7FFF_FFFF);
        TV c = TV.Max(a & TV.Create(0x7F80_0000), TV.Create(plan.MinExponentBits)) + TV.Create(plan.Offset);
        TV r = TV.SubtractF(TV.AddF(a, c), c);
        TV normal = TV.ShiftRightLogical(r, plan.D) - TV.Create(plan.Rebias);
        TV subnormal = TV.TruncateToInt32(TV.MultiplyF(r, TV.Create(plan.ToInteger)));
        TV below = TV.GreaterThan(TV.Create(plan.MinExponentBits), r);
        return TV.Select(below, subnormal, normal) | (TV.ShiftRightArithmetic(input, 31) & TV.Create(plan.CodeBits));
    }
}

/// <summary>Symmetric fixed-point element, round to nearest even, codes: the two's complement of the rounded integer.</summary>
internal struct IntegerNearestGridEncodeOp : IElementOp<NearestGridPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in NearestGridPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in NearestGridPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV a = input & TV.Create(0x7FFF_FFFF);
        TV c = TV.Create(plan.Offset);
        TV k = TV.TruncateToInt32(TV.MultiplyF(TV.SubtractF(TV.AddF(a, c), c), TV.Create(plan.ToInteger)));
        TV neg = TV.ShiftRightArithmetic(input, 31);
        return ((k ^ neg) - neg) & TV.Create(plan.CodeBits); // -k when negative
    }
}
