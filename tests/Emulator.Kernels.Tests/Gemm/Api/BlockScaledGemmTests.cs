using Emulator.Formats;
using Emulator.Kernels.Gemm;
using FsCheck.Xunit;

namespace Emulator.Kernels.Tests.Gemm;

public class BlockScaledGemmTests
{
    private static ScalarFormat F(string name) => FormatRegistry.Default.GetScalar(name);

    private static BlockScaledMatrix Random(string element, string scale, int blockSize, int rows, int k, int seed,
        bool extremes, float tensorScale = 1f) =>
        Random(F(element), (FloatFormat)F(scale), blockSize, rows, k, seed, extremes, tensorScale);

    private static BlockScaledMatrix Random(ScalarFormat ef, FloatFormat sf, int blockSize, int rows, int k, int seed,
        bool extremes, float tensorScale = 1f, int nonFinitePer1000 = 0)
    {
        var rng = new Random(seed);
        var codes = new byte[rows * k];
        for (int i = 0; i < codes.Length; i++)
        {
            bool allowNonFinite = rng.Next(1000) < nonFinitePer1000;
            byte c;
            do c = (byte)rng.Next((int)ef.CodeCount); while (double.IsFinite(ef.Decode(c)) == allowNonFinite);
            codes[i] = c;
        }
        int blocks = (k + blockSize - 1) / blockSize;
        var scales = new byte[rows * blocks];
        for (int i = 0; i < scales.Length; i++)
        {
            // Scales around 1 (code of 1.0 +- a few binades), plus occasional extremes that take the exact double path.
            uint one = sf.Encode(1.0);
            int code = (int)one + rng.Next(-12, 13);
            if (extremes && rng.Next(10) == 0) code = rng.Next(2) == 0 ? 0 : (int)sf.MaxFiniteCode;
            scales[i] = (byte)Math.Clamp(code, 0, (int)sf.MaxFiniteCode);
        }
        return new BlockScaledMatrix(ef, sf, blockSize, rows, k, codes, scales, tensorScale);
    }

    public static TheoryData<string, string, int, int, int, int, bool> Cases() => new()
    {
        { "e2m1", "e8m0", 32, 17, 33, 65, true },
        { "e2m1", "e8m0", 32, 12, 32, 64, false },
        { "e2m1", "ue4m3", 16, 13, 35, 50, true },
        { "e2m3", "e8m0", 32, 7, 17, 96, true },
        { "int8", "e8m0", 32, 6, 16, 33, false },
        { "int8", "ue4m3", 16, 6, 16, 40, false },
        { "e4m3", "e8m0", 32, 5, 9, 70, true },
        { "e5m2", "e8m0", 32, 4, 6, 64, true },
        { "e3m2", "e8m0", 32, 3, 5, 40, false },
        { "e2m1", "e8m0", 32, 1, 1, 1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesExactDefinitionBitForBit(string element, string scale, int bs, int m, int n, int k, bool extremes)
    {
        var a = Random(element, scale, bs, m, k, 1, extremes, 0.75f);
        var b = Random(element, scale, bs, n, k, 2, extremes, 1.5f);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        BlockScaledGemm.Multiply(a, b, c1, GemmOptions.WithThreads(1));
        BlockScaledGemm.Multiply(a, b, c2, GemmOptions.WithThreads(2));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = BlockScaledReference.Element(a, b, i, j);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c1[i * n + j]),
                    $"({i},{j}): expected {expected:R} got {c1[i * n + j]:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(c1[i * n + j]), BitConverter.SingleToInt32Bits(c2[i * n + j]));
            }
    }

    private static void AssertMatchesDefinition(BlockScaledMatrix a, BlockScaledMatrix b)
    {
        int m = a.Rows, n = b.Rows;
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        BlockScaledGemm.Multiply(a, b, c1, GemmOptions.WithThreads(1));
        BlockScaledGemm.Multiply(a, b, c2, GemmOptions.WithThreads(2));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = BlockScaledReference.Element(a, b, i, j), got = c1[i * n + j];
                bool same = BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(got)
                    || (float.IsNaN(expected) && float.IsNaN(got));
                Assert.True(same, $"({i},{j}) of {a.ElementFormat.Name} x {b.ElementFormat.Name}: expected {expected:R} got {got:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(got), BitConverter.SingleToInt32Bits(c2[i * n + j]));
            }
    }

