using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Data;

/// <summary>Element types of the arrays read from IDX and .npy files.</summary>
public enum NdType
{
    /// <summary>Unsigned 8-bit integer (IDX 0x08, NumPy <c>u1</c>).</summary>
    UInt8,
    /// <summary>Signed 8-bit integer (IDX 0x09, NumPy <c>i1</c>).</summary>
    Int8,
    /// <summary>Signed 16-bit integer (IDX 0x0B, NumPy <c>i2</c>).</summary>
    Int16,
    /// <summary>Signed 32-bit integer (IDX 0x0C, NumPy <c>i4</c>).</summary>
    Int32,
    /// <summary>Signed 64-bit integer (NumPy <c>i8</c>; IDX has none).</summary>
    Int64,
    /// <summary>IEEE binary32 (IDX 0x0D, NumPy <c>f4</c>).</summary>
    Float32,
    /// <summary>IEEE binary64 (IDX 0x0E, NumPy <c>f8</c>).</summary>
    Float64,
}

/// <summary>
/// A dense row-major (C order) array as read from a file: an element type, a shape, and the values in a .NET array of
/// the matching type (<c>byte[]</c>, <c>sbyte[]</c>, <c>short[]</c>, <c>int[]</c>, <c>long[]</c>, <c>float[]</c>,
/// <c>double[]</c>).
/// </summary>
public sealed class NdArray
{
    /// <summary>An array of the given type and shape over existing values (not copied).</summary>
    public NdArray(NdType type, int[] shape, Array values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetType() != ClrType(type).MakeArrayType())
            throw new ArgumentException($"values is a {values.GetType().Name}; a {type} array needs {ClrType(type).Name}[]", nameof(values));
        int n = ShapeMath.Numel(shape);
        if (values.Length != n)
            throw new ArgumentException($"{values.Length} values do not fill shape {ShapeMath.Format(shape)} ({n} elements)", nameof(values));
        Type = type;
        Shape = (int[])shape.Clone();
        Values = values;
    }

    /// <summary>The element type.</summary>
    public NdType Type { get; }

    /// <summary>The shape (C order).</summary>
    public int[] Shape { get; }

    /// <summary>The values (a typed .NET array; see the class summary).</summary>
    public Array Values { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Values.Length;

    /// <summary>The values as floats (integers convert exactly up to 2^24; float64 rounds to nearest).</summary>
    public float[] ToSingle()
    {
        var r = new float[Length];
        switch (Values)
        {
            case float[] f: f.CopyTo(r, 0); break;
            case byte[] b: for (int i = 0; i < r.Length; i++) r[i] = b[i]; break;
            case sbyte[] b: for (int i = 0; i < r.Length; i++) r[i] = b[i]; break;
            case short[] s: for (int i = 0; i < r.Length; i++) r[i] = s[i]; break;
            case int[] v: for (int i = 0; i < r.Length; i++) r[i] = v[i]; break;
            case long[] v: for (int i = 0; i < r.Length; i++) r[i] = v[i]; break;
            case double[] d: for (int i = 0; i < r.Length; i++) r[i] = (float)d[i]; break;
        }
        return r;
    }

    /// <summary>The values as 32-bit integers (integer types only; values outside int32 throw).</summary>
    /// <exception cref="InvalidDataException">The array holds floats, or a value does not fit in int32.</exception>
    public int[] ToInt32()
    {
        var r = new int[Length];
        switch (Values)
        {
            case byte[] b: for (int i = 0; i < r.Length; i++) r[i] = b[i]; break;
            case sbyte[] b: for (int i = 0; i < r.Length; i++) r[i] = b[i]; break;
            case short[] s: for (int i = 0; i < r.Length; i++) r[i] = s[i]; break;
            case int[] v: v.CopyTo(r, 0); break;
            case long[] v:
                for (int i = 0; i < r.Length; i++)
                {
                    if (v[i] is < int.MinValue or > int.MaxValue)
                        throw new InvalidDataException($"element {i} = {v[i]} does not fit in a 32-bit integer");
                    r[i] = (int)v[i];
                }
                break;
            default: throw new InvalidDataException($"a {Type} array cannot be read as integers (labels must be an integer type)");
        }
        return r;
    }

    /// <summary>The size in bytes of one element of a type.</summary>
    public static int ElementSize(NdType type) => type switch
    {
        NdType.UInt8 or NdType.Int8 => 1,
        NdType.Int16 => 2,
        NdType.Int32 or NdType.Float32 => 4,
        _ => 8,
    };

    /// <summary>A zero-filled array of a type and shape.</summary>
    public static NdArray Zeros(NdType type, params int[] shape) =>
        new(type, shape, Array.CreateInstance(ClrType(type), ShapeMath.Numel(shape)));

    private static Type ClrType(NdType type) => type switch
    {
        NdType.UInt8 => typeof(byte),
        NdType.Int8 => typeof(sbyte),
        NdType.Int16 => typeof(short),
        NdType.Int32 => typeof(int),
        NdType.Int64 => typeof(long),
        NdType.Float32 => typeof(float),
        NdType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an NdType"),
    };

    /// <summary>The values as bytes in the platform's (little-endian) order.</summary>
    internal Span<byte> RawBytes() => Values switch
    {
        byte[] b => b,
        sbyte[] b => MemoryMarshal.AsBytes(b.AsSpan()),
        short[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        int[] v => MemoryMarshal.AsBytes(v.AsSpan()),
        long[] v => MemoryMarshal.AsBytes(v.AsSpan()),
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        _ => throw new InvalidOperationException("unreachable"),
    };

    /// <summary>Reverses the byte order of every element in place (big-endian files on a little-endian machine).</summary>
    internal static void SwapBytes(Span<byte> raw, int elementSize)
    {
        switch (elementSize)
        {
            case 2: { var v = MemoryMarshal.Cast<byte, ushort>(raw); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 4: { var v = MemoryMarshal.Cast<byte, uint>(raw); BinaryPrimitives.ReverseEndianness(v, v); break; }
            case 8: { var v = MemoryMarshal.Cast<byte, ulong>(raw); BinaryPrimitives.ReverseEndianness(v, v); break; }
        }
    }
}
