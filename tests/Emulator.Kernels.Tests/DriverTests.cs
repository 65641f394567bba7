using Emulator.Formats;

namespace Emulator.Kernels.Tests;

/// <summary>Lengths, misaligned slices, index offsets and threads never change the bits.</summary>
public class DriverTests
{
    private static float[] RandomValues(int n, int seed, double scale)
    {
        var rng = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    [Theory]
    [InlineData("e4m3", RoundingMode.NearestEven)]
    [InlineData("e5m2", RoundingMode.Stochastic)]
    [InlineData("bfloat16", RoundingMode.StochasticEqual)]
    [InlineData("e2m1", RoundingMode.ToOdd)]
    [InlineData("int4", RoundingMode.Stochastic)]
    [InlineData("uint8", RoundingMode.TowardNegative)]
    public void Lengths_0_to_200_at_every_misalignment_equal_the_reference(string name, RoundingMode mode)
    {
        var format = FormatRegistry.Default.GetScalar(name);
        float[] all = RandomValues(260, 5, Math.Min(format.MaxFinite * 1.2, 1e6));
        var ro = Inputs.Options(mode, null, 1);
        foreach (int lanes in new[] { 16, 4 })
        for (int length = 0; length <= 200; length++)
        {
            int offset = length % 19;
            var x = all.AsSpan(offset, length);
            var expected = new float[length];
            var actual = new float[length + 3];
            format.Quantize(x, expected, ro, 1000 + offset);
            QuantizeKernels.Quantize(x, actual.AsSpan(3, length), format, ro, new KernelOptions { IndexOffset = 1000 + offset, MaxLanes = lanes });
            Assert.Equal(expected.Select(Inputs.B), actual.Skip(3).Select(Inputs.B));
        }
    }

    [Theory]
    [InlineData("e4m3", RoundingMode.Stochastic)]
    [InlineData("int8", RoundingMode.StochasticEqual)]
    [InlineData("binary16", RoundingMode.NearestEven)]
    public void Slices_with_offsets_threads_and_in_place_give_the_same_bits_as_one_call(string name, RoundingMode mode)
    {
        var format = FormatRegistry.Default.GetScalar(name);
        const int n = 300_001;
        float[] x = RandomValues(n, 9, Math.Min(format.MaxFinite, 1000));
        var ro = Inputs.Options(mode, null);
        var whole = new float[n];
        QuantizeKernels.Quantize(x, whole, format, ro);

        var sliced = new float[n];
        int[] cuts = [0, 1, 77, 65_536, 65_539, 200_000, n];
        for (int c = 0; c + 1 < cuts.Length; c++)
            QuantizeKernels.Quantize(x.AsSpan(cuts[c], cuts[c + 1] - cuts[c]), sliced.AsSpan(cuts[c]), format, ro, new KernelOptions { IndexOffset = cuts[c] });
        Assert.True(whole.AsSpan().SequenceEqual(sliced), "slices differ from the whole");

        var threaded = new float[n];
        QuantizeKernels.Quantize(x, threaded, format, ro, new KernelOptions { Threads = 2 });
        Assert.True(whole.AsSpan().SequenceEqual(threaded), "two threads differ from one");

        var inPlace = (float[])x.Clone();
        QuantizeKernels.Quantize(inPlace, inPlace, format, ro, new KernelOptions { Threads = 2 });
        Assert.True(whole.AsSpan().SequenceEqual(inPlace), "in place differs");

        // The whole against the scalar reference, every element (long runs take the aligned-tile path).
        for (int i = 0; i < n; i++)
            if (Inputs.B(format.Quantize(x[i], ro, i)) != Inputs.B(whole[i])) Assert.Fail($"element {i}: 0x{Inputs.B(whole[i]):X8}, reference 0x{Inputs.B(format.Quantize(x[i], ro, i)):X8}");
    }

    [Fact]
    public void Bad_arguments_name_the_parameter()
    {
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        var e = Assert.Throws<ArgumentException>(() => QuantizeKernels.Quantize(new float[8], new float[7], e4m3));
        Assert.Equal("y", e.ParamName);
        var x = new float[10];
        e = Assert.Throws<ArgumentException>(() => QuantizeKernels.Quantize(x.AsSpan(0, 8), x.AsSpan(1, 8), e4m3));
        Assert.Equal("y", e.ParamName);
        var o = Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Quantize(x, x, e4m3, default, new KernelOptions { IndexOffset = -1 }));
        Assert.Equal("IndexOffset", o.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelOptions { MaxLanes = 3 });
    }
}
