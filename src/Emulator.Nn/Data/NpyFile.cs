using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Data;

/// <summary>
/// NumPy's <c>.npy</c> format (versions 1-3): the magic <c>\x93NUMPY</c>, a version, a header dictionary with
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then the raw values. Reads C-order arrays of uint8, int8,
/// int16, int32, int64, float32 and float64 (little- or big-endian); any other dtype or Fortran order is an error
/// naming it. Writes version-1 files as <c>numpy.save</c> does.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a supported .npy array; the message names the file and the problem.</exception>
    public static NdArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a .npy array from a stream; <paramref name="name"/> names it in errors.</summary>
    public static NdArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadAs(stream, $".npy file '{name}'");
    }

    /// <summary>Reads a .npy array; error messages start with <paramref name="where"/> (e.g. "--in 'x.npy'").</summary>
    internal static NdArray ReadAs(Stream stream, string where)
    {
        try { return ReadCore(stream, where); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{where}: truncated (the data ends before the shape in its header is filled)"); }
    }

    private static NdArray ReadCore(Stream s, string where)
    {
        Span<byte> pre = stackalloc byte[8];
        int got = s.ReadAtLeast(pre, pre.Length, throwOnEndOfStream: false);
        if (got < 6 || !pre[..6].SequenceEqual(Magic)) throw new InvalidDataException($"{where}: not a NumPy .npy file (missing \\x93NUMPY magic)");
        if (got < pre.Length) throw new EndOfStreamException();
        int major = pre[6];
        int headerLength;
        Span<byte> len = stackalloc byte[4];
        if (major == 1) { s.ReadExactly(len[..2]); headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len); }
        else if (major is 2 or 3)
        {
            s.ReadExactly(len);
            uint l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > 1 << 20) throw new InvalidDataException($"{where}: header length {l} is unreasonably large");
            headerLength = (int)l;
        }
        else throw new InvalidDataException($"{where}: format version {major} is not supported (1, 2 or 3)");
        var headerBytes = new byte[headerLength];
        s.ReadExactly(headerBytes);
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        Match descr = DescrRegex().Match(header), order = OrderRegex().Match(header), shapeMatch = ShapeRegex().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success)
            throw new InvalidDataException($"{where}: malformed header: {header.Trim()}");
        string dtype = descr.Groups[1].Value;
        (NdType type, bool bigEndian) = ParseDType(dtype, where);
        if (order.Groups[1].Value == "True")
            throw new InvalidDataException($"{where}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        var shape = new List<int>();
        long count = 1;
        foreach (string part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long d) || d > int.MaxValue)
                throw new InvalidDataException($"{where}: shape entry '{part}' is not a valid dimension");
            shape.Add((int)d);
            count *= d;
            if (count * NdArray.ElementSize(type) > IdxFile.MaxBytes)
                throw new InvalidDataException($"{where}: shape ({string.Join(", ", shape)}...) holds more than {IdxFile.MaxBytes} bytes");
        }
        var array = NdArray.Zeros(type, [.. shape]);
        var raw = array.RawBytes();
        s.ReadExactly(raw);
        if (bigEndian == BitConverter.IsLittleEndian) NdArray.SwapBytes(raw, NdArray.ElementSize(type));
        if (s.ReadByte() >= 0)
            throw new InvalidDataException($"{where}: data continues after the {count} values of shape {ShapeMath.Format(array.Shape)}");
        return array;
    }

    private static (NdType Type, bool BigEndian) ParseDType(string dtype, string where)
    {
        if (dtype.Length == 3 && dtype[0] is '<' or '>' or '|' or '=')
        {
            NdType? type = dtype[1..] switch
            {
                "u1" => NdType.UInt8,
                "i1" => NdType.Int8,
                "i2" => NdType.Int16,
                "i4" => NdType.Int32,
                "i8" => NdType.Int64,
                "f4" => NdType.Float32,
                "f8" => NdType.Float64,
                _ => null,
            };
            if (type is { } t) return (t, dtype[0] == '>' || (dtype[0] == '=' && !BitConverter.IsLittleEndian));
        }
        throw new InvalidDataException($"{where}: dtype '{dtype}' is not supported (supported: uint8, int8, int16, int32, int64, float32, float64)");
    }

    /// <summary>Writes an array as a version-1 .npy file (little-endian, C order); the file appears whole or not at all.</summary>
    public static void Write(string path, NdArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        string temp = path + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                Write(file, array);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes an array in .npy layout (version 1, little-endian, C order) to a stream.</summary>
    public static void Write(Stream stream, NdArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        WriteHeader(stream, DTypeName(array.Type), array.Shape);
        var raw = array.RawBytes();
        if (BitConverter.IsLittleEndian) stream.Write(raw);
        else
        {
            byte[] copy = raw.ToArray();
            NdArray.SwapBytes(copy, NdArray.ElementSize(array.Type));
            stream.Write(copy);
        }
    }

    /// <summary>Writes a version-1 header for a dtype string (e.g. <c>&lt;f4</c>) and shape, padded to 64 bytes as NumPy does.</summary>
    public static void WriteHeader(Stream stream, string descr, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1); stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
    }

    /// <summary>NumPy's dtype string of a type as this class writes it (<c>&lt;f4</c>, <c>|u1</c>, ...).</summary>
    internal static string DTypeName(NdType type) => type switch
    {
        NdType.UInt8 => "|u1",
        NdType.Int8 => "|i1",
        NdType.Int16 => "<i2",
        NdType.Int32 => "<i4",
        NdType.Int64 => "<i8",
        NdType.Float32 => "<f4",
        _ => "<f8",
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
