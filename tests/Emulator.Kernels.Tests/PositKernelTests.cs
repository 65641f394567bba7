using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class PositKernelTests
{
    /// <summary>The posit presets of at most 16 bits and a few other (n, es) shapes the kernel covers.</summary>
    public static TheoryData<int, int> NarrowShapes() => new() { { 16, 2 }, { 8, 2 }, { 16, 1 }, { 8, 0 }, { 12, 3 }, { 10, 0 }, { 16, 4 }, { 6, 1 }, { 4, 2 }, { 3, 0 } };

    public static TheoryData<int, int> WideShapes() => new() { { 32, 2 }, { 24, 1 }, { 32, 0 }, { 32, 4 }, { 28, 3 }, { 20, 2 }, { 17, 0 }, { 32, 1 } };

    public static TheoryData<int, int> Shapes() => new() { { 32, 2 }, { 24, 1 }, { 32, 0 }, { 32, 4 }, { 28, 3 }, { 20, 2 }, { 16, 2 }, { 8, 2 }, { 16, 1 }, { 8, 0 }, { 12, 3 }, { 10, 0 }, { 16, 4 }, { 6, 1 }, { 4, 2 }, { 3, 0 } };

    private static PositFormat Posit(int n, int es) =>
        FormatRegistry.Default.All.OfType<PositFormat>().FirstOrDefault(p => p.Bits == n && p.ExponentBits == es) ?? new PositFormat(n, es);

    [Fact]
    public void Every_posit_is_vectorized()
    {
        foreach (var p in FormatRegistry.Default.All.OfType<PositFormat>())
            Assert.True(QuantizeKernels.IsVectorized(p));
        Assert.True(QuantizeKernels.IsVectorized((ScalarFormat)FormatRegistry.Default.Get("posit32")));
        Assert.True(QuantizeKernels.IsVectorized((ScalarFormat)FormatRegistry.Default.Get("posit16")));
        Assert.True(QuantizeKernels.IsVectorized((ScalarFormat)FormatRegistry.Default.Get("posit8")));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Quantize_and_encode_equal_the_reference_for_every_mode_and_width(int n, int es)
    {
        var p = Posit(n, es);
        float[] x = Inputs.ForFormat(p, seed: n * 31 + es, maxCodes: 1024, randomCount: 400);
        Differential.Check(p, x);
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(16, 1)]
    public void Every_code_midpoint_and_neighbour_of_posit16_encodes_as_the_reference(int n, int es)
    {
        var p = Posit(n, es);
        var x = new List<float>();
        for (uint c = 1; c < p.CodeCount / 2; c++)
        {
            double v = p.Decode(c), next = p.Decode(c + 1);
            foreach (double w in new[] { v, (v + next) / 2 })
            {
                if (!(w <= float.MaxValue)) continue;
                float f = (float)w;
                x.Add(f); x.Add(MathF.BitIncrement(f)); x.Add(MathF.BitDecrement(f));
            }
        }
        int half = x.Count;
        for (int i = 0; i < half; i++) x.Add(-x[i]);
        float[] xs = x.ToArray();
        foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.TowardZero, RoundingMode.Stochastic })
        {
            var ro = Inputs.Options(mode, null);
            var expectedCodes = new uint[xs.Length];
            p.Encode(xs, expectedCodes, ro, 77);
            var expectedValues = expectedCodes.Select(c => Inputs.B((float)p.Decode(c))).ToArray();
            var codes = new ushort[xs.Length];
            var values = new float[xs.Length];
            foreach (int lanes in new[] { 16, 1 })
            {
                var ko = new KernelOptions { IndexOffset = 77, MaxLanes = lanes };
                QuantizeKernels.Encode(xs, codes, p, ro, ko);
                Differential.Compare(p, ro, lanes, "encode16", xs, expectedCodes, codes.Select(c => (uint)c).ToArray());
                QuantizeKernels.Quantize(xs, values, p, ro, ko);
                Differential.Compare(p, ro, lanes, "quantize", xs, expectedValues, values.Select(Inputs.B).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(16, 2, RoundingMode.NearestEven)]
    [InlineData(16, 2, RoundingMode.Stochastic)]
    [InlineData(8, 2, RoundingMode.NearestEven)]
    [InlineData(8, 2, RoundingMode.Stochastic)]
    [InlineData(16, 1, RoundingMode.NearestAway)]
    [InlineData(8, 0, RoundingMode.ToOdd)]
    [InlineData(32, 2, RoundingMode.NearestEven)]
    [InlineData(32, 2, RoundingMode.Stochastic)]
    [InlineData(24, 1, RoundingMode.TowardNegative)]
    public void Float32_pattern_ranges_agree_with_the_reference(int n, int es, RoundingMode mode)
    {
        var p = Posit(n, es);
        var ro = Inputs.Options(mode, null);
        var rng = new System.Random(n * 100 + es * 10 + (int)mode);
        // Around 1, the regime changes, the fast range's edges, and random spots (both signs).
        var starts = new List<uint> { 0x3F7F_0000, 0x3C00_0000, 0x0000_0000, 0x7F70_0000, 0xBF80_0000 };
        for (int i = 0; i < 3; i++) starts.Add((uint)rng.NextInt64(0, (1L << 32) - (1 << 18)));
        foreach (uint start in starts)
        {
            var r = KernelVerifier.Compare(p, ro, start, 1 << 18);
            Assert.True(r.Mismatches == 0, $"{p.Name} {mode.Name()} from 0x{start:X8}: {r.Mismatches} mismatches, first {string.Join(", ", r.FirstMismatches)}");
        }
    }

    [Fact]
    public void Slices_of_every_length_and_offset_give_the_whole_tensor_bits()
    {
        var p = Posit(16, 2);
        var rng = new System.Random(5);
        var x = new float[260];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(-40, 40)));
        foreach (var mode in new[] { RoundingMode.NearestEven, RoundingMode.Stochastic })
        {
            var ro = Inputs.Options(mode, null);
            for (int offset = 0; offset < 5; offset++)
            for (int len = 0; len <= 200; len += offset + 1)
            {
                var slice = x.AsSpan(offset, len);
                var expected = new uint[len];
                p.Encode(slice, expected, ro, 1000 + offset);
                var codes = new ushort[len + 3];
                var values = new float[len];
                foreach (int lanes in Inputs.Widths)
                {
                    var ko = new KernelOptions { IndexOffset = 1000 + offset, MaxLanes = lanes };
                    QuantizeKernels.Encode(slice, codes.AsSpan(1, len), p, ro, ko);
                    QuantizeKernels.Quantize(slice, values, p, ro, ko);
                    for (int i = 0; i < len; i++)
                    {
                        Assert.Equal(expected[i], codes[1 + i]);
                        Assert.Equal(Inputs.B((float)p.Decode(expected[i])), Inputs.B(values[i]));
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(NarrowShapes))]
    public void Decode_of_every_code_equals_the_reference(int n, int es)
    {
        var p = Posit(n, es);
        int count = (int)p.CodeCount;
        var c32 = Enumerable.Range(0, count).Select(c => (uint)c).ToArray();
        var y = new float[count];
        QuantizeKernels.Decode(c32, y, p);
        for (int c = 0; c < count; c++) Assert.Equal(Inputs.B((float)p.Decode((uint)c)), Inputs.B(y[c]));
        var c16 = c32.Select(c => (ushort)c).ToArray();
        Array.Clear(y);
        QuantizeKernels.Decode(c16, y, p);
        for (int c = 0; c < count; c++) Assert.Equal(Inputs.B((float)p.Decode((uint)c)), Inputs.B(y[c]));
        if (n <= 8)
        {
            Array.Clear(y);
            QuantizeKernels.Decode(c32.Select(c => (byte)c).ToArray(), y, p);
            for (int c = 0; c < count; c++) Assert.Equal(Inputs.B((float)p.Decode((uint)c)), Inputs.B(y[c]));
        }
        else Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Decode(new uint[] { (uint)count }, new float[1], p));
    }

    [Theory]
    [MemberData(nameof(WideShapes))]
    public void Decode_of_wide_posits_equals_the_reference(int n, int es)
    {
        var p = Posit(n, es);
        var rng = new System.Random(n * 7 + es);
        var codes = new List<uint> { 0, p.NaRCode, 1, p.Layout.MaxPosCode, p.Layout.Mask, p.NaRCode + 1, p.NaRCode - 1 };
        for (int r = 1; r < n; r++) { codes.Add(1u << (r - 1)); codes.Add(p.Layout.Mask >> r); codes.Add(p.Layout.Negate(1u << (r - 1))); }
        for (int i = 0; i < 3000; i++) codes.Add((uint)rng.NextInt64(0, (long)p.CodeCount));
        var c32 = codes.ToArray();
        var expected = c32.Select(c => Inputs.B((float)p.Decode(c))).ToArray();
        var y = new float[c32.Length];
        foreach (int lanes in Inputs.Widths)
        {
            QuantizeKernels.Decode(c32, y, p, new KernelOptions { MaxLanes = lanes });
            Differential.Compare(p, default, lanes, "decode32", y, expected, y.Select(Inputs.B).ToArray());
        }
    }

    [Fact]
    public void Posit32_slices_of_every_length_and_offset_give_the_whole_tensor_bits() =>
        Slices.Check(Posit(32, 2), Slices.Spread(32, 260, -40, 40), RoundingMode.NearestEven, RoundingMode.Stochastic, RoundingMode.ToOdd);
}
