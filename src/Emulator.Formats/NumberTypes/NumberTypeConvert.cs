namespace Emulator.Formats;

/// <summary>
/// Span conversions between float/double and the number types, and the one rule of how the number types round
/// (<see cref="TypeRounding"/>, <see cref="ForType"/>).
/// </summary>
public static class NumberTypeConvert
{
    /// <summary>
    /// How the number types convert and round arithmetic results unless told otherwise: nearest-even under the
    /// <see cref="OverflowPolicy.Infinity"/> policy, as <see cref="Half"/> and ml_dtypes do (±Inf stays ±Inf, overflow gives
    /// ±Inf where the type has infinities, else NaN, else the largest finite value), whatever the preset's default overflow
    /// policy for arrays (e5m2 and e4m3 saturate there, as MX quantization does).
    /// </summary>
    public static RoundingOptions TypeRounding { get; } = ForType(default);

    /// <summary>The options a conversion to a number type rounds with: the caller's, with nearest-even and the
    /// <see cref="OverflowPolicy.Infinity"/> policy where the caller names no mode or policy (<see cref="TypeRounding"/>).</summary>
    public static RoundingOptions ForType(in RoundingOptions options) =>
        options with { Mode = options.ModeOr(RoundingMode.NearestEven), Overflow = options.OverflowOr(OverflowPolicy.Infinity) };

    /// <summary>Rounds each float to <typeparamref name="T"/> (as the casts where <paramref name="options"/> name no mode or
    /// policy, <see cref="ForType"/>); element i uses random index <paramref name="indexOffset"/> + i.</summary>
    public static void Convert<T>(ReadOnlySpan<float> source, Span<T> destination, in RoundingOptions options = default, long indexOffset = 0)
        where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        Encode(source, destination, ForType(options), indexOffset);
    }

    /// <summary>Rounds each double to <typeparamref name="T"/> (see the float overload).</summary>
    public static void Convert<T>(ReadOnlySpan<double> source, Span<T> destination, in RoundingOptions options = default, long indexOffset = 0)
        where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        FloatFormat f = T.Format;
        RoundingOptions o = ForType(options);
        for (int i = 0; i < source.Length; i++)
            destination[i] = T.FromCode(f.Encode(source[i], o, indexOffset + i));
    }

    /// <summary>The float value of each element (exact: every value of these types is a float32 value).</summary>
    public static void Convert<T>(ReadOnlySpan<T> source, Span<float> destination) where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        Decode(source, destination);
    }

    /// <summary>The double value of each element (exact).</summary>
    public static void Convert<T>(ReadOnlySpan<T> source, Span<double> destination) where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        for (int i = 0; i < source.Length; i++) destination[i] = source[i].ToDouble();
    }

    /// <summary>Rounds each element of one number type to another (one rounding: the source values are exact in double;
    /// unnamed mode and policy as <see cref="ForType"/>).</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination, in RoundingOptions options = default, long indexOffset = 0)
        where TFrom : struct, IEmulatedNumber<TFrom>
        where TTo : struct, IEmulatedNumber<TTo>
    {
        CheckLength(source.Length, destination.Length);
        FloatFormat f = TTo.Format;
        RoundingOptions o = ForType(options);
        for (int i = 0; i < source.Length; i++)
            destination[i] = TTo.FromCode(f.Encode(source[i].ToDouble(), o, indexOffset + i));
    }

    /// <summary>float -> T: the one encode loop (scalar codec; NumberTypeKernels is the vectorized one).</summary>
    private static void Encode<T>(ReadOnlySpan<float> source, Span<T> destination, in RoundingOptions options, long indexOffset)
        where T : struct, IEmulatedNumber<T>
    {
        FloatFormat f = T.Format;
        for (int i = 0; i < source.Length; i++)
            destination[i] = T.FromCode(f.Encode(source[i], options, indexOffset + i));
    }

    /// <summary>T -> float: the one decode loop.</summary>
    private static void Decode<T>(ReadOnlySpan<T> source, Span<float> destination) where T : struct, IEmulatedNumber<T>
    {
        for (int i = 0; i < source.Length; i++) destination[i] = (float)source[i].ToDouble();
    }

    private static void CheckLength(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException(
                $"destination has length {destinationLength}; it must be at least the source length {sourceLength}", "destination");
    }
}
