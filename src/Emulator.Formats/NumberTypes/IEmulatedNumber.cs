namespace Emulator.Formats;

/// <summary>
/// A number type whose values are the codes of a preset <see cref="FloatFormat"/> (<see cref="BFloat16"/>,
/// <see cref="Float8E4M3"/>, ...): what generic code and <see cref="NumberTypeConvert"/> need besides System.Numerics.
/// </summary>
/// <typeparam name="TSelf">The number type.</typeparam>
public interface IEmulatedNumber<TSelf> where TSelf : struct, IEmulatedNumber<TSelf>
{
    /// <summary>The preset format that defines the type's values, rounding and special codes.</summary>
    static abstract FloatFormat Format { get; }

    /// <summary>The value with the given code (only the low <see cref="ScalarFormat.Bits"/> bits may be set).</summary>
    static abstract TSelf FromCode(uint code);

    /// <summary>The code of this value.</summary>
    uint Code { get; }

    /// <summary>The exact value as a double (NaN and infinities included).</summary>
    double ToDouble();

    /// <summary>Rounds a value to the type with explicit rounding options; stochastic modes use element <paramref name="index"/>'s random word.</summary>
    static abstract TSelf Create(double value, in RoundingOptions options, long index = 0);
}
