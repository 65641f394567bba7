using Emulator.Kernels.Gemm;
using FsCheck.Xunit;

namespace Emulator.Kernels.Tests.Gemm;

public class IntegerGemmTests
{
    private static sbyte[] Int8(int count, int seed, int lo = -128, int hi = 128)
    {
        var rng = new Random(seed);
        var x = new sbyte[count];
        for (int i = 0; i < count; i++) x[i] = (sbyte)rng.Next(lo, hi);
        return x;
    }

    private static long[] Reference(sbyte[] a, sbyte[] b, int m, int n, int k)
    {
        var c = new long[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                long s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        return c;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 40, 3)]
    [InlineData(17, 33, 65)]
    [InlineData(6, 16, 8)]
    [InlineData(13, 50, 1030)]
    [InlineData(100, 20, 7)]
    public void ExactAgainstInt64Reference(int m, int n, int k)
    {
        sbyte[] a = Int8(m * k, m + 1), b = Int8(k * n, n + 2);
        a[0] = -128; b[0] = -128; // the extreme product
        long[] expected = Reference(a, b, m, n, k);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = new int[m * n];
            IntegerGemm.Multiply(a, b, c, m, n, k, threads);
            for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i]);
        }
    }

    [Property(MaxTest = 40)]
    public bool ExactForAnyShapeAndThreadCount(byte m0, byte n0, byte k0, int seed)
    {
        int m = m0 % 23 + 1, n = n0 % 37 + 1, k = k0 % 70 + 1;
        sbyte[] a = Int8(m * k, seed), b = Int8(k * n, seed + 1);
        long[] expected = Reference(a, b, m, n, k);
        var c = new int[m * n];
        IntegerGemm.Multiply(a, b, c, m, n, k, threads: 1 + (seed & 1));
        for (int i = 0; i < c.Length; i++) if (c[i] != expected[i]) return false;
        return true;
    }

    [Fact]
    public void AllExtremesAtLargeKStayExact()
    {
        const int m = 7, n = 17, k = 4099;
        var a = new sbyte[m * k]; Array.Fill(a, (sbyte)-128);
        var b = new sbyte[k * n]; Array.Fill(b, (sbyte)-128);
        var c = new int[m * n];
        IntegerGemm.Multiply(a, b, c, m, n, k);
        Assert.All(c, v => Assert.Equal(16384L * k, v));
    }

    [Fact]
    public void Int4PackedMatchesWidenedInt8()
    {
        const int m = 9, n = 21, k = 35;
        sbyte[] a = Int8(m * k, 3, -8, 8), b = Int8(k * n, 4, -8, 8);
        byte[] Pack(sbyte[] x)
        {
            var p = new byte[(x.Length + 1) / 2];
            for (int e = 0; e < x.Length; e++) p[e / 2] |= (byte)((x[e] & 0xF) << (e % 2 * 4));
            return p;
        }
        var c = new int[m * n];
        IntegerGemm.MultiplyInt4(Pack(a), Pack(b), c, m, n, k);
        long[] expected = Reference(a, b, m, n, k);
        for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i]);
    }

    [Fact]
    public void DequantizedEpilogueUsesScalesAndZeroPoints()
    {
        const int m = 5, n = 12, k = 19;
        sbyte[] a = Int8(m * k, 5), b = Int8(k * n, 6);
        var aq = new QuantizationParameters([0.5f, 0.25f, 0.125f, 2f, 0.1f], [3, -2, 0, 1, 7]);
        var bq = QuantizationParameters.PerTensor(0.03f, -5);
        var c = new float[m * n];
        IntegerGemm.MultiplyDequantized(a, b, c, m, n, k, aq, bq);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                long s = 0;
                for (int p = 0; p < k; p++) s += (a[i * k + p] - (long)aq.ZeroPoints[i]) * (b[p * n + j] + 5L);
                Assert.Equal((float)((double)aq.Scales[i] * 0.03f * s), c[i * n + j]);
            }
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => IntegerGemm.Multiply(new sbyte[3], new sbyte[4], new int[4], 2, 2, 2));
        Assert.Equal("a", e.ParamName);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => IntegerGemm.Multiply(new sbyte[1], new sbyte[1], new int[1], 1, 1, 200000));
        Assert.Equal("k", e2.ParamName);
        var e3 = Assert.Throws<ArgumentException>(() => IntegerGemm.MultiplyDequantized(new sbyte[4], new sbyte[4], new float[4], 2, 2, 2,
            new QuantizationParameters([1f, 1f, 1f]), QuantizationParameters.PerTensor(1f)));
        Assert.Equal("aParameters", e3.ParamName);
    }
}
