using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Emulator.Nn.IO;

/// <summary>
/// A safetensors file opened for reading: an 8-byte little-endian header length N, N bytes of JSON header
/// (<see cref="SafeTensorsHeader"/>, validated on open), then the data section. Tensors are read on demand, whole or in
/// pieces (positional reads: several threads may read at once), so a model never has to fit in memory.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private SafeTensorsFile(string path, SafeFileHandle handle, SafeTensorsHeader header, long dataStart)
    {
        Path = path;
        _handle = handle;
        Header = header;
        DataStart = dataStart;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>The tensors in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors => Header.Tensors;

    /// <summary>The <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Opens and validates a file; a file that is not valid safetensors throws <see cref="InvalidDataException"/>
    /// naming the file, the tensor and the values at fault.</summary>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            string source = $"safetensors file '{path}'";
            long length = RandomAccess.GetLength(handle);
            if (length < 8) throw new InvalidDataException($"{source}: {length} bytes; a safetensors file starts with an 8-byte header length");
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, prefix, 0);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (n > SafeTensorsHeader.MaxHeaderBytes)
                throw new InvalidDataException($"{source}: header length {n} bytes exceeds the limit of {SafeTensorsHeader.MaxHeaderBytes} bytes");
            if ((long)n > length - 8)
                throw new InvalidDataException($"{source}: header length {n} bytes runs past the end of the file ({length} bytes; at most {length - 8} available)");
            var json = new byte[n];
            ReadExactly(handle, json, 8);
            long dataStart = 8 + (long)n;
            var header = SafeTensorsHeader.Parse(json, length - dataStart, source);
            return new SafeTensorsFile(path, handle, header, dataStart);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="path"/> is a valid safetensors file (a cheap test of the first bytes, then the full
    /// header validation); <paramref name="error"/> says why not when it starts like one but is invalid.</summary>
    public static bool IsSafeTensors(string path, out string? error)
    {
        error = null;
        try
        {
            using (SafeFileHandle h = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                long length = RandomAccess.GetLength(h);
                if (length < 10) return false;
                Span<byte> prefix = stackalloc byte[9];
                ReadExactly(h, prefix, 0);
                ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
                if (n < 2 || n > (ulong)Math.Min(SafeTensorsHeader.MaxHeaderBytes, length - 8) || prefix[8] != (byte)'{') return false;
            }
            using (Open(path)) return true;
        }
        catch (InvalidDataException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public SafeTensorInfo this[string name] => Header[name];

    /// <summary>Reads <paramref name="destination"/>.Length bytes of <paramref name="tensor"/> starting at byte
    /// <paramref name="byteOffset"/> of the tensor (thread-safe).</summary>
    public void ReadBytes(SafeTensorInfo tensor, long byteOffset, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOwned(tensor);
        if (byteOffset < 0 || byteOffset > tensor.ByteLength - destination.Length)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), byteOffset,
                $"bytes [{byteOffset}, {byteOffset + destination.Length}) are outside tensor '{tensor.Name}' of {tensor.ByteLength} bytes");
        ReadExactly(_handle, destination, DataStart + tensor.Begin + byteOffset);
    }

    /// <summary>All bytes of the tensor named <paramref name="name"/>.</summary>
    public byte[] ReadBytes(string name)
    {
        SafeTensorInfo t = Header[name];
        if (t.ByteLength > Array.MaxLength) throw new InvalidOperationException($"tensor '{name}' has {t.ByteLength} bytes; read it in pieces");
        var bytes = new byte[t.ByteLength];
        ReadBytes(t, 0, bytes);
        return bytes;
    }

    /// <summary>Reads <paramref name="destination"/>.Length elements of a floating-point tensor from element
    /// <paramref name="elementOffset"/>, widened to float32 (see <see cref="SafeTensorsConvert.ToFloat32"/>); thread-safe.</summary>
    public void ReadFloat32(SafeTensorInfo tensor, long elementOffset, Span<float> destination, Span<byte> scratch = default)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!SafeTensorsConvert.CanReadAsFloat32(tensor.DType))
            throw new ArgumentException($"tensor '{tensor.Name}' has dtype {tensor.DType.Name()}, which is not a floating-point type", nameof(tensor));
        if (elementOffset < 0 || elementOffset > tensor.ElementCount - destination.Length)
            throw new ArgumentOutOfRangeException(nameof(elementOffset), elementOffset,
                $"elements [{elementOffset}, {elementOffset + destination.Length}) are outside tensor '{tensor.Name}' of {tensor.ElementCount} elements");
        long byteOffset = tensor.DType.ByteLength(elementOffset);
        long bytes = tensor.DType.ByteLength(destination.Length);
        if (byteOffset < 0 || bytes < 0)
            throw new ArgumentException($"elements [{elementOffset}, {elementOffset + destination.Length}) of {tensor.DType.Name()} do not start and end on whole bytes", nameof(elementOffset));
        if (tensor.DType == SafeTensorsDType.F32)
        {
            ReadBytes(tensor, byteOffset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
            return;
        }
        if (bytes > Array.MaxLength) throw new ArgumentException($"{destination.Length} elements of {tensor.DType.Name()} are too many for one read", nameof(destination));
        Span<byte> raw = scratch.Length >= bytes ? scratch[..(int)bytes] : new byte[bytes];
        ReadBytes(tensor, byteOffset, raw);
        SafeTensorsConvert.ToFloat32(tensor.DType, raw, destination);
    }

    /// <summary>A whole floating-point tensor widened to float32.</summary>
    public float[] ReadFloat32(string name)
    {
        SafeTensorInfo t = Header[name];
        if (t.ElementCount > Array.MaxLength) throw new InvalidOperationException($"tensor '{name}' has {t.ElementCount} elements; read it in pieces");
        var values = new float[t.ElementCount];
        ReadFloat32(t, 0, values);
        return values;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private void CheckOwned(SafeTensorInfo tensor)
    {
        if (!Header.TryGet(tensor.Name, out SafeTensorInfo mine) || !ReferenceEquals(mine, tensor))
            throw new ArgumentException($"tensor '{tensor.Name}' does not belong to '{Path}'", nameof(tensor));
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(handle, destination, offset);
            if (n <= 0) throw new EndOfStreamException($"unexpected end of file at byte {offset}");
            destination = destination[n..];
            offset += n;
        }
    }
}
