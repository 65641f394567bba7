using System.IO.Compression;
using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class IdxFileTests
{
    /// <summary>The bytes of an MNIST-style image file written by hand: magic 00 00 08 03, dims big-endian, pixels.</summary>
    private static byte[] HandMadeImages(int n, int h, int w, Func<int, byte> pixel)
    {
        var bytes = new List<byte> { 0, 0, 0x08, 3 };
        foreach (int d in new[] { n, h, w }) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        for (int i = 0; i < n * h * w; i++) bytes.Add(pixel(i));
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(plain);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsHandMadeFilesPlainAndGzipped(bool gzip)
    {
        using var dir = new TempDirectory("emu-nn-data-");
        byte[] plain = HandMadeImages(3, 2, 5, i => (byte)(i * 7 + 1));
        // the name does not decide: a gzip file without .gz and a plain file with .gz both read
        string path = dir.PathOf(gzip ? "images" : "images.gz");
        File.WriteAllBytes(path, gzip ? Gzip(plain) : plain);
        var a = IdxFile.Read(path);
        Assert.Equal(NdType.UInt8, a.Type);
        Assert.Equal([3, 2, 5], a.Shape);
        var values = (byte[])a.Values;
        for (int i = 0; i < values.Length; i++) Assert.Equal((byte)(i * 7 + 1), values[i]);
    }

    public static TheoryData<NdType> IdxTypes => new() { NdType.UInt8, NdType.Int8, NdType.Int16, NdType.Int32, NdType.Float32, NdType.Float64 };

    [Theory]
    [MemberData(nameof(IdxTypes))]
    public void EveryTypeRoundTripsThroughWriteAndRead(NdType type)
    {
        using var dir = new TempDirectory("emu-nn-data-");
        var a = NdArray.Zeros(type, 4, 3);
        Array values = a.Values;
        for (int i = 0; i < values.Length; i++)
            values.SetValue(Convert.ChangeType(type is NdType.UInt8 ? i * 9 : type is NdType.Float32 or NdType.Float64 ? i * -1.25 : i * -3 + 1, values.GetType().GetElementType()!), i);
        foreach (bool gz in new[] { false, true })
        {
            string path = dir.PathOf($"a{gz}");
            IdxFile.Write(path, a, gz);
            Assert.Equal(gz, File.ReadAllBytes(path)[0] == 0x1F);
            var b = IdxFile.Read(path);
            Assert.Equal(type, b.Type);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(values.Cast<object>(), b.Values.Cast<object>());
        }
    }

    [Fact]
    public void BigEndianOnDisk()
    {
        using var ms = new MemoryStream();
        IdxFile.Write(ms, new NdArray(NdType.Int32, [2], new[] { 0x01020304, -2 }), gzip: false);
        Assert.Equal(new byte[] { 0, 0, 0x0C, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFE }, ms.ToArray());
    }

    [Fact]
    public void MalformedFilesNameTheFileAndTheProblem()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        byte[] good = HandMadeImages(2, 2, 2, i => (byte)i);
        void Expect(byte[] bytes, string part)
        {
            string p = dir.PathOf("bad");
            File.WriteAllBytes(p, bytes);
            var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(p));
            Assert.Contains(p, e.Message);
            Assert.Contains(part, e.Message);
        }
        Expect(good[..^1], "truncated");
        Expect([.. good, 0], "continues after");
        Expect([1, 2, 8, 1, 0, 0, 0, 0], "not an IDX file");
        Expect([0, 0, 0x0A, 1, 0, 0, 0, 0], "unknown type code 0x0A");
        Expect(Gzip(good)[..20], "truncated");
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(dir.PathOf("missing")));
    }
}
