using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

/// <summary>
/// Every GEMM entry takes (transA, transB, m, n, k), operands with leading dimensions and C with its own: the strided and
/// transposed forms give the bits of the dense form (which the entries' own tests check against their references), and
/// C's padding is left alone.
/// </summary>
public class GemmCallingConventionTests
{
    private const int M = 13, N = 21, K = 37, Pad = 3;

    /// <summary>op(X) (rows x cols, dense) stored as trans ? cols x rows : rows x cols with leading dimension +Pad.</summary>
    private static (T[] Data, int Ld) Store<T>(T[] dense, int rows, int cols, bool trans, T fill)
    {
        int storedRows = trans ? cols : rows, ld = (trans ? rows : cols) + Pad;
        var x = new T[storedRows * ld];
        Array.Fill(x, fill);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) x[trans ? j * ld + i : i * ld + j] = dense[i * cols + j];
        return (x, ld);
    }

    private static void AssertStrided<T>(T[] dense, T[] strided, int ldc, T fill)
    {
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++) Assert.Equal(dense[i * N + j], strided[i * ldc + j]);
            for (int j = N; j < ldc; j++) Assert.Equal(fill, strided[i * ldc + j]);
        }
    }

    public static TheoryData<bool, bool> Layouts() => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    private static Transpose T(bool t) => t ? Transpose.Transposed : Transpose.None;

    [Theory]
    [MemberData(nameof(Layouts))]
    public void IntegerGemmLayouts(bool ta, bool tb)
    {
        var rng = new Random(3);
        sbyte[] a = Enumerable.Range(0, M * K).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        sbyte[] b = Enumerable.Range(0, K * N).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var dense = new int[M * N];
        IntegerGemm.Multiply(a, b, dense, M, N, K);
        var (sa, lda) = Store(a, M, K, ta, (sbyte)99);
        var (sb, ldb) = Store(b, K, N, tb, (sbyte)-99);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(-5, M * ldc).ToArray();
        IntegerGemm.Multiply(T(ta), T(tb), M, N, K, sa, lda, sb, ldb, c, ldc, GemmOptions.WithThreads(2));
        AssertStrided(dense, c, ldc, -5);
        // Dequantized, per channel: the row and column sums follow op(A) and op(B).
        var aq = new QuantizationParameters(Enumerable.Range(0, M).Select(i => 0.01f * (i + 1)).ToArray(), Enumerable.Range(0, M).Select(i => i % 5 - 2).ToArray());
        var bq = new QuantizationParameters(Enumerable.Range(0, N).Select(j => 0.02f * (j + 1)).ToArray(), Enumerable.Range(0, N).Select(j => 3 - j % 7).ToArray());
        var fd = new float[M * N];
        IntegerGemm.MultiplyDequantized(a, b, fd, M, N, K, aq, bq);
        var fc = Enumerable.Repeat(-5f, M * ldc).ToArray();
        IntegerGemm.MultiplyDequantized(T(ta), T(tb), M, N, K, sa, lda, sb, ldb, fc, ldc, aq, bq);
        AssertStrided(fd, fc, ldc, -5f);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Int4Layouts(bool ta, bool tb)
    {
        var rng = new Random(4);
        sbyte[] a = Enumerable.Range(0, M * K).Select(_ => (sbyte)rng.Next(-8, 8)).ToArray();
        sbyte[] b = Enumerable.Range(0, K * N).Select(_ => (sbyte)rng.Next(-8, 8)).ToArray();
        var dense = new int[M * N];
        IntegerGemm.Multiply(a, b, dense, M, N, K);
        static byte[] Pack(sbyte[] x)
        {
            var p = new byte[(x.Length + 1) / 2];
            for (int e = 0; e < x.Length; e++) p[e / 2] |= (byte)((x[e] & 0xF) << (e % 2 * 4));
            return p;
        }
        var (sa, lda) = Store(a, M, K, ta, (sbyte)7);
        var (sb, ldb) = Store(b, K, N, tb, (sbyte)-7);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(-5, M * ldc).ToArray();
        IntegerGemm.MultiplyInt4(T(ta), T(tb), M, N, K, Pack(sa), lda, Pack(sb), ldb, c, ldc);
        AssertStrided(dense, c, ldc, -5);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void CodeOperandLayouts(bool ta, bool tb)
    {
        var f = FormatRegistry.Default.GetScalar("e4m3");
        var rng = new Random(5);
        byte[] Codes(int count) => Enumerable.Range(0, count).Select(_ => (byte)(rng.Next(0, 0x7F) | rng.Next(2) << 7)).ToArray();
        byte[] a = Codes(M * K), b = Codes(K * N);
        var dense = new float[M * N];
        LowPrecisionGemm.Multiply(f, a, f, b, dense, M, N, K);
        var (sa, lda) = Store(a, M, K, ta, (byte)0x7F);
        var (sb, ldb) = Store(b, K, N, tb, (byte)0x7F);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(-5f, M * ldc).ToArray();
        LowPrecisionGemm.Multiply(T(ta), T(tb), M, N, K, f, sa, lda, f, sb, ldb, c, ldc, GemmOptions.WithThreads(2));
        AssertStrided(dense, c, ldc, -5f);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EmulatedAccumulatorLayouts(bool ta, bool tb)
    {
        float[] a = GemmTestData.Floats(M * K, 6), b = GemmTestData.Floats(K * N, 7);
        var adder = new LowPrecisionAdder((FloatFormat)FormatRegistry.Default.GetScalar("binary16"), default);
        var dense = new float[M * N];
        EmulatedAccumulatorGemm.Multiply(a, b, dense, M, N, K, adder, AccumulationOrder.Sequential);
        var (sa, lda) = Store(a, M, K, ta, float.NaN);
        var (sb, ldb) = Store(b, K, N, tb, float.NaN);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(-5f, M * ldc).ToArray();
        EmulatedAccumulatorGemm.Multiply(T(ta), T(tb), M, N, K, sa, lda, sb, ldb, c, ldc, adder, AccumulationOrder.Sequential);
        AssertStrided(dense, c, ldc, -5f);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void PositLayouts(bool ta, bool tb)
    {
        var f = (PositFormat)FormatRegistry.Default.Get("posit16");
        var rng = new Random(8);
        uint[] a = Enumerable.Range(0, M * K).Select(_ => f.Encode(rng.NextDouble() * 4 - 2)).ToArray();
        uint[] b = Enumerable.Range(0, K * N).Select(_ => f.Encode(rng.NextDouble() * 4 - 2)).ToArray();
        var dense = new uint[M * N];
        PositGemm.Multiply(f, a, b, dense, M, N, K);
        var (sa, lda) = Store(a, M, K, ta, 0x8000u);
        var (sb, ldb) = Store(b, K, N, tb, 0x8000u);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(7u, M * ldc).ToArray();
        PositGemm.Multiply(f, T(ta), T(tb), M, N, K, sa, lda, sb, ldb, c, ldc);
        AssertStrided(dense, c, ldc, 7u);
    }

    [Fact]
    public void BlockScaledGemmTakesStridedCAndCheckedFlags()
    {
        var e2m1 = FormatRegistry.Default.GetScalar("e2m1");
        var rng = new Random(9);
        byte[] Codes(int count) => Enumerable.Range(0, count).Select(_ => (byte)rng.Next(16)).ToArray();
        byte[] Scales(int count) => Enumerable.Range(0, count).Select(_ => (byte)rng.Next(120, 135)).ToArray();
        var a = BlockScaledMatrix.Mx(e2m1, M, K, Codes(M * K), Scales(M * 2));
        var b = BlockScaledMatrix.Mx(e2m1, N, K, Codes(N * K), Scales(N * 2));
        var dense = new float[M * N];
        BlockScaledGemm.Multiply(a, b, dense);
        int ldc = N + Pad;
        var c = Enumerable.Repeat(-5f, M * ldc).ToArray();
        BlockScaledGemm.Multiply(Transpose.None, Transpose.Transposed, M, N, K, a, b, c, ldc, GemmOptions.WithThreads(2));
        AssertStrided(dense, c, ldc, -5f);
        Assert.Equal("transB", Assert.Throws<ArgumentException>(() =>
            BlockScaledGemm.Multiply(Transpose.None, Transpose.None, M, N, K, a, b, c, ldc)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() =>
            BlockScaledGemm.Multiply(Transpose.None, Transpose.Transposed, M, N + 1, K, a, b, c, ldc)).ParamName);
    }

    [Fact]
    public void SgemmOptionsOverloadsAndBadLayoutsNameTheParameter()
    {
        float[] a = GemmTestData.Floats(M * K, 10), b = GemmTestData.Floats(K * N, 11);
        var c1 = new float[M * N];
        var c2 = new float[M * N];
        Sgemm.Multiply(a, b, c1, M, N, K, 1);
        Sgemm.Multiply(a, b, c2, M, N, K, GemmOptions.WithThreads(2));
        Assert.Equal(c1, c2);
        Assert.Equal("ldb", Assert.Throws<ArgumentOutOfRangeException>(() =>
            IntegerGemm.Multiply(Transpose.None, Transpose.Transposed, 2, 3, 4, new sbyte[8], 4, new sbyte[12], 3, new int[6], 3)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() =>
            IntegerGemm.MultiplyInt4(Transpose.None, Transpose.None, 2, 4, 4, new byte[4], 4, new byte[7], 4, new int[8], 4)).ParamName);
        Assert.Equal("transA", Assert.Throws<ArgumentOutOfRangeException>(() =>
            LowPrecisionGemm.Multiply((Transpose)7, Transpose.None, 1, 1, 1, FormatRegistry.Default.GetScalar("e4m3"), new byte[1], 1,
                FormatRegistry.Default.GetScalar("e4m3"), new byte[1], 1, new float[1], 1)).ParamName);
    }
}
