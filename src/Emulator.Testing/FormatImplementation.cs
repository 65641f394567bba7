using Emulator.Formats;

namespace Emulator.Testing;

/// <summary>
/// The implementation under test: a conversion float32 -> code (given the element index, which only stochastic
/// rounding uses) and/or a decoder code -> value. Missing halves are taken from the reference.
/// </summary>
public sealed class FormatImplementation
{
    /// <summary>float32 -> code for element index i.</summary>
    public Func<float, long, uint>? Encode { get; init; }

    /// <summary>code -> value.</summary>
    public Func<uint, double>? Decode { get; init; }

    /// <summary>An encoder that ignores the element index (deterministic rounding modes).</summary>
    public static FormatImplementation FromEncoder(Func<float, uint> encode) => new() { Encode = (x, _) => encode(x) };

    /// <summary>The library's own reference (used to check the laws themselves, and by <c>emu check</c>).</summary>
    public static FormatImplementation Reference(ScalarFormat format, RoundingOptions options) => new()
    {
        Encode = (x, i) => format.Encode(x, options, i),
        Decode = format.Decode,
    };
}
