namespace Emulator.Formats.Tests.Lattice;

public class LatticeSpecTests
{
    [Theory]
    [InlineData("e8p", 8, 16)]
    [InlineData("e8", 8, 32)]
    [InlineData("d4", 4, 15)]
    [InlineData("leech", 24, 48)]
    public void PresetsLoadAsVectorCodecs(string name, int dimension, int bitsPerVector)
    {
        var codec = Assert.IsAssignableFrom<VectorCodec>(FormatRegistry.Default.Get(name));
        Assert.Equal("lattice", codec.Kind);
        Assert.Equal(dimension, codec.Dimension);
        Assert.Equal(bitsPerVector, codec.BitsPerVector);
    }

    [Fact]
    public void UserSpecsForShellsAndScales()
    {
        var leech = Assert.IsType<LeechCodec>(FormatSpecReader.Read("""{ "name": "my-leech", "kind": "lattice", "lattice": "leech", "shells": [4, 6], "gains": [0.5, 1, 2, 4], "scale": 0.3 }"""));
        Assert.Equal(196560UL + 16773120UL, leech.Points.Count());
        Assert.Equal(4 * (196560UL + 16773120UL), leech.IndexCount);
        Assert.Equal(0.3, leech.Scale);
        var e8 = Assert.IsType<RootLatticeCodec>(FormatSpecReader.Read("""{ "name": "e8-r1", "kind": "lattice", "lattice": "e8", "maxCoordinate": 1, "scale": 0.8 }"""));
        Assert.Equal(14, e8.BitsPerVector);
        var zn = Assert.IsType<RootLatticeCodec>(FormatSpecReader.Read("""{ "name": "z3", "kind": "lattice", "lattice": "zn", "dimension": 3, "maxCoordinate": 2 }"""));
        Assert.Equal(125UL, zn.IndexCount);
    }

    [Theory]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "leech", "shells": [2] }""", "$.shells")]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "leech", "shells": [4], "gains": [1, 1] }""", "$.gains")]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "e8" }""", "$.maxCoordinate")]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "e7", "maxCoordinate": 1 }""", "$.lattice")]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "e8p", "bits": 3 }""", "$.bits")]
    [InlineData("""{ "name": "x", "kind": "lattice", "lattice": "dn", "dimension": 1, "maxCoordinate": 1 }""", "$.dimension")]
    public void BadSpecsNameTheField(string json, string path)
    {
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read(json));
        Assert.Equal(path, e.JsonPath);
    }

    [Fact]
    public void PackedIndicesRoundTrip()
    {
        var rng = new System.Random(6);
        foreach (int bits in new[] { 1, 13, 16, 47, 48, 64 })
        {
            ulong[] indices = Enumerable.Range(0, 37).Select(_ => bits == 64 ? (ulong)rng.NextInt64() * 2 + 1 : (ulong)rng.NextInt64(1L << Math.Min(bits, 62)) & ((1UL << bits) - 1)).ToArray();
            var packed = new byte[IndexPacking.ByteCount(indices.Length, bits)];
            IndexPacking.Pack(indices, bits, packed);
            var back = new ulong[indices.Length];
            IndexPacking.Unpack(packed, bits, back);
            Assert.Equal(indices, back);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexPacking.Pack([4UL], 2, new byte[1]));
    }
}
