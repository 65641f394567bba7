using System.Buffers.Binary;
using Emulator.Formats;

namespace Emulator.Cli.Tests;

public class LatticeQuantizeTests
{
    [Theory]
    [InlineData("e8", null)]
    [InlineData("d4", "0.5")]
    [InlineData("e8p", "0.9")]
    [InlineData("leech", null)]
    public void GroupsAreCodedToTheNearestPointOfTheScaledLattice(string name, string? scale)
    {
        using var h = new CliHarness();
        var codec = (VectorCodec)FormatRegistry.Default.Get(name);
        int d = codec.Dimension;
        var rng = new Random(3);
        float[] x = Enumerable.Range(0, 2 * 24).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        string input = h.WriteRaw("x.f32", x);
        var args = new List<string> { "quantize", "--format", name, "--in", input, "--out", h.PathOf("y.f32"), "--codes", h.PathOf("i.u64") };
        if (scale is not null) args.AddRange(["--scale", scale]);
        var (code, output, err) = h.Run(args.ToArray());
        Assert.True(code == 0, err);
        Assert.Contains(codec.Name, output);
        double s = scale is null ? 1.0 : double.Parse(scale, System.Globalization.CultureInfo.InvariantCulture);
        float[] y = CliHarness.ReadRaw(h.PathOf("y.f32"));
        byte[] idx = File.ReadAllBytes(h.PathOf("i.u64"));
        Assert.Equal(x.Length, y.Length);
        Assert.Equal(x.Length / d * 8, idx.Length);
        var want = new float[d];
        for (int g = 0; g < x.Length / d; g++)
        {
            ulong expected = codec.Encode(x.AsSpan(g * d, d), s);
            Assert.Equal(expected, BinaryPrimitives.ReadUInt64LittleEndian(idx.AsSpan(8 * g)));
            codec.Decode(expected, want, s);
            Assert.Equal(want, y.AsSpan(g * d, d).ToArray());
        }
        if (name == "e8")
        {
            // Inside the box the e8 preset is the plain E8 lattice: compare with the unbounded decoder.
            var p = new double[8];
            LatticeDecoder.NearestE8(x.AsSpan(0, 8).ToArray().Select(v => (double)v).ToArray(), p);
            Assert.Equal(p.Select(v => (float)v), y.AsSpan(0, 8).ToArray());
        }
    }

    [Fact]
    public void BadInputsFailWithOneLineAndNoOutput()
    {
        using var h = new CliHarness();
        string input = h.WriteRaw("x.f32", 1f, 2f, 3f);
        var (code, _, err) = h.Run("quantize", "--format", "e8", "--in", input, "--out", h.PathOf("y.f32"));
        Assert.NotEqual(0, code);
        Assert.Contains("multiple of 8", err);
        Assert.Empty(h.OtherFiles("x.f32"));
        string input8 = h.WriteRaw("z.f32", new float[8]);
        var (code2, _, err2) = h.Run("quantize", "--format", "e8p", "--scale", "-1", "--in", input8, "--out", h.PathOf("y.f32"));
        Assert.NotEqual(0, code2);
        Assert.Contains("--scale", err2);
        var (code3, _, err3) = h.Run("quantize", "--format", "e4m3", "--scale", "2", "--in", input8, "--out", h.PathOf("y.f32"));
        Assert.NotEqual(0, code3);
        Assert.Contains("lattice formats only", err3);
        Assert.Empty(h.OtherFiles("x.f32", "z.f32"));
    }
}
