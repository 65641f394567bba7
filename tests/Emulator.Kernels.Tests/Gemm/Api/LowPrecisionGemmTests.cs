using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class LowPrecisionGemmTests
{
    private static uint[] FiniteCodes(ScalarFormat f, int count, int seed)
    {
        var rng = new Random(seed);
        var codes = new uint[count];
        for (int i = 0; i < count; i++)
        {
            uint code;
            do code = (uint)rng.NextInt64((long)f.CodeCount); while (!double.IsFinite(f.Decode(code)));
            codes[i] = code;
        }
        return codes;
    }

    [Theory]
    [InlineData("e4m3", "e4m3", 17, 33, 65)]
    [InlineData("e5m2", "e2m1", 13, 40, 300)]
    [InlineData("e3m2", "int8", 1, 1, 1)]
    [InlineData("e2m3", "e4m3fnuz", 30, 7, 9)]
    public void BitIdenticalToSgemmOnDecodedMatrices(string fa, string fb, int m, int n, int k)
    {
        var af = FormatRegistry.Default.GetScalar(fa);
        var bf = FormatRegistry.Default.GetScalar(fb);
        uint[] ac = FiniteCodes(af, m * k, 1), bc = FiniteCodes(bf, k * n, 2);
        float[] ad = ac.Select(x => (float)af.Decode(x)).ToArray(), bd = bc.Select(x => (float)bf.Decode(x)).ToArray();
        var expected = new float[m * n];
        Sgemm.Multiply(ad, bd, expected, m, n, k);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = new float[m * n];
            LowPrecisionGemm.Multiply(af, ac.Select(x => (byte)x).ToArray(), bf, bc.Select(x => (byte)x).ToArray(), c, m, n, k, GemmOptions.WithThreads(threads));
            Assert.Equal(expected, c);
        }
        // Against a double reference: the float32 sums are close.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++) { double t = (double)ad[i * k + p] * bd[p * n + j]; s += t; abs += Math.Abs(t); }
                Assert.True(Math.Abs(expected[i * n + j] - s) <= (k + 1) * 6e-8 * abs, $"({i},{j})");
            }
    }

    [Fact]
    public void SixteenBitCodes()
    {
        var h = FormatRegistry.Default.GetScalar("binary16");
        var bf = FormatRegistry.Default.GetScalar("bfloat16");
        const int m = 5, n = 35, k = 20;
        uint[] ac = FiniteCodes(h, m * k, 3), bc = FiniteCodes(bf, k * n, 4);
        var expected = new float[m * n];
        Sgemm.Multiply(ac.Select(x => (float)h.Decode(x)).ToArray(), bc.Select(x => (float)bf.Decode(x)).ToArray(), expected, m, n, k);
        var c = new float[m * n];
        LowPrecisionGemm.Multiply(h, ac.Select(x => (ushort)x).ToArray(), bf, bc.Select(x => (ushort)x).ToArray(), c, m, n, k);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void RejectsFormatsOutsideFloat32()
    {
        var wide = new FloatFormat(FormatInfo.Named("e11m4"), true, 11, 4);
        var e = Assert.Throws<ArgumentException>(() => LowPrecisionGemm.DecodeTable(wide, "aFormat"));
        Assert.Equal("aFormat", e.ParamName);
        var h = FormatRegistry.Default.GetScalar("binary16");
        Assert.Throws<ArgumentOutOfRangeException>(() => LowPrecisionGemm.Multiply(h, new byte[1], h, new byte[1], new float[1], 1, 1, 1));
    }
}
