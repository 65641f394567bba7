using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class FloatKernelTests
{
    public static TheoryData<string> FloatPresets()
    {
        var data = new TheoryData<string>();
        foreach (var f in FormatRegistry.Default.All.OfType<FloatFormat>()) data.Add(f.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FloatPresets))]
    public void Every_preset_is_vectorized(string name) =>
        Assert.True(QuantizeKernels.IsVectorized((ScalarFormat)FormatRegistry.Default.Get(name)));

    [Theory]
    [MemberData(nameof(FloatPresets))]
    public void Quantize_and_encode_equal_the_reference_for_every_mode_and_overflow_policy(string name)
    {
        var format = (FloatFormat)FormatRegistry.Default.Get(name);
        float[] x = Inputs.ForFormat(format, seed: name.GetHashCode(StringComparison.Ordinal) & 0xFFFF, maxCodes: 300, randomCount: 300);
        Differential.Check(format, x);
    }
}

/// <summary>
/// The branch-free integer path of small formats with subnormals (fp4, fp6, e3m4, small P3109 formats): the subnormal
/// range, where the discarded-bit count grows per lane (up to beyond 32 bits, and float32 subnormals), against the reference.
/// </summary>
public class SmallFormatKernelTests
{
    public static TheoryData<string> SmallFormats()
    {
        var data = new TheoryData<string>();
        foreach (var f in FormatRegistry.Default.All.OfType<FloatFormat>())
            if (f.MinExponent >= -3 && f.Subnormals && f.MantissaBits >= 1) data.Add(f.Name);
        return data;
    }

    [Fact]
    public void The_small_formats_include_fp4_and_fp6()
    {
        var names = SmallFormats().Select(row => row.Data).ToList();
        Assert.Contains("e2m1", names);
        Assert.Contains("e3m2", names);
        Assert.Contains("e2m3", names);
    }

    [Theory]
    [MemberData(nameof(SmallFormats))]
    public void Subnormal_range_ties_and_tiny_inputs_equal_the_reference(string name)
    {
        var format = (FloatFormat)FormatRegistry.Default.Get(name);
        int q0 = format.MinExponent - format.MantissaBits;
        var x = new List<float>();
        void Around(float v)
        {
            foreach (float w in new[] { v, MathF.BitIncrement(v), MathF.BitDecrement(v) })
                if (float.IsFinite(w)) { x.Add(w); x.Add(-w); }
        }
        // Quarter steps of the subnormal grid 2^q0 up to twice the smallest normal: grid points, ties and the points between.
        for (int k = 0; k <= 4 << (format.MantissaBits + 2); k++) Around(MathF.ScaleB(k, q0 - 2));
        // Every binade below the smallest normal down to float32 subnormals: discarded-bit counts from D + 1 to beyond 32.
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        for (int e = format.MinExponent - 1; e >= -126; e--)
        {
            Around(MathF.ScaleB(1f, e));
            for (int j = 0; j < 4; j++) x.Add(MathF.ScaleB(1f + (float)rng.NextDouble(), e) * (j % 2 == 0 ? 1 : -1));
        }
        for (int j = 0; j < 64; j++) x.Add(Inputs.F((uint)rng.Next(1, 0x0080_0000) | (j % 2 == 0 ? 0u : 0x8000_0000u)));
        for (int j = 0; j < 400; j++) x.Add((float)((rng.NextDouble() * 2 - 1) * format.MinNormal));
        Differential.Check(format, x.ToArray());
    }
}
