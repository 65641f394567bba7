using Emulator.Formats;
using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Testing;

/// <summary>
/// Float32 inputs that matter for a format: its representable values, the midpoints between neighbours, one float32
/// ulp either side of both, the overflow and underflow regions, special values and random bit patterns; with a shrinker
/// that moves a counterexample toward fewer significant bits, smaller exponents and the positive sign.
/// </summary>
public static class FloatInputs
{
    /// <summary>Sorted non-negative finite values of the format that are float32 values (all codes up to 16 bits, else a sample).</summary>
    public static float[] PositiveValues(ScalarFormat format)
    {
        IEnumerable<uint> codes = format.Bits <= 16
            ? Enumerable.Range(0, (int)format.CodeCount).Select(c => (uint)c)
            : Enumerable.Range(0, 1 << 16).Select(i => (uint)((ulong)i * format.CodeCount >> 16));
        return codes.Where(format.IsCanonicalCode).Select(format.Decode)
            .Where(v => double.IsFinite(v) && v >= 0 && (float)v == v).Select(v => (float)v).Distinct().Order().ToArray();
    }

    /// <summary>The generator of interesting inputs for a format.</summary>
    public static Gen<float> Interesting(ScalarFormat format)
    {
        float[] values = PositiveValues(format);
        if (values.Length == 0) values = [0f, 1f];
        float max = (float)Math.Min(format.MaxFinite, float.MaxValue);
        Gen<float> value = Gen.Elements(values);
        Gen<float> midpoint = Gen.Choose(0, Math.Max(values.Length - 2, 0)).Select(i =>
            values.Length > 1 ? (float)(((double)values[i] + values[i + 1]) / 2) : values[0]);
        Gen<float> nudged = Gen.OneOf(value, midpoint).SelectMany(v => Gen.Elements(-1, 0, 1).Select(d => Nudge(v, d)));
        Gen<float> bits = Gen.Choose(int.MinValue, int.MaxValue).Select(b => BitConverter.Int32BitsToSingle(b));
        Gen<float> overflow = Gen.Choose(0, 1 << 20).Select(k => (float)Math.Min(float.MaxValue, max * (1 + k / (double)(1 << 18))));
        Gen<float> tiny = Gen.Choose(0, 1 << 20).Select(k => (float)(format.MinSubnormal * k / (1 << 19)));
        Gen<float> special = Gen.Elements(0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon,
            float.MaxValue, float.MinValue, max, (float)format.MinNormal, (float)format.MinSubnormal);
        Gen<float> magnitude = Gen.Frequency(
            (30, nudged), (15, value), (10, bits), (10, overflow), (10, tiny), (5, special));
        return magnitude.SelectMany(v => Gen.Elements(false, true).Select(neg => neg ? -v : v));
    }

    /// <summary>An arbitrary with the shrinker.</summary>
    public static Arbitrary<float> Arbitrary(ScalarFormat format) => Arb.From(Interesting(format), Shrink);

    /// <summary>x moved by d float32 ulps (toward +inf for d &gt; 0).</summary>
    public static float Nudge(float x, int d) => d switch
    {
        > 0 => MathF.BitIncrement(x),
        < 0 => MathF.BitDecrement(x),
        _ => x,
    };

    /// <summary>Simpler candidates: positive sign, fewer mantissa bits, exponent nearer 0, small integers.</summary>
    public static IEnumerable<float> Shrink(float x)
    {
        if (float.IsNaN(x) || x == 0) yield break;
        if (x < 0) yield return -x;
        if (float.IsInfinity(x)) { yield return float.MaxValue; yield break; }
        uint bits = BitConverter.SingleToUInt32Bits(x);
        uint mant = bits & 0x7FFFFF;
        for (int keep = 0; keep < 23; keep += 2)
        {
            uint mask = ~((1u << (23 - keep)) - 1) & 0x7FFFFF;
            if ((mant & ~mask) != 0) yield return BitConverter.UInt32BitsToSingle((bits & 0xFF800000) | (mant & mask));
        }
        float r = MathF.Round(x);
        if (r != x && float.IsFinite(r)) yield return r;
    }
}
