using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Posit;

/// <summary>Constants of the computed posit decoder (posits wider than 16 bits, whose codes are too many for a table).</summary>
internal readonly struct PositDecodePlan
{
    public readonly PositFormat Format;
    public readonly int N, Es;
    public readonly uint Mask, NaNBits;

    public PositDecodePlan(PositFormat p)
    {
        Format = p;
        N = p.Bits;
        Es = p.ExponentBits;
        Mask = p.Layout.Mask;
        NaNBits = BitConverter.SingleToUInt32Bits((float)p.Decode(p.NaRCode));
    }
}

/// <summary>
/// Code -> float32 on a register: the magnitude's n-1 bits at the top of the word, the regime run length m from a
/// leading-zero count of the word xor its sign-extended top bit (k = m - 1 for a run of ones, -m for zeros), then es
/// exponent bits and the fraction, rounded to 23 mantissa bits to nearest even (the double value rounded to float32, as
/// <c>(float)Decode(code)</c>). 0 and NaR are selected; scales outside float32's normal range are rare (the reference).
/// </summary>
internal static class PositDecodeKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Decode<TV>(TV code, in PositDecodePlan p, out TV rare) where TV : struct, ILanes<TV>
    {
        TV zero = TV.Create(0);
        TV c = code & TV.Create(p.Mask);
        TV neg = TV.ShiftRightArithmetic(TV.ShiftLeft(c, 32 - p.N), 31);
        TV mag = ((c ^ neg) - neg) & TV.Create(p.Mask);
        TV w = TV.ShiftLeft(mag, 33 - p.N);                                // the n-1 magnitude bits at the top
        TV m = TV.LeadingZeroCount(w ^ TV.ShiftRightArithmetic(w, 31));    // regime run length
        TV k = TV.Select(TV.ShiftRightArithmetic(w, 31), m - TV.Create(1), zero - m);
        TV rest = TV.ShiftLeftVariable(w, m + TV.Create(1));               // after the run and its terminating bit
        TV e = p.Es == 0 ? zero : TV.ShiftRightLogical(rest, 32 - p.Es);
        TV frac = TV.ShiftLeft(rest, p.Es);
        TV biased = TV.ShiftLeft(k, p.Es) + e + TV.Create(127);
        TV mant = TV.ShiftRightLogical(frac, 9);
        TV inc = TV.ShiftRightLogical((frac & TV.Create(0x1FF)) + TV.Create(0xFF) + (mant & TV.Create(1)), 9);
        TV bits = TV.ShiftLeft(biased, 23) + mant + inc;                   // a mantissa carry moves to the next binade
        TV special = TV.Equal(w, zero);                                    // 0 and NaR
        rare = TV.AndNot(TV.GreaterThan(biased - TV.Create(1), TV.Create(253)) | TV.Equal(bits & TV.Create(0x7F80_0000), TV.Create(0x7F80_0000)), special);
        bits |= neg & TV.Create(0x8000_0000);
        return TV.Select(special, TV.Select(TV.Equal(c, zero), zero, TV.Create(p.NaNBits)), bits);
    }
}

internal struct PositDecodeOp : IElementOp<PositDecodePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in PositDecodePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        PositDecodeKernel.Decode(input, plan, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in PositDecodePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        TV result = PositDecodeKernel.Decode(input, plan, out TV rare);
        return TV.Any(rare) ? ReferenceLanes.FixDecode(input, result, rare, plan.Format) : result;
    }
}
