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
