using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class BlockScaledGemmTests
{
    private static ScalarFormat F(string name) => FormatRegistry.Default.GetScalar(name);

    private static BlockScaledMatrix Random(string element, string scale, int blockSize, int rows, int k, int seed,
        bool extremes, float tensorScale = 1f)
    {
        var ef = F(element);
        var sf = (FloatFormat)F(scale);
        var rng = new Random(seed);
        var codes = new byte[rows * k];
        for (int i = 0; i < codes.Length; i++)
        {
            byte c;
            do c = (byte)rng.Next((int)ef.CodeCount); while (!double.IsFinite(ef.Decode(c)));
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
        BlockScaledGemm.Multiply(a, b, c1, 1);
        BlockScaledGemm.Multiply(a, b, c2, 2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float expected = BlockScaledReference.Element(a, b, i, j);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c1[i * n + j]),
                    $"({i},{j}): expected {expected:R} got {c1[i * n + j]:R}");
                Assert.Equal(BitConverter.SingleToInt32Bits(c1[i * n + j]), BitConverter.SingleToInt32Bits(c2[i * n + j]));
            }
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
