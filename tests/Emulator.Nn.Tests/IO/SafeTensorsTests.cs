using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Emulator.Nn.IO;

namespace Emulator.Nn.Tests.IO;

/// <summary>The safetensors container: round trips, the byte layout, conversions, atomic writes and every kind of bad file.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "emu-safetensors-tests-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Writes a file from header JSON text and a data section of <paramref name="dataLength"/> bytes (0, 1, 2, ...).</summary>
    private string WriteFile(string name, string headerJson, long dataLength, ulong? declaredLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + json.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        for (long i = 0; i < dataLength; i++) bytes[8 + json.Length + i] = (byte)i;
        string p = PathOf(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void RoundTripKeepsNamesDtypesShapesOffsetsMetadataAndBytes()
    {
        var rng = new Random(1);
        float[] w = Enumerable.Range(0, 12).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        long[] ids = [3, -1, long.MaxValue];
        byte[] mask = [1, 0, 1, 1];
        var specs = new[]
        {
            new SafeTensorSpec("layer.0.weight", SafeTensorsDType.F32, [3, 4]),
            new SafeTensorSpec("ids", SafeTensorsDType.I64, [3]),
            new SafeTensorSpec("mask", SafeTensorsDType.Bool, [2, 2]),
            new SafeTensorSpec("empty", SafeTensorsDType.F16, [0, 5]),
            new SafeTensorSpec("scalar", SafeTensorsDType.F64, []),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        string path = PathOf("model.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, specs, metadata))
        {
            writer.Write(MemoryMarshal.AsBytes(w.AsSpan()));
            writer.Write(MemoryMarshal.AsBytes(ids.AsSpan()));
            writer.Write(mask);
            writer.WriteFloat32([2.5f]); // the empty tensor takes none; the scalar F64 takes it
            Assert.False(File.Exists(path));
            writer.Commit();
        }
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(specs.Select(s => s.Name), file.Tensors.Select(t => t.Name));
        Assert.Equal(specs.Select(s => s.DType), file.Tensors.Select(t => t.DType));
        for (int i = 0; i < specs.Length; i++) Assert.Equal(specs[i].Shape, file.Tensors[i].Shape);
        Assert.Equal([(0L, 48L), (48L, 72L), (72L, 76L), (76L, 76L), (76L, 84L)], file.Tensors.Select(t => (t.Begin, t.End)));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(0, file.DataStart % 8);
        Assert.Equal(new FileInfo(path).Length, file.DataStart + file.Header.DataLength);
        Assert.Equal(w, file.ReadFloat32("layer.0.weight"));
        Assert.Equal(ids, MemoryMarshal.Cast<byte, long>(file.ReadBytes("ids")).ToArray());
        Assert.Equal(mask, file.ReadBytes("mask"));
        Assert.Equal([2.5f], file.ReadFloat32("scalar"));
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Equal(1, file["scalar"].ElementCount);

        // pieces: elements 5..8 of the weight, bytes 8..15 of ids
        var piece = new float[4];
        file.ReadFloat32(file["layer.0.weight"], 5, piece);
        Assert.Equal(w[5..9], piece);
        var idBytes = new byte[8];
        file.ReadBytes(file["ids"], 8, idBytes);
        Assert.Equal(-1L, BitConverter.ToInt64(idBytes));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadFloat32(file["layer.0.weight"], 10, piece));
        Assert.Throws<ArgumentException>(() => file.ReadFloat32(file["ids"], 0, new float[1]));
    }

    [Fact]
    public void LayoutIsTheFormatsByteLayout()
    {
        string path = PathOf("one.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, [new SafeTensorSpec("a.0", SafeTensorsDType.F32, [1, 2])]))
        {
            writer.WriteFloat32([1f, -2f]);
            writer.Commit();
        }
        byte[] bytes = File.ReadAllBytes(path);
        const string json = """{"a.0":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}""";
        int padded = (json.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(json + new string(' ', padded - json.Length), Encoding.UTF8.GetString(bytes, 8, padded));
        Assert.Equal([0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0], bytes[(8 + padded)..]);
    }

    [Fact]
    public void Float16AndBFloat16RoundToNearestEvenAndWidenExactly()
    {
        float[] x = [1f, 1.00390625f, 1.01171875f, 3.4e38f, float.NegativeInfinity, float.NaN, -0f, 1e-40f, 65520f, 6e-8f];
        string path = PathOf("half.safetensors");
        using (var writer = SafeTensorsWriter.Create(path, [new SafeTensorSpec("b", SafeTensorsDType.BF16, [x.Length]), new SafeTensorSpec("h", SafeTensorsDType.F16, [x.Length])]))
        {
            writer.WriteFloat32([.. x, .. x]); // runs on from the first tensor into the second
            writer.Commit();
        }
        using var file = SafeTensorsFile.Open(path);
        ushort[] b = MemoryMarshal.Cast<byte, ushort>(file.ReadBytes("b")).ToArray();
        // bf16: ties to even (1 + 2^-8 -> 1; 1 + 3 * 2^-8 -> 1 + 2^-6), overflow to inf, NaN stays NaN, -0, subnormal input
        Assert.Equal((ushort)0x3F80, b[0]);
        Assert.Equal((ushort)0x3F80, b[1]);
        Assert.Equal((ushort)0x3F82, b[2]);
        Assert.Equal((ushort)0x7F80, b[3]);
        Assert.Equal((ushort)0xFF80, b[4]);
        Assert.True((b[5] & 0x7F80) == 0x7F80 && (b[5] & 0x7F) != 0);
        Assert.Equal((ushort)0x8000, b[6]);
        ushort[] h = MemoryMarshal.Cast<byte, ushort>(file.ReadBytes("h")).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            Half expected = (Half)x[i]; // .NET's binary16 conversion rounds to nearest even with overflow to infinity
            if (Half.IsNaN(expected)) Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(h[i])));
            else Assert.Equal(BitConverter.HalfToUInt16Bits(expected), h[i]);
        }
        float[] wb = file.ReadFloat32("b"), wh = file.ReadFloat32("h");
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.UInt32BitsToSingle((uint)b[i] << 16), wb[i]);
            Assert.Equal((float)BitConverter.UInt16BitsToHalf(h[i]), wh[i]);
        }
    }

    [Fact]
    public void PositionalWritesFromThreadsGiveTheSameFile()
    {
        var specs = new[] { new SafeTensorSpec("x", SafeTensorsDType.U8, [1000]), new SafeTensorSpec("y", SafeTensorsDType.U8, [24]) };
        byte[] data = Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray();
        string sequential = PathOf("seq.safetensors"), positional = PathOf("pos.safetensors");
        using (var writer = SafeTensorsWriter.Create(sequential, specs))
        {
            writer.Write(data);
            writer.Commit();
        }
        using (var writer = SafeTensorsWriter.Create(positional, specs))
        {
            SafeTensorInfo x = writer.Header["x"], y = writer.Header["y"];
            Parallel.For(0, 10, k => writer.WriteAt(x, 100 * k, data.AsSpan(100 * k, 100)));
            writer.WriteAt(y, 0, data.AsSpan(1000));
            writer.Commit();
        }
        Assert.Equal(File.ReadAllBytes(sequential), File.ReadAllBytes(positional));
    }

    [Fact]
    public void IncompleteOrAbandonedWritesLeaveNoFile()
    {
        string path = PathOf("partial.safetensors");
        File.WriteAllText(path, "keep me");
        using (var writer = SafeTensorsWriter.Create(path, [new SafeTensorSpec("x", SafeTensorsDType.F32, [4])]))
        {
            writer.WriteFloat32([1f, 2f]);
            var e = Assert.Throws<InvalidOperationException>(writer.Commit);
            Assert.Contains("8 of 16 data bytes", e.Message);
            Assert.Throws<InvalidOperationException>(() => writer.WriteFloat32([1f, 2f, 3f]));
        }
        using (var writer = SafeTensorsWriter.Create(path, [new SafeTensorSpec("x", SafeTensorsDType.F32, [1])]))
            writer.WriteFloat32([1f]); // never committed
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(PathOf("dup.safetensors"),
            [new SafeTensorSpec("a", SafeTensorsDType.U8, [1]), new SafeTensorSpec("a", SafeTensorsDType.U8, [1])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Create(PathOf("odd.safetensors"), [new SafeTensorSpec("a", SafeTensorsDType.F4, [3])]));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ValidFilesFromOtherWritersAreRead()
    {
        // unsorted entries, header padding, F4 packed two per byte, a scalar, no metadata
        string p = WriteFile("other.safetensors",
            """{"b":{"dtype":"F4","shape":[4],"data_offsets":[4,6]}, "a":{"dtype":"BF16","shape":[],"data_offsets":[0,2]},"c":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}   """, 6);
        using var file = SafeTensorsFile.Open(p);
        Assert.Equal(["a", "c", "b"], file.Tensors.Select(t => t.Name));
        Assert.Empty(file.Metadata);
        Assert.True(SafeTensorsFile.IsSafeTensors(p, out string? error));
        Assert.Null(error);
        // bytes 4, 5 = 0x04, 0x05: e2m1 codes 4, 0, 5, 0 (low nibble first) = 2, 0, 3, 0
        Assert.Equal([2f, 0f, 3f, 0f], file.ReadFloat32("b"));
    }

    public static TheoryData<string, string, long, string[]> BadHeaders() => new()
    {
        { "not-json", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", 4, ["not valid JSON"] },
        { "not-object-start", """ {"a":1}""", 0, ["does not start with '{'"] },
        { "unknown-dtype", """{"w":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}}""", 4, ["tensor 'w'", "unknown dtype 'F17'", "F32"] },
        { "size-mismatch", """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20, ["tensor 'w'", "[0, 20]", "20 bytes", "[2, 3]", "needs 24"] },
        { "out-of-range", """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 12, ["tensor 'w'", "[0, 16]", "12 bytes"] },
        { "overlap", """{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}""", 8, ["tensor 'b' at [4, 8] overlaps tensor 'a' at [0, 8]"] },
        { "gap", """{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}}""", 10, ["tensor 'b' begins at 6", "'a' ends at 4"] },
        { "late-start", """{"a":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}""", 6, ["tensor 'a' begins at 2", "must begin at 0"] },
        { "trailing-bytes", """{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", 9, ["holds 9 bytes", "cover 4"] },
        { "reversed-offsets", """{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}""", 4, ["tensor 'a'", "[4, 0]", "end before"] },
        { "negative-dim", """{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}""", 0, ["tensor 'a'", "'shape' entry -1"] },
        { "fractional-dim", """{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}""", 0, ["tensor 'a'", "'shape' entry 1.5"] },
        { "three-offsets", """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}""", 1, ["tensor 'a'", "'data_offsets' has 3 entries"] },
        { "missing-dtype", """{"a":{"shape":[1],"data_offsets":[0,1]}}""", 1, ["tensor 'a'", "'dtype' is missing"] },
        { "entry-not-object", """{"a":[1,2]}""", 0, ["tensor 'a'", "not array"] },
        { "duplicate-name", """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2, ["names 'a' twice"] },
        { "metadata-not-string", """{"__metadata__":{"epoch":3}}""", 0, ["'__metadata__' entry 'epoch' must be a string"] },
        { "shape-overflow", """{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""", 0, ["tensor 'a'", "[4294967296, 4294967296]"] },
        { "sub-byte-odd", """{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}""", 2, ["tensor 'a'", "4-bit elements that do not fill whole bytes"] },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadHeadersAreClearErrors(string name, string json, long dataLength, string[] expected)
    {
        string p = WriteFile(name + ".safetensors", json, dataLength);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(p));
        Assert.Contains($"safetensors file '{p}'", e.Message);
        foreach (string s in expected) Assert.Contains(s, e.Message);
    }

    [Fact]
    public void BadLengthsAndEncodingsAreClearErrors()
    {
        string tiny = PathOf("tiny.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("3 bytes", Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(tiny)).Message);

        string longHeader = WriteFile("long.safetensors", """{"a":1}""", 0, declaredLength: 1000);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(longHeader));
        Assert.Contains("header length 1000 bytes runs past the end of the file (15 bytes", e.Message);

        string huge = WriteFile("huge.safetensors", """{"a":1}""", 0, declaredLength: 100_000_001);
        e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(huge));
        Assert.Contains("header length 100000001 bytes exceeds the limit of 100000000", e.Message);

        string p = PathOf("utf8.safetensors");
        byte[] json = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        File.WriteAllBytes(p, [.. BitConverter.GetBytes((ulong)json.Length), .. json]);
        Assert.Contains("not valid UTF-8", Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(p)).Message);
    }

    [Fact]
    public void IsSafeTensorsTellsRawDataFromInvalidHeaders()
    {
        string raw = PathOf("x.f32");
        File.WriteAllBytes(raw, MemoryMarshal.AsBytes(new float[] { 1f, 2f, 3f, 4f }.AsSpan()).ToArray());
        Assert.False(SafeTensorsFile.IsSafeTensors(raw, out string? error));
        Assert.Null(error);
        string bad = WriteFile("bad.bin", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4);
        Assert.False(SafeTensorsFile.IsSafeTensors(bad, out error));
        Assert.Contains("needs 8", error);
    }
}
