using System.Text;
using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class NpyFileTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "npy", name);

    /// <summary>Files written by numpy 1.24 (tests/Emulator.Nn.Tests/Data/npy/make_fixtures.py): np.arange(6).reshape(2, 3) as each dtype.</summary>
    [Theory]
    [InlineData("u1.npy", NdType.UInt8)]
    [InlineData("i1.npy", NdType.Int8)]
    [InlineData("i2.npy", NdType.Int16)]
    [InlineData("i4.npy", NdType.Int32)]
    [InlineData("i8.npy", NdType.Int64)]
    [InlineData("f4.npy", NdType.Float32)]
    [InlineData("f8.npy", NdType.Float64)]
    [InlineData("f4-big-endian.npy", NdType.Float32)]
    [InlineData("i8-big-endian.npy", NdType.Int64)]
    public void ReadsNumpyFiles(string file, NdType type)
    {
        var a = NpyFile.Read(Fixture(file));
        Assert.Equal(type, a.Type);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([0f, 1, 2, 3, 4, 5], a.ToSingle());
        if (type is not (NdType.Float32 or NdType.Float64)) Assert.Equal([0, 1, 2, 3, 4, 5], a.ToInt32());
    }

    [Fact]
    public void ReadsNumpyScalarsVectorsAndVersion2()
    {
        var s = NpyFile.Read(Fixture("f4-scalar.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal([2.5f], s.ToSingle());
        var v = NpyFile.Read(Fixture("i8-vector.npy"));
        Assert.Equal([3], v.Shape);
        Assert.Equal([7, -1, 9], v.ToInt32());
        var v2 = NpyFile.Read(Fixture("f8-version2.npy"));
        Assert.Equal([2, 2], v2.Shape);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], v2.ToSingle());
    }

    [Theory]
    [InlineData("f2.npy", "dtype '<f2' is not supported")]
    [InlineData("c8.npy", "dtype '<c8' is not supported")]
    [InlineData("fortran.npy", "Fortran-ordered")]
    public void RejectsWhatItCannotRead(string file, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Fixture(file)));
        Assert.Contains(message, e.Message);
        Assert.Contains(file, e.Message);
    }

    public static TheoryData<NdType> Types => new() { NdType.UInt8, NdType.Int8, NdType.Int16, NdType.Int32, NdType.Int64, NdType.Float32, NdType.Float64 };

    [Theory]
    [MemberData(nameof(Types))]
    public void WriteReadRoundTrip(NdType type)
    {
        var a = NdArray.Zeros(type, 2, 1, 3);
        for (int i = 0; i < a.Length; i++) a.Values.SetValue(Convert.ChangeType(i * 5 % 7, a.Values.GetType().GetElementType()!), i);
        using var ms = new MemoryStream();
        NpyFile.Write(ms, a);
        Assert.Equal(0, (ms.Length - a.Length * NdArray.ElementSize(type)) % 64); // the header is padded to 64 bytes, as numpy does
        ms.Position = 0;
        var b = NpyFile.Read(ms, "memory");
        Assert.Equal(type, b.Type);
        Assert.Equal(a.Shape, b.Shape);
        Assert.Equal(a.Values.Cast<object>(), b.Values.Cast<object>());
    }

    [Fact]
    public void TruncatedAndForeignFilesAreClearErrors()
    {
        using var ms = new MemoryStream();
        NpyFile.Write(ms, new NdArray(NdType.Float32, [4], new float[] { 1, 2, 3, 4 }));
        var bytes = ms.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(bytes[..^2]), "t.npy"));
        Assert.Contains("truncated", e.Message);
        e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream([.. bytes, 0, 0, 0, 0]), "t.npy"));
        Assert.Contains("continues after", e.Message);
        e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Encoding.ASCII.GetBytes("PK\u0003\u0004 not numpy")), "t.npy"));
        Assert.Contains("missing \\x93NUMPY magic", e.Message);
    }

    [Fact]
    public void IntegerConversionChecksRangeAndType()
    {
        Assert.Throws<InvalidDataException>(() => new NdArray(NdType.Int64, [1], new[] { 1L << 40 }).ToInt32());
        var e = Assert.Throws<InvalidDataException>(() => new NdArray(NdType.Float32, [1], new[] { 1f }).ToInt32());
        Assert.Contains("integer", e.Message);
        Assert.Throws<ArgumentException>(() => new NdArray(NdType.Float32, [2], new[] { 1.0, 2.0 }));
        Assert.Throws<ArgumentException>(() => new NdArray(NdType.Float32, [3], new[] { 1f, 2f }));
    }
}
