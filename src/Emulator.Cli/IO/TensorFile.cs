using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Emulator.Cli.IO;

/// <summary>A float32 tensor read from a raw little-endian file (shape [n]) or a NumPy .npy file (its shape).</summary>
public sealed record Tensor(float[] Data, int[] Shape, bool FromNpy)
{
    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;
}

/// <summary>Reads and writes raw little-endian float32 files and NumPy .npy float32 arrays (format versions 1-3).</summary>
public static partial class TensorFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

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
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new CliException($"{where}: not a NumPy .npy file (missing \\x93NUMPY magic)");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new CliException($"{where}: truncated .npy header");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            if (len > 1 << 20) throw new CliException($"{where}: .npy header length {len} is unreasonably large");
            headerLength = (int)len; headerStart = 12;
        }
        else throw new CliException($"{where}: .npy format version {major} is not supported (1, 2 or 3)");
        if (headerStart + headerLength > bytes.Length) throw new CliException($"{where}: truncated .npy header");
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        Match descr = DescrRegex().Match(header), order = OrderRegex().Match(header), shapeMatch = ShapeRegex().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success)
            throw new CliException($"{where}: malformed .npy header: {header.Trim()}");
        string dtype = descr.Groups[1].Value;
        if (dtype is not ("<f4" or "|f4"))
            throw new CliException($"{where}: dtype '{dtype}' is not supported; a little-endian float32 array ('<f4') is required");
        if (order.Groups[1].Value == "True")
            throw new CliException($"{where}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        var shape = new List<int>();
        long count = 1;
        foreach (string part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long d) || d > MaxElements)
                throw new CliException($"{where}: shape entry '{part}' is not a valid dimension");
            shape.Add((int)d);
            count *= d;
            if (count > MaxElements) throw new CliException($"{where}: more than {MaxElements} elements");
        }
        int dataStart = headerStart + headerLength;
        long expected = count * 4;
        if (bytes.Length - dataStart != expected)
            throw new CliException($"{where}: data holds {bytes.Length - dataStart} bytes but shape ({string.Join(", ", shape)}) needs {expected}");
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 4 * i));
        return new Tensor(data, shape.Count == 0 ? [1] : shape.ToArray(), true);
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
    public static void WriteNpyHeader(Stream s, string descr, ReadOnlySpan<int> shape)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        s.Write(Magic);
        s.WriteByte(1); s.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        s.Write(len);
        s.Write(Encoding.Latin1.GetBytes(header));
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
