using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Float;

/// <summary>Constants of the code -> float32 decoder of a binary float format (special codes per its policy).</summary>
internal readonly struct FloatDecodePlan
{
    public readonly int M, D;
    public readonly uint MagMask, SignBit, Rebias, SmallScale, ImplicitSmall, BinadeOneScale;
    public readonly bool BinadeOneIsSmall;
    public readonly uint NaNMagLo, NaNMagHi, PlusNaNCode, InfMag;
    public readonly bool Signed;

    public FloatDecodePlan(FloatFormat f)
    {
        if (!FloatPlan.Supports(f)) throw new ArgumentException($"format '{f.Name}' has values outside float32; the vector kernel does not cover it", nameof(f));
        M = f.MantissaBits;
        D = 23 - M;
        SignBit = f.SignBit;
        MagMask = f.Signed ? f.SignBit - 1 : (uint)(f.CodeCount - 1);
        Rebias = unchecked((uint)((127 - f.Bias) << M));
        SmallScale = f.Subnormals || f.ExponentZeroIsNormal ? BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, f.MinExponent - M)) : 0u;
        ImplicitSmall = f.ExponentZeroIsNormal ? 1u << M : 0u;
        // Exponent field 1 at 2^-127 is a float32 subnormal binade: decode it by scaling like field 0.
        BinadeOneIsSmall = !f.ExponentZeroIsNormal && f.MinExponent == -127;
        BinadeOneScale = BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, f.MinExponent - M));
        Signed = f.Signed;
        uint expAllOnes = (uint)((1 << f.ExponentBits) - 1) << M;
        (NaNMagLo, NaNMagHi, PlusNaNCode, InfMag) = f.Specials switch
        {
            SpecialCodes.Ieee => (expAllOnes + 1, MagMask, uint.MaxValue, expAllOnes),
            SpecialCodes.Fn => (MagMask, MagMask, uint.MaxValue, uint.MaxValue),
            SpecialCodes.Fnuz => (uint.MaxValue, 0u, f.SignBit, uint.MaxValue),
            SpecialCodes.P3109Extended when f.Signed => (uint.MaxValue, 0u, f.SignBit, MagMask),
            SpecialCodes.P3109Extended => (uint.MaxValue, 0u, MagMask, MagMask - 1),
            _ => (uint.MaxValue, 0u, uint.MaxValue, uint.MaxValue),
        };
    }
}

internal static class FloatDecodeKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decode<TV>(TV code, in FloatDecodePlan p) where TV : struct, ILanes<TV>
    {
        TV zero = TV.Create(0);
        TV mag = code & TV.Create(p.MagMask);
        TV sign = TV.GreaterThan(code & TV.Create(p.SignBit), zero) & TV.Create(0x8000_0000);
        TV field = TV.ShiftRightLogical(mag, p.M);
        TV small = TV.Equal(field, zero);
        TV value = TV.ShiftLeft(mag + TV.Create(p.Rebias), p.D);
        if (TV.Any(small))
        {
            TV mant = mag | TV.Create(p.ImplicitSmall);
            value = TV.Select(small, TV.MultiplyF(TV.Int32ToSingle(mant), TV.Create(p.SmallScale)), value);
        }
        if (p.BinadeOneIsSmall)
            value = TV.Select(TV.Equal(field, TV.Create(1)), TV.MultiplyF(TV.Int32ToSingle(mag), TV.Create(p.BinadeOneScale)), value);
        value |= sign;
        TV nanSigned = TV.AndNot(TV.GreaterThan(mag, TV.Create(p.NaNMagLo - 1)), TV.GreaterThan(mag, TV.Create(p.NaNMagHi)));
        value = TV.Select(nanSigned, sign | TV.Create(0x7FC0_0000), value);
        value = TV.Select(TV.Equal(mag, TV.Create(p.InfMag)), sign | TV.Create(0x7F80_0000), value);
        value = TV.Select(TV.Equal(code, TV.Create(p.PlusNaNCode)), TV.Create(0x7FC0_0000), value);
        return value;
    }
}
