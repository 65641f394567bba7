using System.Runtime.CompilerServices;
using Emulator.Formats;

namespace Emulator.Kernels;

/// <summary>Everything a block kernel call needs besides the arrays, computed once and shared by the threads.</summary>
internal sealed class BlockCall
{
    public BlockCall(BlockFormat format, BlockLayout layout, TensorScale tensorScale, in RoundingOptions rounding, long indexOffset, int maxLanes)
    {
        Format = format;
        Layout = layout;
        TensorScale = tensorScale;
        Rounding = format.Element.WithDefaults(rounding); // the element format's default mode where the caller names none
        IndexOffset = indexOffset;
        MaxLanes = maxLanes;
        Scales = ScaleTables.For(format);
        PowerOfTwo = format.Rule.IsPowerOfTwo();
        ScaleHasNaN = !format.ScaleIsExponent && format.Scale.HasNaN;
        float max = (float)format.Element.MaxFinite;
        // Power-of-two rules: |t| is clamped to the larger end of the element range (the element rounding saturates beyond it
        // in every mode). Amax-over-max: to max, as the reference's clamp(t, -max, max) (an element range reaching below -max
        // would otherwise round t in [min, -max) itself).
        ClampBits = BitConverter.SingleToUInt32Bits(PowerOfTwo ? MathF.Max(max, -(float)format.Element.MinFinite) : max);
        InverseElementMax = 1f / max;
        ScaleMax = (float)format.Scale.MaxFinite;
        ElementZeroCode = format.Element.Encode(0.0, default, 0u);
        if (!PowerOfTwo && format.Scale.Bits <= 16)
        {
            // Per scale code: its float32 value s and the element factor min(1 / fl32(s * S_dec), FLT_MAX) (NaN for the NaN code).
            int count = 1 << format.Scale.Bits;
            CodeValues = new float[count];
            CodeFactors = new float[count];
            for (uint c = 0; c < count; c++)
            {
                float sv = (float)Scales.Decode(c);
                CodeValues[c] = sv;
                CodeFactors[c] = ElementFactor(sv, tensorScale.Decode);
            }
        }
    }

    /// <summary>Amax-over-max: the element factor of a block with scale value <paramref name="scale"/>,
    /// min(1 / fl32(s * S_dec), FLT_MAX) (FLT_MAX for a zero product; NaN for a NaN scale or tensor scale).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ElementFactor(float scale, float tensorScaleDecode)
    {
        float product = scale * tensorScaleDecode;
        return float.IsNaN(scale) ? float.NaN : product == 0f ? float.MaxValue : MathF.Min(1f / product, float.MaxValue);
    }

    /// <summary>Amax-over-max: the value a block's scale encodes, clamp(min(amax * <paramref name="multiplier"/>, FLT_MAX),
    /// ±<paramref name="scaleMax"/>) (multiplier = S_enc / element max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleInput(float amax, float multiplier, float scaleMax) =>
        Math.Clamp(MathF.Min(amax * multiplier, float.MaxValue), -scaleMax, scaleMax);

    /// <summary>Amax-over-max scales of at most 16 bits: the float32 value of each code.</summary>
    public float[] CodeValues { get; } = [];

    /// <summary>Amax-over-max scales of at most 16 bits: each code's element factor (NaN for the NaN code or a NaN tensor scale).</summary>
    public float[] CodeFactors { get; } = [];

    public BlockFormat Format { get; }
    public BlockLayout Layout { get; }
    public TensorScale TensorScale { get; }
    public RoundingOptions Rounding { get; }
    public ScaleTables Scales { get; }
    public long IndexOffset { get; }
    public int MaxLanes { get; }
    public bool PowerOfTwo { get; }
    public bool ScaleHasNaN { get; }
    public uint ClampBits { get; }
    public float InverseElementMax { get; }
    public float ScaleMax { get; }
    public uint ElementZeroCode { get; }
}
