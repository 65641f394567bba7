using Emulator.Cli.IO;
using Emulator.Formats;

namespace Emulator.Cli.Tests;

/// <summary><c>emu quantize</c> with block formats: raw input is one flat array of consecutive blocks, .npy input is blocked
/// along its last axis (tiles over the last two); codes and scales match the library.</summary>
public class BlockQuantizeCommandTests
{
    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => (float)((rng.NextDouble() - 0.5) * Math.ScaleB(1.0, rng.Next(-6, 7)))).ToArray();
    }

    private static void WriteNpy(string path, float[] data, int[] shape)
    {
        using var fs = File.Create(path);
        TensorFile.WriteNpyHeader(fs, "<f4", shape);
        fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }

    [Theory]
    [InlineData("mxfp4", "nearest-even")]
    [InlineData("mxfp6-e3m2", "nearest-away")]
    [InlineData("mxint8", "toward-zero")]
    [InlineData("nvfp4", "nearest-even")]
    [InlineData("bfp8", "stochastic")]
    public void RawInputIsConsecutiveBlocks(string name, string rounding)
    {
        using var h = new CliHarness();
        float[] x = Values(70, 1); // the last block is partial
        x[5] = float.NaN;
        string input = h.WriteRaw("x.f32", x);
        var (code, output, err) = h.Run("quantize", "--format", name, "--rounding", rounding, "--seed", "7", "--in", input,
            "--out", h.PathOf("y.f32"), "--codes", h.PathOf("c.u8"), "--scales", h.PathOf("s.u8"));
        Assert.True(code == 0, err);
        Assert.Contains(name, output);

        var format = (BlockFormat)FormatRegistry.Default.Get(name);
        var options = new RoundingOptions(RoundingNames.ParseMode(rounding)) { Seed = 7 };
        var expectedCodes = new uint[70];
        var expectedScales = new uint[format.ScaleCount([70])];
        var expectedY = new float[70];
        format.Encode(x, [70], expectedCodes, expectedScales, options);
        format.Quantize(x, [70], expectedY, options);
        Assert.Equal(expectedY.Select(BitConverter.SingleToUInt32Bits), CliHarness.ReadRaw(h.PathOf("y.f32")).Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(expectedCodes.Select(c => (byte)c), File.ReadAllBytes(h.PathOf("c.u8")));
        Assert.Equal(expectedScales.Select(c => (byte)c), File.ReadAllBytes(h.PathOf("s.u8")));
        Assert.Equal((70 + format.BlockCols - 1) / format.BlockCols, File.ReadAllBytes(h.PathOf("s.u8")).Length);
    }

    [Theory]
    [InlineData("mxfp8-e4m3", 4, 40)]
    [InlineData("nvfp4-2d", 20, 24)]
    public void NpyInputIsBlockedAlongTheLastAxes(string name, int rows, int cols)
    {
        using var h = new CliHarness();
        float[] x = Values(rows * cols, 2);
        WriteNpy(h.PathOf("x.npy"), x, [rows, cols]);
        var (code, _, err) = h.Run("quantize", "--format", name, "--in", h.PathOf("x.npy"), "--out", h.PathOf("y.npy"),
            "--codes", h.PathOf("c.u8"), "--scales", h.PathOf("s.u8"));
        Assert.True(code == 0, err);
        var format = (BlockFormat)FormatRegistry.Default.Get(name);
        int[] shape = [rows, cols];
        var expectedCodes = new uint[x.Length];
        var expectedScales = new uint[format.ScaleCount(shape)];
        var expectedY = new float[x.Length];
        format.Encode(x, shape, expectedCodes, expectedScales);
        format.Quantize(x, shape, expectedY);
        Tensor y = TensorFile.Read(h.PathOf("y.npy"), "--out");
        Assert.Equal(shape, y.Shape);
        Assert.Equal(expectedY.Select(BitConverter.SingleToUInt32Bits), y.Data.Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(expectedCodes.Select(c => (byte)c), File.ReadAllBytes(h.PathOf("c.u8")));
        Assert.Equal(expectedScales.Select(c => (byte)c), File.ReadAllBytes(h.PathOf("s.u8")));
        // blocked along the last axis: the flat layout's scales would differ in count or value
        Assert.Equal(format.Layout(shape).BlockCount, File.ReadAllBytes(h.PathOf("s.u8")).Length);
    }

    [Theory]
    [InlineData("nvfp4-2d", new string[0], "need a .npy input of rank 2")]
    [InlineData("mxfp4", new[] { "--overflow", "infinity" }, "always saturates")]
    [InlineData("e4m3", new[] { "--scales", "s.u8" }, "is not a block format")]
    public void MisuseFailsWithOneLineAndNoOutput(string name, string[] extra, string expected)
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", Values(256, 3));
        string[] args = ["quantize", "--format", name, "--in", input, "--out", h.PathOf("y.f32"), .. extra.Select(a => a == "s.u8" ? h.PathOf(a) : a)];
        var (code, _, err) = h.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Empty(h.OtherFiles("x.f32"));
    }

    [Fact]
    public void StudyComparesBlockFormats()
    {
        using var h = new CliHarness();
        string dir = h.PathOf("report");
        var (code, _, err) = h.Run("study", "--formats", "mxfp4,mxfp8-e4m3,nvfp4-2d,e2m1", "--distributions", "student-t3", "--size", "4096", "--out", dir);
        Assert.True(code == 0, err);
        var rows = File.ReadAllText(Path.Combine(dir, "study.csv")).TrimEnd().Split('\n').Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => (Bits: double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), Sqnr: double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4.25, rows["mxfp4"].Bits);
        Assert.Equal(8.25, rows["mxfp8-e4m3"].Bits);
        // heavy tails: per-block scales beat one tensor scale at the same element width, and 8-bit elements beat 4-bit ones
        Assert.True(rows["mxfp4"].Sqnr > rows["e2m1@tensor"].Sqnr);
        Assert.True(rows["mxfp8-e4m3"].Sqnr > rows["mxfp4"].Sqnr);
        (code, _, err) = h.Run("study", "--formats", "mxfp4@tensor", "--distributions", "gaussian", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("carries its own scales", err);
    }

    [Theory]
    [InlineData("nf4", "nearest-away")]
    [InlineData("af4", "toward-negative")]
    [InlineData("hifloat8", "nearest-away")]
    [InlineData("hifloat8", "stochastic")]
    public void TableAndHiFloat8QuantizeLikeTheLibrary(string name, string rounding)
    {
        using var h = new CliHarness();
        float[] x = Values(300, 4).Select((v, i) => i % 7 == 0 ? v * 1e4f : v).ToArray();
        x[1] = float.NaN;
        x[2] = 40960f; // HiF8: the Inf threshold of the reference
        string input = h.WriteRaw("x.f32", x);
        var (code, _, err) = h.Run("quantize", "--format", name, "--rounding", rounding, "--seed", "5", "--in", input, "--out", h.PathOf("y.f32"), "--codes", h.PathOf("c.u8"));
        Assert.True(code == 0, err);
        ScalarFormat f = FormatRegistry.Default.GetScalar(name);
        var options = new RoundingOptions(RoundingNames.ParseMode(rounding)) { Seed = 5 };
        float[] y = CliHarness.ReadRaw(h.PathOf("y.f32"));
        byte[] codes = File.ReadAllBytes(h.PathOf("c.u8"));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(f.Quantize(x[i], options, i)), BitConverter.SingleToUInt32Bits(y[i]));
            Assert.Equal(f.Encode(x[i], options, i), codes[i]);
        }
    }
}
