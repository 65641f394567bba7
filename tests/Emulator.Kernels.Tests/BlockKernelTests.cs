using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class BlockKernelTests
{
    private static readonly string[] Vectorized =
        ["mxfp4", "mxfp6-e2m3", "mxfp6-e3m2", "mxfp8-e4m3", "mxfp8-e5m2", "mxint8", "nvfp4", "nvfp4-2d", "bfp8", "bfp16"];
    private static readonly string[] Fallback = ["nf4-b64"];

    public static TheoryData<string, int> PresetsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Vectorized)
            foreach (int w in Inputs.Widths) data.Add(name, w);
        return data;
    }

    public static TheoryData<string> FallbackPresets() => new(Fallback);

    private static BlockFormat Get(string name) => (BlockFormat)FormatRegistry.Default.Get(name);

    /// <summary>Gaussian rows with outliers, all-zero blocks, NaN and ±Inf blocks, magnitudes near FLT_MAX, tiny and
    /// subnormal blocks, and blocks mixing a huge amax with tiny elements (their scaled values leave float32's normal range).</summary>
    private static float[] Tensor(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        for (int start = 0; start < count; start += 16)
        {
            int end = Math.Min(count, start + 16);
            int kind = rng.Next(15);
            for (int i = start; i < end; i++)
            {
                switch (kind)
                {
                    case 0: x[i] = 0f; break;
                    case 1: if (i == start + rng.Next(end - start)) x[i] = float.NaN; break;
                    case 2: if (i == start + 1) x[i] = rng.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity; break;
                    case 3: x[i] *= 1e38f; break;
                    case 4: x[i] = (rng.Next(2) == 0 ? 1 : -1) * BitConverter.UInt32BitsToSingle((uint)rng.Next(1, 0x0080_0000)); break;
                    case 5: x[i] *= 1e-39f; break;
                    case 6: x[i] = i == start ? 3e38f : x[i] * 1e-40f; break;
                    case 7: x[i] = i == start ? 1e30f : x[i] * 1e-20f; break;
                    case 8: if (rng.Next(8) == 0) x[i] *= 100f; break;
                    case 9: x[i] = i == start ? float.MaxValue : -x[i]; break;
                    case 10: x[i] = i % 3 == 0 ? -0f : x[i] * 1e-30f; break;
                    case 11: x[i] = rng.Next(-48, 49) * 0.125f; break; // element values and ties after scaling
                    default: x[i] *= (float)Math.Pow(2, rng.Next(-20, 20)); break;
                }
            }
        }
        return x;
    }

    private static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i}: reference {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}), kernel {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
    }

    private static void AssertSame(ReadOnlySpan<uint> expected, ReadOnlySpan<uint> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) Assert.Fail($"{what}: index {i}: reference 0x{expected[i]:X}, kernel 0x{actual[i]:X}");
    }

    private static void Check(BlockFormat format, float[] x, int[] shape, RoundingOptions rounding, KernelOptions options, string what)
    {
        var expected = new float[x.Length];
        var actual = new float[x.Length];
        TensorScale ts = format.Quantize(x, shape, expected, rounding, options.IndexOffset);
        TensorScale tk = BlockKernels.Quantize(x, shape, actual, format, rounding, options);
        Assert.Equal(ts, tk);
        AssertSame(expected, actual, what + " values");

        long blocks = format.ScaleCount(shape);
        uint[] ec = new uint[x.Length], ek = new uint[x.Length], sc = new uint[blocks], sk = new uint[blocks];
        format.Encode(x, shape, ec, sc, rounding, options.IndexOffset);
        BlockKernels.Encode(x, shape, ek, sk, format, rounding, options);
        AssertSame(ec, ek, what + " element codes");
        AssertSame(sc, sk, what + " scale codes");
    }

    [Theory]
    [MemberData(nameof(PresetsAndWidths))]
    public void Quantize_and_encode_equal_the_reference_for_every_mode(string name, int lanes)
    {
        var format = Get(name);
        Assert.True(BlockKernels.IsVectorized(format));
        int[][] shapes = format.BlockRows == 1
            ? [[9, 70], [2, 3, 32], [4500], [5, 1], [1, 17]]
            : [[9, 70], [2, 3, 32], [70, 45], [5, 1], [1, 17], [2, 17, 20], [33, 48]];
        int seed = 0;
        foreach (int[] shape in shapes)
        {
            int count = shape.Aggregate(1, (a, b) => a * b);
            float[] x = Tensor(count, 1000 * lanes + seed++);
            foreach (RoundingMode mode in Inputs.Modes)
            {
                var rounding = new RoundingOptions(mode) { Seed = 7, Stream = 3 };
                Check(format, x, shape, rounding, new KernelOptions { MaxLanes = lanes, IndexOffset = 0 }, $"{name} {mode} [{string.Join(",", shape)}] lanes {lanes}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PresetsAndWidths))]
    public void Slices_with_an_index_offset_equal_the_reference_and_stochastic_bits_apply(string name, int lanes)
    {
        var format = Get(name);
        int rows = 12, length = 48;
        float[] x = Tensor(rows * length, 77 + lanes);
        foreach (var rounding in new[]
        {
            new RoundingOptions(RoundingMode.Stochastic) { Seed = 11 },
            new RoundingOptions(RoundingMode.Stochastic) { Seed = 12, StochasticBits = 3 },
            new RoundingOptions(RoundingMode.StochasticEqual) { Seed = 13, Stream = 1 },
            new RoundingOptions(RoundingMode.TowardPositive),
        })
        {
            var whole = new float[x.Length];
            BlockKernels.Quantize(x, [rows, length], whole, format, rounding, new KernelOptions { MaxLanes = lanes });
            for (int r0 = 0; r0 < rows; r0 += 5)
            {
                int r1 = Math.Min(rows, r0 + 5);
                float[] slice = x[(r0 * length)..(r1 * length)];
                var options = new KernelOptions { MaxLanes = lanes, IndexOffset = r0 * length };
                Check(format, slice, [r1 - r0, length], rounding, options, $"{name} {rounding.Mode} rows {r0}..{r1}");
                if (!format.HasTensorScale) // the tensor scale of a slice follows the slice's amax
                {
                    var part = new float[slice.Length];
                    BlockKernels.Quantize(slice, [r1 - r0, length], part, format, rounding, options);
                    AssertSame(whole.AsSpan(r0 * length, slice.Length), part, $"{name} slice rows {r0}..{r1} vs whole tensor");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PresetsAndWidths))]
    public void In_place_quantize_equals_the_reference(string name, int lanes)
    {
        var format = Get(name);
        float[] x = Tensor(3 * 40, 5 + lanes);
        var expected = new float[x.Length];
        format.Quantize(x, [3, 40], expected, new RoundingOptions(RoundingMode.NearestEven));
        BlockKernels.Quantize(x, [3, 40], x, format, new RoundingOptions(RoundingMode.NearestEven), new KernelOptions { MaxLanes = lanes });
        AssertSame(expected, x, $"{name} in place");
    }

    [Fact]
    public void A_tensor_with_a_nan_gives_the_reference_for_nvfp4()
    {
        var format = Get("nvfp4");
        float[] x = Tensor(64, 3);
        x[40] = float.NaN;
        Check(format, x, [2, 32], new RoundingOptions(RoundingMode.NearestEven), default, "nvfp4 NaN tensor amax");
        float[] inf = Tensor(64, 4);
        inf[3] = float.PositiveInfinity;
        Check(format, inf, [64], new RoundingOptions(RoundingMode.TowardZero), default, "nvfp4 Inf tensor amax");
    }

    [Theory]
    [MemberData(nameof(FallbackPresets))]
    public void Other_block_formats_run_the_reference(string name)
    {
        var format = Get(name);
        Assert.False(BlockKernels.IsVectorized(format));
        float[] x = Tensor(32 * 32, 9);
        Check(format, x, [32, 32], new RoundingOptions(RoundingMode.Stochastic) { Seed = 5 }, new KernelOptions { IndexOffset = 100 }, name);
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_parameter()
    {
        var format = Get("mxfp4");
        var e = Assert.Throws<ArgumentException>(() => BlockKernels.Quantize(new float[10], [11], new float[11], format));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => BlockKernels.Quantize(new float[10], [10], new float[9], format));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => BlockKernels.Encode(new float[64], [64], new uint[64], new uint[1], format));
        Assert.Equal("scaleCodes", e.ParamName);
    }
}
