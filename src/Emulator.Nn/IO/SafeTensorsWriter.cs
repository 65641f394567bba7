using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Emulator.Nn.IO;

/// <summary>
/// Writes a safetensors file tensor by tensor without holding the tensors in memory. The header (every tensor's name,
/// dtype and shape, and the metadata) is fixed when the writer is created and written first; the data then goes to a
/// temporary file beside the target, either in order (<see cref="Write"/>, <see cref="WriteFloat32"/>) or by position from
/// several threads (<see cref="WriteAt"/>). <see cref="Commit"/> checks that every byte was written and renames the
/// temporary onto the target, so a failure never leaves a partial file; disposing without committing deletes it.
/// </summary>
public sealed class SafeTensorsWriter : IDisposable
{
    private const int ConvertChunk = 1 << 16;
    private readonly SafeFileHandle _handle;
    private long _position, _written;
    private int _current;
    private bool _completed, _committed, _disposed;

    private SafeTensorsWriter(string path, string tempPath, SafeFileHandle handle, SafeTensorsHeader header, long dataStart)
    {
        Path = path;
        TempPath = tempPath;
        _handle = handle;
        Header = header;
        DataStart = dataStart;
    }

    /// <summary>The target path.</summary>
    public string Path { get; }

    /// <summary>The temporary file the data goes to until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>The header being written (tensors in the given order, contiguous).</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>File offset of the data section.</summary>
    public long DataStart { get; }

    /// <summary>Starts a file of <paramref name="tensors"/> (laid out in this order) with <paramref name="metadata"/>.</summary>
    public static SafeTensorsWriter Create(string path, IEnumerable<SafeTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensorsHeader header = SafeTensorsHeader.Create(tensors, metadata);
        byte[] json = header.Serialize();
        if (json.Length > SafeTensorsHeader.MaxHeaderBytes)
            throw new ArgumentException($"the header would be {json.Length} bytes; readers accept at most {SafeTensorsHeader.MaxHeaderBytes}", nameof(tensors));
        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full)!;
        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        long dataStart = 8 + json.Length;
        SafeFileHandle handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None,
            preallocationSize: dataStart + header.DataLength);
        try
        {
            var prefix = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)json.Length);
            RandomAccess.Write(handle, prefix, 0);
            RandomAccess.Write(handle, json, 8);
            return new SafeTensorsWriter(full, temp, handle, header, dataStart);
        }
        catch
        {
            handle.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Appends raw bytes to the data section: the tensors' bytes in header order, split any way.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        CheckOpen();
        if (bytes.Length > Header.DataLength - _position)
            throw new InvalidOperationException($"{bytes.Length} more bytes would run past the data section ({Header.DataLength - _position} bytes left)");
        RandomAccess.Write(_handle, bytes, DataStart + _position);
        _position += bytes.Length;
        Interlocked.Add(ref _written, bytes.Length);
    }

    /// <summary>Appends float32 values to the data section, rounded to each tensor's dtype (F32, F64, F16, BF16;
    /// <see cref="SafeTensorsConvert.FromFloat32"/>); values may run on into the next tensors.</summary>
    public void WriteFloat32(ReadOnlySpan<float> values)
    {
        CheckOpen();
        var scratch = new byte[ConvertChunk * 8];
        while (!values.IsEmpty)
        {
            SafeTensorInfo t = CurrentTensor(values.Length);
            if (!SafeTensorsConvert.CanWriteFromFloat32(t.DType))
                throw new InvalidOperationException($"tensor '{t.Name}' has dtype {t.DType.Name()}; float32 values cannot be written to it (use Write)");
            long inTensor = _position - t.Begin;
            int size = t.DType.BitSize() / 8;
            if (inTensor % size != 0)
                throw new InvalidOperationException($"the data position is inside an element of tensor '{t.Name}' (byte {inTensor}); write whole elements");
            int n = (int)Math.Min(Math.Min(values.Length, ConvertChunk), (t.End - _position) / size);
            SafeTensorsConvert.FromFloat32(t.DType, values[..n], scratch);
            Write(scratch.AsSpan(0, n * size));
            values = values[n..];
        }
    }

    /// <summary>Writes bytes of <paramref name="tensor"/> (a tensor of <see cref="Header"/>) at byte
    /// <paramref name="byteOffset"/> of its data. Thread-safe; each byte must be written once (by this method or in order).</summary>
    public void WriteAt(SafeTensorInfo tensor, long byteOffset, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen();
        if (!Header.TryGet(tensor.Name, out SafeTensorInfo mine) || mine.Begin != tensor.Begin || mine.End != tensor.End)
            throw new ArgumentException($"tensor '{tensor.Name}' is not a tensor of this writer's header", nameof(tensor));
        if (byteOffset < 0 || byteOffset > tensor.ByteLength - bytes.Length)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), byteOffset,
                $"bytes [{byteOffset}, {byteOffset + bytes.Length}) are outside tensor '{tensor.Name}' of {tensor.ByteLength} bytes");
        RandomAccess.Write(_handle, bytes, DataStart + tensor.Begin + byteOffset);
        Interlocked.Add(ref _written, bytes.Length);
    }

    /// <summary>Checks that every byte of the data section was written and closes the temporary file (not yet renamed).</summary>
    public void Complete()
    {
        if (_completed) return;
        CheckOpen();
        long written = Interlocked.Read(ref _written);
        if (written != Header.DataLength)
            throw new InvalidOperationException($"'{Path}': {written} of {Header.DataLength} data bytes were written; the file is incomplete");
        RandomAccess.SetLength(_handle, DataStart + Header.DataLength);
        _handle.Dispose();
        _completed = true;
    }

    /// <summary>Completes the file and renames it onto the target (replacing an existing file).</summary>
    public void Commit()
    {
        Complete();
        if (_committed) return;
        File.Move(TempPath, Path, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the file; the temporary is deleted unless committed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _handle.Dispose();
        if (!_committed) TryDelete(TempPath);
    }

    private SafeTensorInfo CurrentTensor(int wanted)
    {
        var tensors = Header.Tensors;
        while (_current < tensors.Count && _position >= tensors[_current].End) _current++;
        if (_current == tensors.Count)
            throw new InvalidOperationException($"{wanted} more values would run past the data section (every tensor is written)");
        return tensors[_current];
    }

    private void CheckOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException($"'{Path}' is complete; nothing more can be written");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
