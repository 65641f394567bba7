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
            IntegerGemm.Multiply(a, b, c, m, n, k, GemmOptions.WithThreads(threads));
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
        IntegerGemm.Multiply(a, b, c, m, n, k, GemmOptions.WithThreads(1 + (seed & 1)));
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

    private static byte[] PackNibbles(sbyte[] x)
    {
        var p = new byte[(x.Length + 1) / 2];
        for (int e = 0; e < x.Length; e++) p[e / 2] |= (byte)((x[e] & 0xF) << (e % 2 * 4));
        return p;
    }

    /// <summary>The documented dequantization: exact int64 correction, then (float)((sA * sB) * T) in double.</summary>
    private static float[] DequantizedReference(sbyte[] a, sbyte[] b, int m, int n, int k, QuantizationParameters aq, QuantizationParameters bq)
    {
        long[] t = Reference(a, b, m, n, k);
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            long rowSum = 0;
            for (int p = 0; p < k; p++) rowSum += a[i * k + p];
            long za = aq.ZeroPoints[aq.ZeroPoints.Length == 1 ? 0 : i];
            double sa = aq.Scales[aq.Scales.Length == 1 ? 0 : i];
            for (int j = 0; j < n; j++)
            {
                long colSum = 0;
                for (int p = 0; p < k; p++) colSum += b[p * n + j];
                long zb = bq.ZeroPoints[bq.ZeroPoints.Length == 1 ? 0 : j];
                float sb = bq.Scales[bq.Scales.Length == 1 ? 0 : j];
                long exact = t[i * n + j] - zb * rowSum - za * colSum + (long)k * za * zb;
                c[i * n + j] = (float)(sa * sb * exact);
            }
        }
        return c;
    }

    private static QuantizationParameters Channels(int count, int seed, bool perChannel)
    {
        var rng = new Random(seed);
        int len = perChannel ? count : 1;
        var scales = new float[len];
        var zeros = new int[len];
        for (int i = 0; i < len; i++)
        {
            scales[i] = (float)(Math.ScaleB(rng.NextDouble() + 0.5, rng.Next(-12, 4)) * (rng.Next(8) == 0 ? -1 : 1));
            zeros[i] = rng.Next(-130, 131);
        }
        return new QuantizationParameters(scales, zeros);
    }

    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(1, 37, 5, true, false)]
    [InlineData(17, 33, 65, true, true)]
    [InlineData(17, 33, 65, false, true)]
    [InlineData(6, 16, 8, false, false)]
    [InlineData(13, 50, 1030, true, true)]
    [InlineData(30, 40, 0, true, true)]
    [InlineData(100, 20, 7, true, false)]
    public void DequantizedMatchesTheDefinitionBitForBit(int m, int n, int k, bool perChannelA, bool perChannelB)
    {
        sbyte[] a = Int8(m * k, m + 7), b = Int8(k * n, n + 8);
        var aq = Channels(m, m + 1, perChannelA);
        var bq = Channels(n, n + 2, perChannelB);
        float[] expected = DequantizedReference(a, b, m, n, k, aq, bq);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = new float[m * n];
            IntegerGemm.MultiplyDequantized(a, b, c, m, n, k, aq, bq, GemmOptions.WithThreads(threads));
            for (int i = 0; i < c.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(c[i]),
                    $"threads {threads} element {i}: expected {expected[i]:R} got {c[i]:R}");
        }
    }

    [Fact]
    public void DequantizedWithHugeZeroPointsKeepsTheWrappingDefinition()
    {
        // Zero points far outside int8 make the int64 terms large (and T beyond 2^53): the rearranged epilogue must still agree.
        const int m = 7, n = 19, k = 300;
        sbyte[] a = Int8(m * k, 11), b = Int8(k * n, 12);
        var aq = new QuantizationParameters([1.5f, 0.25f, 3f, 1e-3f, 7f, 0.5f, 2f], [int.MaxValue, int.MinValue, 5, -9, 1 << 30, 0, -(1 << 29)]);
        var bq = new QuantizationParameters(Enumerable.Range(0, n).Select(j => 0.5f + j).ToArray(),
            Enumerable.Range(0, n).Select(j => j % 2 == 0 ? int.MaxValue - j : int.MinValue + j).ToArray());
        float[] expected = DequantizedReference(a, b, m, n, k, aq, bq);
        var c = new float[m * n];
        IntegerGemm.MultiplyDequantized(a, b, c, m, n, k, aq, bq, GemmOptions.WithThreads(2));
        for (int i = 0; i < c.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(c[i]));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 33, 3)]
    [InlineData(3, 5, 7)]
    [InlineData(17, 33, 65)]
    [InlineData(7, 21, 1029)]
    [InlineData(6, 32, 64)]
    [InlineData(9, 34, 70)]
    [InlineData(13, 48, 1030)]
    public void Int4OddElementCountsMatchTheInt8Path(int m, int n, int k)
    {
        sbyte[] a = Int8(m * k, m + 3, -8, 8), b = Int8(k * n, n + 4, -8, 8);
        a[0] = -8; b[0] = -8;
        byte[] pa = PackNibbles(a), pb = PackNibbles(b);
        Assert.Equal(a, IntegerGemm.UnpackInt4(pa, a.Length));
        long[] expected = Reference(a, b, m, n, k);
        var aq = Channels(m, 5, true);
        var bq = Channels(n, 6, false);
        float[] expectedF = DequantizedReference(a, b, m, n, k, aq, bq);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = new int[m * n];
            IntegerGemm.MultiplyInt4(pa, pb, c, m, n, k, GemmOptions.WithThreads(threads));
            for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i]);
            var f = new float[m * n];
            IntegerGemm.MultiplyInt4Dequantized(pa, pb, f, m, n, k, aq, bq, GemmOptions.WithThreads(threads));
            for (int i = 0; i < f.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(expectedF[i]), BitConverter.SingleToInt32Bits(f[i]));
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

    [Fact]
    public void NegativeDimensionIsReportedBeforeTheChannelCounts()
    {
        var perChannel = new QuantizationParameters([1f, 1f]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => IntegerGemm.MultiplyDequantized(new sbyte[4], new sbyte[4], new float[4], -1, 2, 2,
            perChannel, perChannel));
        Assert.Equal("m", e.ParamName);
        var e4 = Assert.Throws<ArgumentOutOfRangeException>(() => IntegerGemm.MultiplyInt4Dequantized(new byte[2], new byte[2], new float[4], -1, 2, 2,
            perChannel, perChannel));
        Assert.Equal("m", e4.ParamName);
    }
}
