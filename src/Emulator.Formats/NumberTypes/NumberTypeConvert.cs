namespace Emulator.Formats;

/// <summary>
/// Span conversions between float/double and the number types. Every span conversion of the number types goes through
/// the two <c>Encode</c>/<c>Decode</c> loops below (the place where a vectorized kernel will be plugged in).
/// </summary>
public static class NumberTypeConvert
{
    /// <summary>Rounds each float to <typeparamref name="T"/>; element i uses random index <paramref name="indexOffset"/> + i.</summary>
    public static void Convert<T>(ReadOnlySpan<float> source, Span<T> destination, in RoundingOptions options = default, long indexOffset = 0)
        where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        Encode(source, destination, options, indexOffset);
    }

    /// <summary>Rounds each double to <typeparamref name="T"/>; element i uses random index <paramref name="indexOffset"/> + i.</summary>
    public static void Convert<T>(ReadOnlySpan<double> source, Span<T> destination, in RoundingOptions options = default, long indexOffset = 0)
        where T : struct, IEmulatedNumber<T>
    {
        CheckLength(source.Length, destination.Length);
        FloatFormat f = T.Format;
        for (int i = 0; i < source.Length; i++)
            destination[i] = T.FromCode(f.Encode(source[i], options, indexOffset + i));
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

    /// <summary>Rounds each element of one number type to another (one rounding: the source values are exact in double).</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination, in RoundingOptions options = default, long indexOffset = 0)
        where TFrom : struct, IEmulatedNumber<TFrom>
        where TTo : struct, IEmulatedNumber<TTo>
    {
        CheckLength(source.Length, destination.Length);
        FloatFormat f = TTo.Format;
        for (int i = 0; i < source.Length; i++)
            destination[i] = TTo.FromCode(f.Encode(source[i].ToDouble(), options, indexOffset + i));
    }

    /// <summary>float -> T: the one encode loop (scalar codec for now).</summary>
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
