using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Emulator.Formats;

namespace Emulator.Kernels;

/// <summary>
/// Span conversions between float32 and the number types (<see cref="Float8E4M3"/>, <see cref="BFloat16"/>, ...) on the
/// vectorized kernels: the same bits as <see cref="NumberTypeConvert"/> (the scalar codec), at memory speed. A number type
/// is its code, so the kernels encode straight into the destination's storage.
/// </summary>
public static class NumberTypeKernels
{
    /// <summary>Rounds float32 values to <typeparamref name="T"/> as the type's casts do where <paramref name="options"/> name
    /// no mode or overflow policy (<see cref="NumberTypeConvert.ForType"/>: nearest-even, 'infinity'); element i uses Philox
    /// index <c>kernel.IndexOffset + i</c>. Returns how many NaN inputs the type cannot represent (they become +0, as
    /// <see cref="NumberTypeConvert"/> does).</summary>
    public static int Convert<T>(ReadOnlySpan<float> source, Span<T> destination, in RoundingOptions options = default, in KernelOptions kernel = default)
        where T : unmanaged, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length, nameof(destination));
        destination = destination[..source.Length];
        RoundingOptions o = NumberTypeConvert.ForType(options);
        return Unsafe.SizeOf<T>() switch
        {
            1 => QuantizeKernels.Encode(source, MemoryMarshal.Cast<T, byte>(destination), T.Format, o, kernel),
            2 => QuantizeKernels.Encode(source, MemoryMarshal.Cast<T, ushort>(destination), T.Format, o, kernel),
            4 => QuantizeKernels.Encode(source, MemoryMarshal.Cast<T, uint>(destination), T.Format, o, kernel),
            int size => throw new NotSupportedException($"{typeof(T).Name} has {size}-byte storage; 1, 2 or 4 bytes are supported"),
        };
    }

    /// <summary>Widens <typeparamref name="T"/> values to float32 (exact).</summary>
    public static void Convert<T>(ReadOnlySpan<T> source, Span<float> destination, in KernelOptions kernel = default)
        where T : unmanaged, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length, nameof(destination));
        destination = destination[..source.Length];
        switch (Unsafe.SizeOf<T>())
        {
            case 1: QuantizeKernels.Decode(MemoryMarshal.Cast<T, byte>(source), destination, T.Format, kernel); break;
            case 2: QuantizeKernels.Decode(MemoryMarshal.Cast<T, ushort>(source), destination, T.Format, kernel); break;
            case 4: QuantizeKernels.Decode(MemoryMarshal.Cast<T, uint>(source), destination, T.Format, kernel); break;
            default: throw new NotSupportedException($"{typeof(T).Name} has {Unsafe.SizeOf<T>()}-byte storage; 1, 2 or 4 bytes are supported");
        }
    }

    private static void CheckLength(int source, int destination, string name)
    {
        if (destination < source)
            throw new ArgumentException($"{name} has length {destination}; it must be at least the source length {source}", name);
    }
}
