using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Emulator.Formats;
using Emulator.Kernels;

namespace Emulator.Nn.IO;

/// <summary>
/// Conversions between safetensors element bytes and float32, on the vectorized kernels. Reading widens every floating
/// dtype exactly (F64 rounds to nearest even); writing rounds float32 to F16 / BF16 to nearest even with overflow to
/// infinity and NaN kept NaN (as <c>tensor.to(torch.bfloat16)</c> does).
/// </summary>
public static class SafeTensorsConvert
{
    private static readonly RoundingOptions Narrowing = new(RoundingMode.NearestEven, OverflowPolicy.Infinity);

    /// <summary>Whether <see cref="ToFloat32"/> reads <paramref name="dtype"/> (every floating-point dtype).</summary>
    public static bool CanReadAsFloat32(SafeTensorsDType dtype) => dtype.IsFloatingPoint();

    /// <summary>Whether <see cref="FromFloat32"/> writes <paramref name="dtype"/> (F32, F64, F16, BF16).</summary>
    public static bool CanWriteFromFloat32(SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F32 or SafeTensorsDType.F64 or SafeTensorsDType.F16 or SafeTensorsDType.BF16;

    /// <summary>Widens the elements in <paramref name="source"/> (little-endian, <paramref name="dtype"/>) into
    /// <paramref name="destination"/>, whose length is the element count.</summary>
    public static void ToFloat32(SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (!CanReadAsFloat32(dtype))
            throw new ArgumentException($"dtype {dtype.Name()} is not a floating-point type; float32 reads take {string.Join(", ", FloatTypes())}", nameof(dtype));
        CheckBytes(dtype, source.Length, destination.Length, nameof(source));
        CheckLittleEndian();
        int n = destination.Length;
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(source[..(4 * n)]).CopyTo(destination);
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < n; i++) destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            case SafeTensorsDType.F16 or SafeTensorsDType.BF16:
                QuantizeKernels.Decode(MemoryMarshal.Cast<byte, ushort>(source[..(2 * n)]), destination, Format(dtype));
                break;
            case SafeTensorsDType.F4 or SafeTensorsDType.F6E2M3 or SafeTensorsDType.F6E3M2:
            {
                byte[] codes = new byte[n];
                PackKernels.Unpack(source, dtype.BitSize(), codes);
                QuantizeKernels.Decode(codes, destination, Format(dtype));
                break;
            }
            default:
                QuantizeKernels.Decode(source[..n], destination, Format(dtype));
                break;
        }
    }

    /// <summary>Rounds <paramref name="source"/> into <paramref name="dtype"/> elements in <paramref name="destination"/>
    /// (little-endian; its length must be at least the byte length of the elements).</summary>
    public static void FromFloat32(SafeTensorsDType dtype, ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (!CanWriteFromFloat32(dtype))
            throw new ArgumentException($"dtype {dtype.Name()} cannot be written from float32 (valid: F32, F64, F16, BF16)", nameof(dtype));
        CheckBytes(dtype, destination.Length, source.Length, nameof(destination));
        CheckLittleEndian();
        int n = source.Length;
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteDoubleLittleEndian(destination[(8 * i)..], source[i]);
                break;
            default:
                QuantizeKernels.Encode(source, MemoryMarshal.Cast<byte, ushort>(destination[..(2 * n)]), Format(dtype), Narrowing);
                break;
        }
    }

    /// <summary>The emulator format of a floating dtype other than F32 / F64 (its codes are the dtype's bit patterns).</summary>
    internal static ScalarFormat Format(SafeTensorsDType dtype) => FormatRegistry.Default.GetScalar(dtype switch
    {
        SafeTensorsDType.F16 => "binary16",
        SafeTensorsDType.BF16 => "bfloat16",
        SafeTensorsDType.F8E4M3 => "e4m3",
        SafeTensorsDType.F8E5M2 => "e5m2",
        SafeTensorsDType.F8E8M0 => "e8m0",
        SafeTensorsDType.F4 => "e2m1",
        SafeTensorsDType.F6E2M3 => "e2m3",
        SafeTensorsDType.F6E3M2 => "e3m2",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no emulator format for this dtype"),
    });

    private static IEnumerable<string> FloatTypes() =>
        Enum.GetValues<SafeTensorsDType>().Where(t => t.IsFloatingPoint()).Select(t => t.Name());

    private static void CheckBytes(SafeTensorsDType dtype, int bytes, int elements, string name)
    {
        long needed = dtype.ByteLength(elements);
        if (needed < 0)
            throw new ArgumentException($"{elements} elements of {dtype.Name()} do not fill whole bytes", name);
        if (bytes < needed)
            throw new ArgumentException($"{name} has {bytes} bytes; {elements} elements of {dtype.Name()} need {needed}", name);
    }

    private static void CheckLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is big-endian");
    }
}
