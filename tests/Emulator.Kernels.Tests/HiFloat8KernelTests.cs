using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class HiFloat8KernelTests
{
    private static readonly HiFloat8Format Hif8 = (HiFloat8Format)FormatRegistry.Default.Get("hifloat8");

    [Fact]
    public void Hifloat8_is_vectorized() => Assert.True(QuantizeKernels.IsVectorized(Hif8));

    [Fact]
    public void Quantize_and_encode_equal_the_reference_for_every_mode_policy_and_width()
    {
        float[] x = Inputs.ForFormat(Hif8, seed: 8, maxCodes: 256, randomCount: 500);
        // Around the overflow candidate 1.5 * 2^15 and 2^16, and below the smallest denormal.
        float[] extra = [40960f, MathF.BitDecrement(40960f), MathF.BitIncrement(40960f), 65536f, MathF.BitDecrement(65536f), 36864f,
            MathF.ScaleB(1f, -23), MathF.ScaleB(1.5f, -23), MathF.ScaleB(1f, -24), MathF.ScaleB(3f, -25), 1e-30f, 1e-45f];
        Differential.Check(Hif8, x.Concat(extra).Concat(extra.Select(v => -v)).ToArray());
    }

    [Fact]
    public void Every_float32_of_sampled_ranges_agrees_with_the_reference()
    {
        var rng = new System.Random(81);
        var starts = new List<uint> { 0x3300_0000, 0x3780_0000, 0x3F70_0000, 0x4700_0000, 0xB400_0000 };
        for (int i = 0; i < 3; i++) starts.Add((uint)rng.NextInt64(0x3000_0000, 0x4800_0000));
        foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.Stochastic, RoundingMode.ToOdd })
        foreach (uint start in starts)
        {
            var r = KernelVerifier.Compare(Hif8, Inputs.Options(mode, null), start, 1 << 15);
            Assert.True(r.Mismatches == 0, $"hifloat8 {mode.Name()} from 0x{start:X8}: {r.Mismatches} mismatches, first {string.Join(", ", r.FirstMismatches)}");
        }
    }

    [Fact]
    public void Slices_of_every_length_and_offset_give_the_whole_tensor_bits() =>
        Slices.Check(Hif8, Slices.Spread(6, 260, -26, 18), RoundingMode.NearestEven, RoundingMode.Stochastic, RoundingMode.TowardNegative);
}
