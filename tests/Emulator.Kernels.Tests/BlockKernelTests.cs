using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class BlockKernelTests
{
    private static readonly string[] Vectorized =
        ["mxfp4", "mxfp6-e2m3", "mxfp6-e3m2", "mxfp8-e4m3", "mxfp8-e5m2", "mxint8", "nvfp4", "nvfp4-2d", "bfp8", "bfp16", "nf4-b64"];

    public static TheoryData<string, int> PresetsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Vectorized)
            foreach (int w in Inputs.Widths) data.Add(name, w);
        return data;
    }

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

    /// <summary>An inline table whose lowest value lies below -max (the clamp to the element range differs by rule).</summary>
    private const string Lopsided = """{"name": "lopsided", "kind": "table", "valueType": "float32", "values": [-2, -1.25, -0.5, 0, 0.375, 1]}""";

    /// <summary>A block spec file in the temp folder (deleted by the caller).</summary>
    private static string BlockSpecFile(string tag, string element, string rule, int size, string scale, int rows = 1)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ktable-{tag}-{rule}-{rows}x{size}-{Environment.ProcessId}.json");
        File.WriteAllText(path, $$"""{"name": "t-{{tag}}-{{rule}}", "kind": "block", "element": {{element}}, "block": [{{rows}}, {{size}}], "scale": {{scale}}, "scaleRule": "{{rule}}"}""");
        return path;
    }

    /// <summary>Table elements under every scale rule (no preset has most of them): a spec file per case.</summary>
    [Theory]
    [InlineData("nf4", "floor", 32)]
    [InlineData("af4", "ceil", 16)]
    [InlineData("nf4", "rceil", 64)]
    [InlineData("nf4", "amax-over-max", 32)]
    [InlineData("lopsided", "floor", 16)]
    [InlineData("lopsided", "amax-over-max", 24)]
    [InlineData("nf4", "amax-over-max", 16, 16)]
    [InlineData("af4", "floor", 16, 8)]
    public void Table_elements_with_any_scale_rule_equal_the_reference(string element, string rule, int size, int rows = 1)
    {
        string scale = rule == "amax-over-max" ? "\"bfloat16\"" : "\"e8m0\"";
        string path = BlockSpecFile(element, element == "lopsided" ? Lopsided : $"\"{element}\"", rule, size, scale, rows);
        int[] shape = rows == 1 ? [6, size] : [2 * rows + 3, 3 * size - 5];
        try
        {
            var format = (BlockFormat)FormatRegistry.Default.Get(path);
            Assert.True(BlockKernels.IsVectorized(format));
            foreach (int lanes in Inputs.Widths)
            {
                float[] x = Tensor(shape[0] * shape[1], lanes + size);
                foreach (RoundingMode mode in Inputs.Modes)
                    Check(format, x, shape, new RoundingOptions(mode) { Seed = 3, Stream = 1 }, new KernelOptions { MaxLanes = lanes, IndexOffset = 9 }, $"{element}/{rule} {mode} lanes {lanes}");
            }
        }
        finally { File.Delete(path); }
    }

    /// <summary>Runs of 16 1x16 blocks with one rare block per run at each position 0..15 (for every kind), then a partial run
    /// at the tensor end; the other blocks are Gaussian, scaled by 2^k for a few k.</summary>
    private static float[] RareBlockRuns(int kinds, Func<int, int, Random, float> rare, int extraBlocks, int seed)
    {
        var rng = new Random(seed);
        int blocks = kinds * 16 * 16 + extraBlocks;
        var x = new float[blocks * 16];
        for (int b = 0; b < blocks; b++)
        {
            int run = b / 16, position = b % 16;
            bool isRare = run < kinds * 16 && position == run % 16;
            float scale = (float)Math.Pow(2, rng.Next(-6, 7));
            for (int i = 0; i < 16; i++)
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                float g = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) * scale;
                x[b * 16 + i] = isRare ? rare(run / 16, i, rng) : g;
            }
        }
        return x;
    }

    /// <summary>NVFP4 (finite tensor scale) on runs of 16 blocks: zero blocks, blocks whose scale rounds to code 0, blocks at the
    /// largest scale code (the tensor amax), subnormal elements under a large amax, -0 blocks, exact element ties, at every
    /// position in a run; tensors whose block count leaves a partial run; every mode and register width.</summary>
    [Fact]
    public void Nvfp4_runs_of_16_blocks_with_rare_blocks_at_every_position_equal_the_reference()
    {
        var format = Get("nvfp4");
        float Rare(int kind, int i, Random rng) => kind switch
        {
            0 => 0f,
            1 => (float)((rng.NextDouble() - 0.5) * 1e-12), // scale code 0
            2 => i == 5 ? -900f : (float)(rng.NextDouble() - 0.5) * 100f, // the tensor amax: the largest scale code
            3 => i == 0 ? 50f : BitConverter.UInt32BitsToSingle((uint)rng.Next(1, 0x0080_0000)) * (i % 2 == 0 ? 1 : -1),
            4 => i % 2 == 0 ? -0f : 0f,
            5 => rng.Next(-24, 25) * 0.25f, // ties after scaling
            _ => (float)((rng.NextDouble() - 0.5) * 1e-3), // small scale codes (subnormal UE4M3)
        };
        foreach (int extra in new[] { 0, 7, 15 })
        {
            float[] x = RareBlockRuns(7, Rare, extra, 50 + extra);
            int n = x.Length;
            int[][] shapes = extra == 0 ? [[n], [7, n / 7], [n / 64, 64]] : [[n], [n / 16, 16]];
            foreach (int[] shape in shapes)
                foreach (int lanes in Inputs.Widths)
                    foreach (RoundingMode mode in Inputs.Modes)
                        Check(format, x, shape, new RoundingOptions(mode) { Seed = 5, Stream = 2 }, new KernelOptions { MaxLanes = lanes, IndexOffset = 3 },
                            $"nvfp4 runs +{extra} [{string.Join(",", shape)}] {mode} lanes {lanes}");
        }
    }

    /// <summary>1x16 amax-over-max without a tensor scale (so the register path takes tensors with NaN / ±Inf): NaN, ±Inf, zero
    /// blocks and blocks at the scale's largest value at every position in a run of 16 blocks, a partial run at the end.</summary>
    [Fact]
    public void Amax_over_max_1x16_runs_with_nan_and_inf_blocks_at_every_position_equal_the_reference()
    {
        string path = BlockSpecFile("e2m1", "\"e2m1\"", "amax-over-max", 16, "\"ue4m3\"");
        try
        {
            var format = (BlockFormat)FormatRegistry.Default.Get(path);
            Assert.True(BlockKernels.IsVectorized(format));
            Assert.False(format.HasTensorScale);
            float Rare(int kind, int i, Random rng) => kind switch
            {
                0 => i == 3 ? float.NaN : 1f,
                1 => i == 9 ? (i % 2 == 0 ? float.PositiveInfinity : float.NegativeInfinity) : -2f,
                2 => 0f,
                3 => i == 0 ? 1e30f : 1f, // the scale saturates to its largest value
                _ => (float)((rng.NextDouble() - 0.5) * 1e-9), // scale code 0
            };
            foreach (int extra in new[] { 0, 9 })
            {
                float[] x = RareBlockRuns(5, Rare, extra, 70 + extra);
                foreach (int lanes in Inputs.Widths)
                    foreach (RoundingMode mode in Inputs.Modes)
                        Check(format, x, [x.Length], new RoundingOptions(mode) { Seed = 6 }, new KernelOptions { MaxLanes = lanes, IndexOffset = 1 },
                            $"e2m1/ue4m3 runs +{extra} {mode} lanes {lanes}");
            }
        }
        finally { File.Delete(path); }
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

    /// <summary>Two's complement elements under amax-over-max: the reference clamps t to ±max, not to the element's min.</summary>
    [Fact]
    public void Integer_elements_under_amax_over_max_clamp_to_max()
    {
        string path = BlockSpecFile("int4", "\"int4\"", "amax-over-max", 16, "\"bfloat16\"");
        try
        {
            var format = (BlockFormat)FormatRegistry.Default.Get(path);
            Assert.True(BlockKernels.IsVectorized(format));
            foreach (int lanes in Inputs.Widths)
            {
                float[] x = Tensor(6 * 16, lanes + 3);
                foreach (RoundingMode mode in Inputs.Modes)
                    Check(format, x, [6, 16], new RoundingOptions(mode) { Seed = 3 }, new KernelOptions { MaxLanes = lanes }, $"int4/amax-over-max {mode} lanes {lanes}");
            }
        }
        finally { File.Delete(path); }
    }

    /// <summary>A table with values that are not float32 (the multiply-back would differ): the reference runs.</summary>
    [Fact]
    public void Table_elements_outside_float32_run_the_reference()
    {
        string element = """{"name": "tenths", "kind": "table", "valueType": "float64", "values": [-1, -0.3, -0.1, 0, 0.1, 0.3, 1]}""";
        string path = BlockSpecFile("tenths", element, "amax-over-max", 32, "\"bfloat16\"");
        try
        {
            var format = (BlockFormat)FormatRegistry.Default.Get(path);
            Assert.False(BlockKernels.IsVectorized(format));
            float[] x = Tensor(32 * 32, 9);
            Check(format, x, [32, 32], new RoundingOptions(RoundingMode.Stochastic) { Seed = 5 }, new KernelOptions { IndexOffset = 100 }, "tenths");
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string> AllPresets() => new(Vectorized);

    /// <summary>Block patterns of <paramref name="n"/> elements: zeros of both signs, NaN / ±Inf at either end, ±FLT_MAX,
    /// every element value and every midpoint (tie) between neighbouring element values at a scale the block's amax fixes,
    /// amax exactly a power of two and one ulp below it, values just beyond the element range, float32 subnormals alone,
    /// a huge amax with elements that flush to 0 when scaled down, and an amax in float32's subnormal range.</summary>
    private static List<float[]> EdgeBlocks(BlockFormat format, int n)
    {
        var element = format.Element;
        var values = new SortedSet<double>();
        int codes = Math.Min(1 << Math.Min(element.Bits, 16), 1 << 16);
        for (uint c = 0; c < codes; c++)
        {
            double v = element.Decode(c);
            if (double.IsFinite(v) && v >= 0) values.Add(v);
        }
        double[] grid = [.. values];
        double max = element.MaxFinite;
        var blocks = new List<float[]>();
        float[] Block(Func<int, float> f) => Enumerable.Range(0, n).Select(f).ToArray();
        blocks.Add(Block(_ => 0f));
        blocks.Add(Block(i => i % 2 == 0 ? -0f : 0f));
        blocks.Add(Block(i => i == 0 ? float.NaN : i * 0.25f));
        blocks.Add(Block(i => i == n - 1 ? float.PositiveInfinity : -i * 0.5f));
        blocks.Add(Block(i => i == n / 2 ? float.NegativeInfinity : i));
        blocks.Add(Block(i => i == 1 ? float.MaxValue : i == 2 ? -float.MaxValue : i * 1e30f));
        foreach (int e in new[] { -130, -20, -3, 0, 5, 40, 100 })
        {
            // Element values (the block max first so the scale is 2^e-ish), then ties between neighbours.
            blocks.Add(Block(i => (float)Math.ScaleB(i == 0 ? max : (i % 2 == 0 ? 1 : -1) * grid[i % grid.Length], e)));
            blocks.Add(Block(i => (float)Math.ScaleB(i == 0 ? max : (i % 2 == 0 ? -1 : 1) * (grid[i % (grid.Length - 1)] + grid[i % (grid.Length - 1) + 1]) / 2, e)));
        }
        foreach (int e in new[] { -10, 0, 7 })
        {
            float p2 = MathF.ScaleB(1f, e);
            blocks.Add(Block(i => i == 3 ? p2 : p2 * (i - n / 2) / n));
            blocks.Add(Block(i => i == 3 ? BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(p2) - 1) : p2 * (i - n / 2) / n));
            blocks.Add(Block(i => (float)(max * (1 + 1.0 / 64) * (i % 3 - 1)) * p2)); // just beyond the element range
        }
        blocks.Add(Block(i => (i % 2 == 0 ? 1 : -1) * BitConverter.UInt32BitsToSingle((uint)(1 + 977 * i))));
        blocks.Add(Block(i => i == 0 ? 3e38f : (i % 2 == 0 ? 1 : -1) * BitConverter.UInt32BitsToSingle((uint)(1 + 131 * i))));
        blocks.Add(Block(i => i == 0 ? 1e10f : (i % 2 == 0 ? 1e-37f : -3e-39f) * i));
        blocks.Add(Block(i => i == 0 ? 1e-39f : 1e-40f * (i % 5 - 2)));
        return blocks;
    }

    [Theory]
    [MemberData(nameof(PresetsAndWidths))]
    public void Edge_blocks_equal_the_reference_in_every_mode(string name, int lanes)
    {
        var format = Get(name);
        int n = format.BlockCols;
        List<float[]> blocks = EdgeBlocks(format, n);
        float[] x;
        int[] shape;
        if (format.BlockRows == 1)
        {
            x = blocks.SelectMany(b => b).ToArray();
            shape = [blocks.Count, n];
        }
        else
        {
            // Each tile of a (R * 2 + 3) x (C * count) matrix holds one pattern (row-major within the tile; edge tiles partial).
            int rows = format.BlockRows * 2 + 3, cols = n * blocks.Count;
            x = new float[rows * cols];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    float[] b = blocks[(c / n + r / format.BlockRows) % blocks.Count];
                    x[r * cols + c] = b[((r % format.BlockRows) * n + c % n) % b.Length];
                }
            shape = [rows, cols];
        }
        foreach (RoundingMode mode in Inputs.Modes)
            Check(format, x, shape, new RoundingOptions(mode) { Seed = 3 }, new KernelOptions { MaxLanes = lanes, IndexOffset = 5 },
                $"{name} edge blocks {mode} lanes {lanes}");
    }

    [Theory]
    [MemberData(nameof(AllPresets))]
    public void Threads_give_the_bits_of_one_thread_and_of_the_reference(string name)
    {
        var format = Get(name);
        int[] shape = format.BlockRows == 1 ? [5, 33000] : [330, 500]; // several 64K-element work units, partial edge blocks
        int count = shape[0] * shape[1];
        float[] x = Tensor(count, 21);
        foreach (var rounding in new[] { new RoundingOptions(RoundingMode.NearestEven), new RoundingOptions(RoundingMode.Stochastic) { Seed = 9 } })
        {
            var one = new KernelOptions { Threads = 1, IndexOffset = 17 };
            var two = new KernelOptions { Threads = 2, IndexOffset = 17 };
            float[] y1 = new float[count], y2 = new float[count];
            BlockKernels.Quantize(x, shape, y1, format, rounding, one);
            BlockKernels.Quantize(x, shape, y2, format, rounding, two);
            AssertSame(y1, y2, $"{name} {rounding.Mode} values, threads 1 vs 2");
            long blocks = format.ScaleCount(shape);
            uint[] c1 = new uint[count], c2 = new uint[count], s1 = new uint[blocks], s2 = new uint[blocks];
            BlockKernels.Encode(x, shape, c1, s1, format, rounding, one);
            BlockKernels.Encode(x, shape, c2, s2, format, rounding, two);
            AssertSame(c1, c2, $"{name} {rounding.Mode} element codes, threads 1 vs 2");
            AssertSame(s1, s2, $"{name} {rounding.Mode} scale codes, threads 1 vs 2");
            var expected = new float[count];
            format.Quantize(x, shape, expected, rounding, 17);
            AssertSame(expected, y2, $"{name} {rounding.Mode} threads 2 vs reference");
        }
    }

    public static TheoryData<string, int> TensorScaledAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "nvfp4", "nvfp4-2d" })
            foreach (int w in Inputs.Widths) data.Add(name, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(TensorScaledAndWidths))]
    public void Finite_tensors_with_a_tensor_scale_other_than_one_equal_the_reference(string name, int lanes)
    {
        var format = Get(name);
        var rng = new Random(31 + lanes);
        foreach (int[] shape in new[] { new[] { 40, 48 }, new[] { 33, 70 }, new[] { 3, 17, 16 } })
        {
            int count = shape.Aggregate(1, (a, b) => a * b);
            var x = new float[count];
            for (int i = 0; i < count; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-6, 9)));
            Assert.NotEqual(1f, format.TensorScaleFor(BlockFormat.Amax(x)).Encode);
            foreach (RoundingMode mode in Inputs.Modes)
                Check(format, x, shape, new RoundingOptions(mode) { Seed = 4 }, new KernelOptions { MaxLanes = lanes }, $"{name} finite {mode} lanes {lanes}");
        }
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
