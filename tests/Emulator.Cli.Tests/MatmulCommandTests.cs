using Emulator.Cli.IO;
using Emulator.Formats;

namespace Emulator.Cli.Tests;

public class MatmulCommandTests
{
    private static string WriteNpy(CliHarness h, string name, float[] data, int rows, int cols)
    {
        string p = h.PathOf(name);
        using var fs = File.Create(p);
        TensorFile.WriteNpyHeader(fs, "<f4", [rows, cols]);
        fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return p;
    }

    [Fact]
    public void ProductMatchesADoubleReferenceAndQuantizedInputsMatchTheLibrary()
    {
        using var h = new CliHarness();
        var rng = new Random(3);
        int m = 5, k = 37, n = 3;
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        string pa = WriteNpy(h, "a.npy", a, m, k), pb = WriteNpy(h, "b.npy", b, k, n);
        var (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("c.npy"), "--threads", "2");
        Assert.True(code == 0, err);
        Tensor c = TensorFile.Read(h.PathOf("c.npy"), "--out");
        Assert.Equal([m, n], c.Shape);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0;
                for (int p = 0; p < k; p++) exact += (double)a[i * k + p] * b[p * n + j];
                Assert.True(Math.Abs(c.Data[i * n + j] - exact) < 1e-5, $"C[{i},{j}] = {c.Data[i * n + j]} vs {exact}");
            }

        // e2m1 inputs: products and sums of 37 terms are exact in float32, so C equals the exact product of the quantized inputs
        (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("q.npy"), "--a-format", "e2m1", "--b-format", "e2m1");
        Assert.True(code == 0, err);
        Tensor q = TensorFile.Read(h.PathOf("q.npy"), "--out");
        var e2m1 = FormatRegistry.Default.GetScalar("e2m1");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0;
                for (int p = 0; p < k; p++) exact += e2m1.Quantize((double)a[i * k + p]) * e2m1.Quantize((double)b[p * n + j]);
                Assert.Equal((float)exact, q.Data[i * n + j]);
            }
    }

    [Fact]
    public void MismatchedShapesAndBadOptionsFailCleanly()
    {
        using var h = new CliHarness();
        string pa = WriteNpy(h, "a.npy", new float[6], 2, 3), pb = WriteNpy(h, "b.npy", new float[8], 4, 2);
        var (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("c.npy"));
        Assert.Equal(2, code);
        Assert.Contains("K must agree", err);
        string pb3 = WriteNpy(h, "b3.npy", new float[6], 3, 2);
        (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb3, "--out", h.PathOf("c.npy"), "--accumulator", "int8");
        Assert.Equal(2, code);
        Assert.Contains("not a float format", err);
        (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb3, "--out", h.PathOf("c.npy"), "--order", "chunked:0");
        Assert.Equal(2, code);
        Assert.False(File.Exists(h.PathOf("c.npy")));
        (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb3, "--out", h.PathOf("c.npy"), "--accumulator", "binary16", "--order", "pairwise");
        Assert.True(code == 0, err);
    }
}

public class MatmulFastKernelTests
{
    internal static (string A, string B) Inputs(CliHarness h, float[] a, float[] b, int m, int k, int n)
    {
        string pa = h.PathOf("a.npy"), pb = h.PathOf("b.npy");
        foreach (var (path, data, r, c) in new[] { (pa, a, m, k), (pb, b, k, n) })
        {
            using var fs = File.Create(path);
            TensorFile.WriteNpyHeader(fs, "<f4", [r, c]);
            fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        }
        return (pa, pb);
    }

    private static float[] Floats(int count, int seed) =>
        Enumerable.Range(0, count).Select(i => (float)(new Random(seed + i).NextDouble() * 8 - 4)).ToArray();

