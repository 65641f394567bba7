using System.Buffers.Binary;
using System.IO.Compression;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code (0x08 ubyte, 0x09 byte,
/// 0x0B short, 0x0C int, 0x0D float, 0x0E double), the number of dimensions, each dimension as a big-endian int32,
/// then the values big-endian in C order. Files may be gzip-compressed (detected from the content, not the name).
/// </summary>
public static class IdxFile
{
    /// <summary>Largest array accepted (bytes of values), so a corrupt header cannot exhaust memory.</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>Reads an IDX file, gzip-compressed or plain.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a well-formed IDX file; the message names the file.</exception>
    public static NdArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an IDX array from a stream (gzip-compressed or plain); <paramref name="name"/> names it in errors.</summary>
    public static NdArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            if (!IsGzip(ref stream)) return ReadPlain(stream, name);
            using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return ReadPlain(gz, name);
        }
        catch (EndOfStreamException) { throw new InvalidDataException($"IDX file '{name}': truncated (the values end before the shape in its header is filled)"); }
        catch (InvalidDataException e) when (!e.Message.StartsWith("IDX file", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"IDX file '{name}': corrupt gzip data: {e.Message}", e);
        }
    }

    /// <summary>Writes an array as an IDX file (gzip-compressed when <paramref name="gzip"/>); the file appears whole or not at all.</summary>
    public static void Write(string path, NdArray array, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(array);
        string temp = path + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                Write(file, array, gzip);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes an array in IDX layout to a stream (gzip-compressed when <paramref name="gzip"/>).</summary>
    public static void Write(Stream stream, NdArray array, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        if (array.Type == NdType.Int64) throw new ArgumentException("IDX has no 64-bit integer type; write int64 data as .npy", nameof(array));
        if (array.Shape.Length is < 1 or > 255) throw new ArgumentException($"IDX needs 1..255 dimensions; the array has shape {ShapeMath.Format(array.Shape)}", nameof(array));
        using var output = gzip ? new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true) : null;
        Stream s = output ?? stream;
        Span<byte> header = stackalloc byte[4];
        header[0] = 0; header[1] = 0; header[2] = TypeCode(array.Type); header[3] = (byte)array.Shape.Length;
        s.Write(header);
        foreach (int d in array.Shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, d);
            s.Write(header);
        }
        int size = NdArray.ElementSize(array.Type);
        byte[] raw = array.RawBytes().ToArray();
        if (BitConverter.IsLittleEndian) NdArray.SwapBytes(raw, size);
        s.Write(raw);
    }

    /// <summary>Whether a stream's next bytes are the gzip magic 1F 8B (the position is restored; non-seekable streams are copied first).</summary>
    internal static bool IsGzip(ref Stream stream)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        int b0 = stream.ReadByte(), b1 = stream.ReadByte();
        stream.Position = start;
        return b0 == 0x1F && b1 == 0x8B;
    }

    private static NdArray ReadPlain(Stream s, string name)
    {
        Span<byte> head = stackalloc byte[4];
        s.ReadExactly(head);
        if (head[0] != 0 || head[1] != 0)
            throw new InvalidDataException($"IDX file '{name}': not an IDX file (the first two bytes are {head[0]:X2} {head[1]:X2}, expected 00 00)");
        NdType type = head[2] switch
        {
            0x08 => NdType.UInt8,
            0x09 => NdType.Int8,
            0x0B => NdType.Int16,
            0x0C => NdType.Int32,
            0x0D => NdType.Float32,
            0x0E => NdType.Float64,
            _ => throw new InvalidDataException($"IDX file '{name}': unknown type code 0x{head[2]:X2} (valid: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)"),
        };
        int rank = head[3];
        if (rank == 0) throw new InvalidDataException($"IDX file '{name}': zero dimensions");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            s.ReadExactly(head);
            int d = BinaryPrimitives.ReadInt32BigEndian(head);
            if (d < 0) throw new InvalidDataException($"IDX file '{name}': dimension {i} is {d} (negative)");
            shape[i] = d;
            count *= d;
            if (count * NdArray.ElementSize(type) > MaxBytes)
                throw new InvalidDataException($"IDX file '{name}': shape {ShapeMath.Format(shape.AsSpan(0, i + 1))}... holds more than {MaxBytes} bytes");
        }
        var array = NdArray.Zeros(type, shape);
        var raw = array.RawBytes();
        s.ReadExactly(raw);
        if (BitConverter.IsLittleEndian) NdArray.SwapBytes(raw, NdArray.ElementSize(type));
        if (s.ReadByte() >= 0)
            throw new InvalidDataException($"IDX file '{name}': data continues after the {count} values of shape {ShapeMath.Format(shape)}");
        return array;
    }

    private static byte TypeCode(NdType type) => type switch
    {
        NdType.UInt8 => 0x08,
        NdType.Int8 => 0x09,
        NdType.Int16 => 0x0B,
        NdType.Int32 => 0x0C,
        NdType.Float32 => 0x0D,
        NdType.Float64 => 0x0E,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "IDX has no such type"),
    };
}
