using Emulator.Kernels.Gemm;
using FsCheck.Xunit;

namespace Emulator.Kernels.Tests.Gemm;

public class SgemmTests
{
    public static TheoryData<int, int, int, bool, bool, float, float, int> Cases() => new()
    {
        { 1, 1, 1, false, false, 1f, 0f, 0 },
        { 1, 37, 5, false, false, 1f, 0f, 0 },
        { 29, 1, 7, false, true, 1f, 0f, 0 },
        { 17, 33, 65, false, false, 1f, 0f, 0 },
        { 17, 33, 65, true, false, -0.75f, 0.5f, 3 },
        { 17, 33, 65, false, true, 2f, -1f, 1 },
        { 17, 33, 65, true, true, 1.5f, 0.25f, 5 },
        { 25, 70, 600, false, false, 1f, 1f, 2 },
        { 40, 9, 300, true, false, 0.5f, 0f, 0 },
        { 12, 32, 256, false, false, 1f, 0f, 0 },
        { 205, 70, 40, false, false, 1f, 0f, 1 },
        { 60, 2100, 3, false, true, 1f, 0.5f, 0 },
        // Training shapes in small: B panels read in place (m <= 32), A read in place (transposed), 4-row edge tiles,
        // transposing packers with partial 8 x 8 blocks, several K blocks.
        { 16, 200, 25, false, false, 1f, 0f, 0 },
        { 32, 97, 400, false, false, 1f, 0f, 1 },
        { 16, 25, 700, false, true, 1f, 0f, 0 },
        { 25, 150, 16, true, false, 1f, 0f, 0 },
        { 29, 64, 33, true, false, -1f, 2f, 2 },
        { 44, 40, 530, false, true, 0.5f, 1f, 0 },
        { 3, 70, 9, true, true, 1f, 0f, 4 },
    };

    /// <summary>The documented order: per KC block s = fma(a, b, s) from +0, then c = fma(alpha, s, c0 or c).</summary>
    private static float[] OrderReference(int m, int n, int k, bool ta, bool tb, float alpha, float[] a, int lda, float[] b, int ldb,
        float beta, float[] c, int ldc)
    {
        var r = (float[])c.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float acc = beta == 0f ? 0f : beta * c[i * ldc + j];
                if (k == 0 || alpha == 0f) { r[i * ldc + j] = acc; continue; }
                for (int p0 = 0; p0 < k; p0 += Sgemm.BlockDepth)
                {
                    float s = 0f;
                    for (int p = p0; p < Math.Min(k, p0 + Sgemm.BlockDepth); p++)
                        s = MathF.FusedMultiplyAdd(GemmTestData.At(a, lda, ta, i, p), GemmTestData.At(b, ldb, tb, p, j), s);
                    acc = MathF.FusedMultiplyAdd(alpha, s, acc);
                }
                r[i * ldc + j] = acc;
            }
        return r;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDocumentedOrderBitForBitAndDoubleReference(int m, int n, int k, bool ta, bool tb, float alpha, float beta, int pad)
    {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        float[] a = GemmTestData.Floats((ta ? k : m) * lda, 1), b = GemmTestData.Floats((tb ? n : k) * ldb, 2);
        float[] c0 = GemmTestData.Floats(m * ldc, 3);
        float[] expected = OrderReference(m, n, k, ta, tb, alpha, a, lda, b, ldb, beta, c0, ldc);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = (float[])c0.Clone();
            Sgemm.Multiply(ta ? Transpose.Transposed : Transpose.None, tb ? Transpose.Transposed : Transpose.None, m, n, k, alpha,
                a, lda, b, ldb, beta, c, ldc, threads);
            for (int i = 0; i < c.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(c[i]),
                    $"threads={threads} index {i}: expected {expected[i]:R} got {c[i]:R}");
        }
        // Independent check against a double-precision sum with a forward error bound.
        var cd = (float[])c0.Clone();
        Sgemm.Multiply(ta ? Transpose.Transposed : Transpose.None, tb ? Transpose.Transposed : Transpose.None, m, n, k, alpha,
            a, lda, b, ldb, beta, cd, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double t = (double)GemmTestData.At(a, lda, ta, i, p) * GemmTestData.At(b, ldb, tb, p, j);
                    sum += t; abs += Math.Abs(t);
                }
                double cOld = c0[i * ldc + j];
                double exact = alpha * sum + beta * cOld;
                double bound = (k + 3) * 6e-8 * (Math.Abs(alpha) * abs + Math.Abs(beta * cOld)) + 1e-30;
                Assert.True(Math.Abs(cd[i * ldc + j] - exact) <= bound, $"({i},{j}): {cd[i * ldc + j]} vs {exact}");
            }
        // Padding columns of C are untouched.
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++) Assert.Equal(c0[i * ldc + j], cd[i * ldc + j]);
    }

    [Property(MaxTest = 30)]
    public bool BitsDoNotDependOnThreadCount(byte m0, byte n0, short k0, int seed)
    {
        int m = m0 % 40 + 1, n = n0 % 70 + 1, k = Math.Abs(k0 % 600) + 1;
        float[] a = GemmTestData.Floats(m * k, seed), b = GemmTestData.Floats(k * n, seed + 1);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        Sgemm.Multiply(a, b, c1, m, n, k, 1);
        Sgemm.Multiply(a, b, c2, m, n, k, 2);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(c1).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(c2));
    }

    [Fact]
    public void BetaZeroIgnoresNaNInC()
    {
        float[] a = GemmTestData.Floats(6, 1), b = GemmTestData.Floats(6, 2);
        var c = new float[4]; Array.Fill(c, float.NaN);
        Sgemm.Multiply(a, b, c, 2, 2, 3);
        Assert.All(c, v => Assert.False(float.IsNaN(v)));
    }

    [Fact]
    public void LargeThreadedProductEqualsSingleThread()
    {
        const int m = 150, n = 130, k = 530;
        float[] a = GemmTestData.Floats(m * k, 4), b = GemmTestData.Floats(k * n, 5);
        float[] c1 = new float[m * n], c2 = new float[m * n], c3 = new float[m * n];
        Sgemm.Multiply(a, b, c1, m, n, k, 1);
        Sgemm.Multiply(a, b, c2, m, n, k, 2);
        Sgemm.Multiply(a, b, c3, m, n, k, 3);
        Assert.Equal(c1, c2);
        Assert.Equal(c1, c3);
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        var x = new float[16];
        var e = Assert.Throws<ArgumentException>(() => Sgemm.Multiply(x, new float[3], x, 4, 4, 4));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("16", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(x, x, x, 4, 4, 4, threads: 0));
        Assert.Equal("threads", e2.ParamName);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Sgemm.Multiply(Transpose.None, Transpose.None, 4, 4, 4, 1f, x, 3, x, 4, 0f, x, 4));
        Assert.Equal("lda", e3.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(x, x, x, -1, 4, 4));
    }
}
