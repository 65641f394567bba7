using System.Buffers.Binary;
using Emulator.Cli.IO;
using Emulator.Formats;

namespace Emulator.Cli.Tests;

public class QuantizeCommandTests
{
    private static readonly float[] Sample = [0.3f, 1.25f, 100f, -3.1f, float.NaN, 5.5f, -0f, 1e-9f, float.PositiveInfinity, 447.9f, 470f];

    [Theory]
    [InlineData("e4m3", "nearest-even", null)]
    [InlineData("e2m1", "toward-zero", null)]
    [InlineData("bfloat16", "nearest-away", "infinity")]
    [InlineData("binary16", "to-odd", "saturate")]
    [InlineData("int8", "nearest-even", null)]
    [InlineData("e8m0", "toward-positive", null)]
    public void RawFileMatchesTheLibrary(string formatName, string rounding, string? overflow)
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", Sample);
        var args = new List<string> { "quantize", "--format", formatName, "--rounding", rounding, "--in", input, "--out", h.PathOf("y.f32"), "--codes", h.PathOf("c.bin") };
        if (overflow is not null) args.AddRange(["--overflow", overflow]);
        var (code, _, err) = h.Run(args.ToArray());
        Assert.True(code == 0, err);
        var format = FormatRegistry.Default.GetScalar(formatName);
        var options = new RoundingOptions(RoundingNames.ParseMode(rounding), overflow is null ? null : RoundingNames.ParseOverflow(overflow));
        float[] y = CliHarness.ReadRaw(h.PathOf("y.f32"));
        byte[] codes = File.ReadAllBytes(h.PathOf("c.bin"));
        int width = format.Bits <= 8 ? 1 : format.Bits <= 16 ? 2 : 4;
        Assert.Equal(Sample.Length * width, codes.Length);
        for (int i = 0; i < Sample.Length; i++)
        {
            Assert.Equal(format.Quantize(Sample[i], options, i), y[i]);
            uint expected = format.Encode(Sample[i], options, i);
            uint got = width == 1 ? codes[i] : width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(codes.AsSpan(2 * i)) : BinaryPrimitives.ReadUInt32LittleEndian(codes.AsSpan(4 * i));
            Assert.Equal(expected, got);
        }
    }

    [Fact]
    public void NpyKeepsShapeAndStochasticRoundingIsKeyedByPosition()
    {
        using var h = new CliHarness();
        var data = Enumerable.Range(0, 24).Select(i => 1f + i / 1000f).ToArray();
        string input = h.PathOf("x.npy");
        using (var fs = File.Create(input))
        {
            TensorFile.WriteNpyHeader(fs, "<f4", [4, 6]);
            fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        }
        var (code, _, err) = h.Run("quantize", "--format", "e4m3", "--rounding", "stochastic", "--stochastic-bits", "8", "--seed", "99", "--stream", "3", "--in", input, "--out", h.PathOf("y.npy"));
        Assert.True(code == 0, err);
        Tensor y = TensorFile.Read(h.PathOf("y.npy"), "--out");
        Assert.Equal([4, 6], y.Shape);
        var format = FormatRegistry.Default.GetScalar("e4m3");
        var options = new RoundingOptions(RoundingMode.Stochastic) { StochasticBits = 8, Seed = 99, Stream = 3 };
        for (int i = 0; i < data.Length; i++) Assert.Equal(format.Quantize(data[i], options, i), y.Data[i]);
        // a different seed changes some bits
        var (code2, _, _) = h.Run("quantize", "--format", "e4m3", "--rounding", "stochastic", "--seed", "100", "--in", input, "--out", h.PathOf("z.npy"));
        Assert.Equal(0, code2);
        Assert.NotEqual(y.Data, TensorFile.Read(h.PathOf("z.npy"), "--out").Data);
    }

    [Fact]
    public void UserSpecFileWorksLikeAPreset()
    {
        using var h = new CliHarness();
        string spec = h.PathOf("my.json");
        File.WriteAllText(spec, """{ "name": "my-e3m1", "kind": "float", "exponentBits": 3, "mantissaBits": 1, "specials": "none", "overflow": "saturate" }""");
        string input = h.WriteRaw("x.f32", 0.1f, 1.7f, 1000f);
        var (code, _, err) = h.Run("quantize", "--format", spec, "--in", input, "--out", h.PathOf("y.f32"));
        Assert.True(code == 0, err);
        Assert.Equal([0.125f, 1.5f, 24f], CliHarness.ReadRaw(h.PathOf("y.f32")));
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--format", "e4m4"], "did you mean" },
        { ["--format", "e4m3", "--rounding", "sideways"], "rounding mode 'sideways' is unknown" },
        { ["--format", "e4m3", "--overflow", "wrap"], "overflow policy 'wrap' is unknown" },
        { ["--format", "e4m3", "--stochastic-bits", "33"], "--stochastic-bits 33" },
        { ["--format", "e4m3", "--seed", "-1"], "--seed" },
        { ["--format", "missing.json"], "does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadArgumentsFailWithOneLineAndNoOutput(string[] extra, string expected)
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", 1f, 2f);
        var (code, _, err) = h.Run(["quantize", .. extra, "--in", input, "--out", h.PathOf("y.f32")]);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Empty(h.OtherFiles("x.f32"));
    }

    [Fact]
    public void BadFilesFailCleanlyAndLeaveExistingOutputsUntouched()
    {
        using var h = new CliHarness();
        File.WriteAllBytes(h.PathOf("odd.f32"), [1, 2, 3, 4, 5]);
        File.WriteAllText(h.PathOf("y.f32"), "keep me");
        var (code, _, err) = h.Run("quantize", "--format", "e4m3", "--in", h.PathOf("odd.f32"), "--out", h.PathOf("y.f32"));
        Assert.Equal(2, code);
        Assert.Contains("not a multiple of 4", err);
        Assert.Equal("keep me", File.ReadAllText(h.PathOf("y.f32")));

        string npy = h.PathOf("d.npy");
        using (var fs = File.Create(npy)) { TensorFile.WriteNpyHeader(fs, "<f8", [2]); fs.Write(new byte[16]); }
        (code, _, err) = h.Run("quantize", "--format", "e4m3", "--in", npy, "--out", h.PathOf("z.npy"));
        Assert.Equal(2, code);
        Assert.Contains("'<f8' is not supported", err);

        File.WriteAllBytes(h.PathOf("junk.npy"), [1, 2, 3]);
        (code, _, err) = h.Run("quantize", "--format", "e4m3", "--in", h.PathOf("junk.npy"), "--out", h.PathOf("z.npy"));
        Assert.Equal(2, code);
        Assert.Contains("not a NumPy .npy file", err);

        (code, _, err) = h.Run("quantize", "--format", "e4m3", "--in", h.PathOf("nothing.f32"), "--out", h.PathOf("z.f32"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
        Assert.Empty(h.OtherFiles("odd.f32", "y.f32", "d.npy", "junk.npy"));
    }
}