    public static TheoryData<string, int, int, int> PresetCases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string preset in new[] { "mxfp4", "mxfp6-e2m3", "mxfp6-e3m2", "mxfp8-e4m3", "mxfp8-e5m2", "mxint8", "nvfp4" })
            foreach (var (m, n, k) in new[] { (1, 1, 1), (1, 37, 45), (17, 33, 65), (7, 19, 600) })
                data.Add(preset, m, n, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetCases))]
    public void EveryBlockPresetMatchesTheDefinition(string preset, int m, int n, int k)
    {
        var f = (BlockFormat)FormatRegistry.Default.Get(preset);
        var sf = (FloatFormat)f.Scale;
        float ta = f.HasTensorScale ? 0.0123f : 1f, tb = f.HasTensorScale ? 3.5f : 1f;
        var a = Random(f.Element, sf, f.BlockCols, m, k, m * 31 + k, true, ta);
        var b = Random(f.Element, sf, f.BlockCols, n, k, n * 17 + k, true, tb);
        AssertMatchesDefinition(a, b);
    }

    [Theory]
    [InlineData("e5m2", "ue4m3", 16, 9, 21, 100)]
    [InlineData("e5m2", "e8m0", 1, 6, 16, 7)]
    [InlineData("e4m3", "ue4m3", 16, 13, 18, 77)]
    [InlineData("e3m2", "ue4m3", 32, 5, 40, 64)]
    [InlineData("e4m3", "e8m0", 1024, 3, 17, 1100)]
    [InlineData("e4m3", "ue4m3", 1024, 2, 17, 1500)]
    public void WideElementsWithOtherScalesMatchTheDefinition(string element, string scale, int bs, int m, int n, int k)
    {
        var a = Random(element, scale, bs, m, k, 5, true, 0.5f);
        var b = Random(element, scale, bs, n, k, 6, true, 3f);
        AssertMatchesDefinition(a, b);
    }

    [Property(MaxTest = 30)]
    public bool AnyElementScaleBlockAndShapeMatchesTheDefinition(byte formatPick, byte scalePick, byte blockPick, byte m0, byte n0, byte k0, int seed)
    {
        string[] elements = ["e2m1", "e2m3", "e3m2", "e4m3", "e5m2", "int8"];
        string element = elements[formatPick % elements.Length], scale = scalePick % 2 == 0 ? "e8m0" : "ue4m3";
        int[] sizes = [1, 7, 16, 32];
        int bs = sizes[blockPick % sizes.Length], m = m0 % 13 + 1, n = n0 % 35 + 1, k = k0 % 100 + 1;
        var a = Random(element, scale, bs, m, k, seed, true, 0.5f);
        var b = Random(element, scale, bs, n, k, seed + 1, true, 1.25f);
        var c = new float[m * n];
        BlockScaledGemm.Multiply(a, b, c, GemmOptions.WithThreads(1 + (seed & 1)));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                if (BitConverter.SingleToInt32Bits(BlockScaledReference.Element(a, b, i, j)) != BitConverter.SingleToInt32Bits(c[i * n + j]))
                    return false;
        return true;
    }

    [Theory]
    [InlineData("e4m3")]
    [InlineData("e5m2")]
    public void NonFiniteElementsFollowTheDefinition(string element)
    {
        var ef = F(element);
        var sf = (FloatFormat)F("e8m0");
        var a = Random(ef, sf, 32, 8, 100, 7, false, 1f, nonFinitePer1000: 3);
        var b = Random(ef, sf, 32, 20, 100, 8, false, 1f, nonFinitePer1000: 3);
        AssertMatchesDefinition(a, b);
    }

    [Theory]
    [InlineData("e2m1", "e8m0", 32)]
    [InlineData("e2m1", "ue4m3", 16)]
    [InlineData("e4m3", "e8m0", 32)]
    public void CloseToDoubleProductOfDequantizedMatrices(string element, string scale, int bs)
    {
        const int m = 9, n = 21, k = 70;
        var a = Random(element, scale, bs, m, k, 3, false);
        var b = Random(element, scale, bs, n, k, 4, false, 0.5f);
        var c = new float[m * n];
        BlockScaledGemm.Multiply(a, b, c);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) { double t = a.Value(i, p) * b.Value(j, p); s += t; abs += Math.Abs(t); }
                Assert.True(Math.Abs(c[i * n + j] - s) <= 8 * 6e-8 * abs + 1e-37, $"({i},{j}) {c[i * n + j]} vs {s}");
            }
    }

    [Theory]
    [InlineData("e8m0")]
    [InlineData("ue4m3")]
    public void E5m2BlockSumWiderThanDoubleRoundsOnce(string scale)
    {
        // S = 2^24 + 1 + 2^-30: a float32 tie broken only by the tiny product, which float64 cannot hold next to 2^24.
        var e5m2 = F("e5m2");
        var sf = (FloatFormat)F(scale);
        byte Code(double v) => (byte)e5m2.Encode(v);
        byte[] ac = [Code(4096), Code(1), Code(Math.ScaleB(1, -16)), .. Enumerable.Repeat(Code(0), 13)];
        byte[] bc = [Code(4096), Code(1), Code(Math.ScaleB(1, -14)), .. Enumerable.Repeat(Code(0), 13)];
        byte one = (byte)sf.Encode(1.0);
        var a = new BlockScaledMatrix(e5m2, sf, 16, 1, 16, ac, [one]);
        var b = new BlockScaledMatrix(e5m2, sf, 16, 1, 16, bc, [one]);
        var c = new float[1];
        BlockScaledGemm.Multiply(a, b, c);
        Assert.Equal(16777218f, c[0]);
        Assert.Equal(BlockScaledReference.Element(a, b, 0, 0), c[0]);
        // The same block in every lane of full register tiles (the vector kernels), next to ordinary blocks.
        const int m = 12, n = 32;
        var rng = new Random(3);
        byte[] Rows(byte[] tricky, int rows)
        {
            var codes = new byte[rows * 32];
            for (int r = 0; r < rows; r++)
                for (int p = 0; p < 32; p++) codes[r * 32 + p] = p < 16 ? tricky[p] : Code(rng.Next(-8, 9) * 0.25);
            return codes;
        }
        var a2 = new BlockScaledMatrix(e5m2, sf, 16, m, 32, Rows(ac, m), Enumerable.Repeat(one, m * 2).ToArray());
        var b2 = new BlockScaledMatrix(e5m2, sf, 16, n, 32, Rows(bc, n), Enumerable.Repeat(one, n * 2).ToArray());
        var c2 = new float[m * n];
        BlockScaledGemm.Multiply(a2, b2, c2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) Assert.Equal(BlockScaledReference.Element(a2, b2, i, j), c2[i * n + j]);
    }

    [Fact]
    public void PartialSumsAreExactWithinABlock()
    {
        // One MXFP4 block: 6*6*31 + 0.5*0.5 is exact only if the block sum is formed before any float32 rounding at 2^30 scale.
        var e2m1 = F("e2m1");
        byte six = (byte)e2m1.Encode(6.0), half = (byte)e2m1.Encode(0.5);
        var ac = Enumerable.Repeat(six, 31).Append(half).ToArray();
        var bc = Enumerable.Repeat(six, 31).Append(half).ToArray();
        var e8m0 = (FloatFormat)F("e8m0");
        byte big = (byte)e8m0.Encode(Math.ScaleB(1, 12));
        var a = BlockScaledMatrix.Mx(e2m1, 1, 32, ac, [big]);
        var b = BlockScaledMatrix.Mx(e2m1, 1, 32, bc, [big]);
        var c = new float[1];
        BlockScaledGemm.Multiply(a, b, c);
        Assert.Equal((float)((36.0 * 31 + 0.25) * Math.ScaleB(1, 24)), c[0]);
    }

    [Fact]
    public void NaNScalePropagatesAndMismatchesFail()
    {
        var e2m1 = F("e2m1");
        var a = BlockScaledMatrix.Mx(e2m1, 1, 32, new byte[32], [0xFF]);
        var b = BlockScaledMatrix.Mx(e2m1, 1, 32, new byte[32], [127]);
        var c = new float[1];
        BlockScaledGemm.Multiply(a, b, c);
        Assert.True(float.IsNaN(c[0]));
        var b16 = BlockScaledMatrix.Nvfp4(1, 32, new byte[32], [56, 56], 1f);
        var e = Assert.Throws<ArgumentException>(() => BlockScaledGemm.Multiply(a, b16, c));
        Assert.Equal("b", e.ParamName);
        Assert.Throws<ArgumentException>(() => BlockScaledMatrix.Mx(e2m1, 2, 32, new byte[64], [1]));
    }
}
