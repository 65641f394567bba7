using System.Buffers.Binary;
using Emulator.Nn.Data;

namespace Emulator.Cli.IO;

/// <summary>A float32 tensor read from a raw little-endian file (shape [n]) or a NumPy .npy file (its shape).</summary>
public sealed record Tensor(float[] Data, int[] Shape, bool FromNpy)
{
    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;
}

/// <summary>Reads and writes raw little-endian float32 files and NumPy .npy float32 arrays (format versions 1-3).</summary>
public static class TensorFile
{
    /// <summary>Largest input accepted (elements), so a mistaken path cannot exhaust memory.</summary>
    public const long MaxElements = 1L << 30;

    /// <summary>Whether a path names a .npy file.</summary>
    public static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a tensor; failures throw <see cref="CliException"/> naming the file.</summary>
    public static Tensor Read(string path, string option)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new CliException($"{option} '{path}': file does not exist");
            if (info.Length > MaxElements * 4 + 4096) throw new CliException($"{option} '{path}': file is {info.Length} bytes; at most {MaxElements} float32 values are accepted");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} '{path}': cannot read: {e.Message}");
        }
        return IsNpy(path) ? ParseNpy(bytes, path, option) : ParseRaw(bytes, path, option);
    }

    private static Tensor ParseRaw(byte[] bytes, string path, string option)
    {
        if (bytes.Length % 4 != 0)
            throw new CliException($"{option} '{path}': length {bytes.Length} bytes is not a multiple of 4 (raw little-endian float32 expected)");
        var data = new float[bytes.Length / 4];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return new Tensor(data, [data.Length], false);
    }

    private static Tensor ParseNpy(byte[] bytes, string path, string option)
    {
        string where = $"{option} '{path}'";
        NdArray array;
        try { array = NpyFile.ReadAs(new MemoryStream(bytes, writable: false), where); }
        catch (InvalidDataException e) { throw new CliException(e.Message); }
        if (array.Values is not float[] data)
            throw new CliException($"{where}: dtype '{NpyFile.DTypeName(array.Type)}' is not supported; a float32 array ('<f4') is required");
        return new Tensor(data, array.Shape.Length == 0 ? [1] : array.Shape, true);
    }

    /// <summary>Float32 data as raw little-endian bytes, or as a .npy file of the given shape.</summary>
    public static byte[] Serialize(ReadOnlySpan<float> data, ReadOnlySpan<int> shape, bool npy)
    {
        using var ms = new MemoryStream();
        if (npy) WriteNpyHeader(ms, "<f4", shape);
        Span<byte> b = stackalloc byte[4];
        foreach (float v in data) { BinaryPrimitives.WriteSingleLittleEndian(b, v); ms.Write(b); }
        return ms.ToArray();
    }

    /// <summary>Writes a version-1 .npy header (padded to 64 bytes, as NumPy does).</summary>
    public static void WriteNpyHeader(Stream s, string descr, ReadOnlySpan<int> shape) => NpyFile.WriteHeader(s, descr, shape);
}