    [Fact]
    public void MxInputsOnBothSidesGiveTheBlockScaledDefinitionBitForBit()
    {
        using var h = new CliHarness();
        int m = 6, k = 70, n = 9;
        float[] a = Floats(m * k, 1), b = Floats(k * n, 2);
        var (pa, pb) = Inputs(h, a, b, m, k, n);
        var (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("c.npy"), "--a-format", "mxfp4", "--b-format", "mxfp4", "--threads", "2");
        Assert.True(code == 0, err);
        float[] got = TensorFile.Read(h.PathOf("c.npy"), "--out").Data;
        // The reference: both inputs encoded along K by the format's scalar reference (B as B^T), then the definition.
        var mx = (BlockFormat)FormatRegistry.Default.Get("mxfp4");
        var bt = new float[n * k];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
        Emulator.Kernels.Gemm.BlockScaledMatrix Encode(float[] x, int rows, RoundingOptions rounding)
        {
            var codes = new uint[rows * k];
            var scales = new uint[mx.ScaleCount([rows, k])];
            mx.Encode(x, [rows, k], codes, scales, rounding);
            return Emulator.Kernels.Gemm.BlockScaledMatrix.Mx(mx.Element, rows, k, codes.Select(c => (byte)c).ToArray(), scales.Select(c => (byte)c).ToArray());
        }
        var rne = new RoundingOptions(RoundingMode.NearestEven);
        var ma = Encode(a, m, rne);
        var mb = Encode(bt, n, rne with { Stream = 1 });
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(BitConverter.SingleToInt32Bits(Emulator.Kernels.Gemm.BlockScaledReference.Element(ma, mb, i, j)), BitConverter.SingleToInt32Bits(got[i * n + j]));
    }

    [Fact]
    public void E4m3InputGivesSgemmOnTheQuantizedValues()
    {
        using var h = new CliHarness();
        int m = 11, k = 300, n = 40;
        float[] a = Floats(m * k, 3), b = Floats(k * n, 4);
        var (pa, pb) = Inputs(h, a, b, m, k, n);
        var (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("c.npy"), "--a-format", "e4m3");
        Assert.True(code == 0, err);
        float[] got = TensorFile.Read(h.PathOf("c.npy"), "--out").Data;
        var e4m3 = FormatRegistry.Default.GetScalar("e4m3");
        float[] aq = a.Select(x => (float)e4m3.Quantize((double)x)).ToArray();
        var expected = new float[m * n];
        Emulator.Kernels.Gemm.Sgemm.Multiply(aq, b, expected, m, n, k);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), got.Select(BitConverter.SingleToInt32Bits));
    }
}

public class MatmulQuireTests
{
    [Fact]
    public void QuireAccumulationEqualsPositGemmOnTheEncodedInputs()
    {
        using var h = new CliHarness();
        var rng = new Random(8);
        int m = 3, k = 20, n = 4;
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var (pa, pb) = MatmulFastKernelTests.Inputs(h, a, b, m, k, n);
        var (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("c.npy"), "--a-format", "posit16", "--b-format", "posit16", "--accumulator", "quire");
        Assert.True(code == 0, err);
        var posit = (Emulator.Formats.PositFormat)Emulator.Formats.FormatRegistry.Default.Get("posit16");
        uint[] ac = a.Select(x => posit.Encode(x)).ToArray(), bc = b.Select(x => posit.Encode(x)).ToArray();
        var cc = new uint[m * n];
        Emulator.Kernels.Gemm.PositGemm.Multiply(posit, ac, bc, cc, m, n, k);
        float[] got = Emulator.Cli.IO.TensorFile.Read(h.PathOf("c.npy"), "--out").Data;
        Assert.Equal(cc.Select(c => (float)posit.Decode(c)), got);
        (code, _, err) = h.Run("matmul", "--a", pa, "--b", pb, "--out", h.PathOf("d.npy"), "--a-format", "e4m3", "--b-format", "posit16", "--accumulator", "quire");
        Assert.Equal(2, code);
        Assert.Contains("posit<n,2>", err);
    }
}
