using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>Random-input properties: the types agree with their preset's scalar codec and with double's ordering.</summary>
public class PropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(2000);

    /// <summary>Conversion from double equals the preset's Quantize with the types' rounding (nearest-even, 'infinity');
    /// ordering and equality follow the exact values.</summary>
    [Fact]
    public void Conversions_and_ordering_follow_the_preset()
    {
        Prop.ForAll<double, double>((x, y) =>
        {
            var a = (Float8E4M3)x;
            var b = (Float8E4M3)y;
            bool quantized = a.ToDouble().Equals(Float8E4M3.Format.Quantize(x, NumberTypeConvert.TypeRounding))
                && b.ToDouble().Equals(Float8E4M3.Format.Quantize(y, NumberTypeConvert.TypeRounding));
            double p = a.ToDouble(), q = b.ToDouble();
            bool ordered = (a < b) == (p < q) && (a <= b) == (p <= q) && (a == b) == (p == q) && a.CompareTo(b) == p.CompareTo(q);
            bool hashes = !a.Equals(b) || a.GetHashCode() == b.GetHashCode();
            var h = (BFloat16)x;
            bool bf16 = h.ToDouble().Equals(BFloat16.Format.Quantize(x, NumberTypeConvert.TypeRounding));
            return quantized && ordered && hashes && bf16;
        }).Check(Quick);
    }

    /// <summary>Float in, float out: a second conversion changes nothing (idempotent rounding) for every type.</summary>
    [Fact]
    public void Rounding_is_idempotent()
    {
        Prop.ForAll<float>(x =>
            Same((float)(Float8E5M2)x, (float)(Float8E5M2)(float)(Float8E5M2)x)
            && Same((float)(Float6E2M3)x, (float)(Float6E2M3)(float)(Float6E2M3)x)
            && Same((float)(Tf32)x, (float)(Tf32)(float)(Tf32)x)
            && Same((float)(Float8E8M0)x, (float)(Float8E8M0)(float)(Float8E8M0)x)).Check(Quick);
    }

    private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || float.IsNaN(a) && float.IsNaN(b);
}
