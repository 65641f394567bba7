using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Integer;

/// <summary>Constants of the float32 -> integer / fixed point Q&lt;i&gt;.&lt;f&gt; kernel (grid step 2^-f, clamping).</summary>
internal readonly struct IntegerPlan
{
    public readonly uint ScaleUp, StepDown, MaxPositive, MaxNegativeMagnitude, CodeMask, NaNValue;
    public readonly int Bits, StochasticShift;
    public readonly bool Signed;

    public IntegerPlan(IntegerFormat f, in RoundingOptions options)
    {
        ScaleUp = BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, f.FractionBits));
        StepDown = BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, -f.FractionBits));
        MaxPositive = (uint)f.MaxInt;
        MaxNegativeMagnitude = (uint)(-f.MinInt);
        Bits = f.Bits;
        CodeMask = f.Bits == 32 ? uint.MaxValue : (1u << f.Bits) - 1;
        Signed = f.Signed;
        NaNValue = BitConverter.SingleToUInt32Bits(f.Quantize(float.NaN, options));
        StochasticShift = 32 - options.StochasticBits;
    }
}

internal static class IntegerKernel
{
    /// <summary>Rounds float32 lanes to the grid and clamps; returns codes or the float32 bits of the values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Convert<TV, TRule>(TV x, TV random, in IntegerPlan p, bool codes)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV zero = TV.Create(0), one = TV.Create(1);
        TV a = x & TV.Create(0x7FFF_FFFF);
        TV neg = TV.ShiftRightArithmetic(x, 31);
        TV s = TV.MultiplyF(a, TV.Create(p.ScaleUp)); // exact: scaling up by 2^f
        TV huge = TV.GreaterThanOrEqualF(s, TV.Create(0x4F80_0000)); // S >= 2^32 (and +Inf)
        TV floorS = TV.TruncateToUInt32(s);
        TV nu = TV.SubtractF(s, TV.UInt32ToSingle(floorS));
        TV halfF = TV.Create(0x3F00_0000);
        var r = new RoundingLanes<TV>
        {
            Negative = neg,
            Random = random,
            AboveHalf = TV.GreaterThanF(nu, halfF),
            AtHalf = TV.EqualF(nu, halfF),
            Inexact = TV.AndNot(TV.Create(uint.MaxValue), TV.EqualF(nu, zero)),
            LowerOdd = TV.Equal(floorS & one, one),
        };
        if (TRule.NeedsTop32) r.Top32 = TV.TruncateToUInt32(TV.MultiplyF(nu, TV.Create(0x4F80_0000)));
        TV up = TRule.RoundsUp(r, p.StochasticShift);
        TV n = TV.Select(huge, TV.Create(uint.MaxValue), floorS - up);
        TV positive = TV.Min(n, TV.Create(p.MaxPositive));
        TV negative = zero - TV.Min(n, TV.Create(p.MaxNegativeMagnitude));
        TV k = TV.Select(neg, negative, positive);
        TV isNaN = TV.GreaterThan(a, TV.Create(0x7F80_0000));
        if (codes) return TV.AndNot(k & TV.Create(p.CodeMask), isNaN);
        TV value = TV.MultiplyF(p.Signed ? TV.Int32ToSingle(k) : TV.UInt32ToSingle(k), TV.Create(p.StepDown));
        return TV.Select(isNaN, TV.Create(p.NaNValue), value);
    }

    /// <summary>Decodes integer codes to float32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decode<TV>(TV code, in IntegerPlan p) where TV : struct, ILanes<TV>
    {
        int unused = 32 - p.Bits;
        TV value = p.Signed
            ? TV.Int32ToSingle(TV.ShiftRightArithmetic(TV.ShiftLeft(code, unused), unused))
            : TV.UInt32ToSingle(code);
        return TV.MultiplyF(value, TV.Create(p.StepDown));
    }
}
