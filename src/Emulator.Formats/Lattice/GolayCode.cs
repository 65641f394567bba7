using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// The extended binary Golay code [24, 12, 8]: the cyclic code of length 23 with generator polynomial
/// x^11 + x^10 + x^6 + x^5 + x^4 + x^2 + 1 (coefficient of x^i at bit i) plus an overall parity bit at bit 23.
/// Codeword k is m(x)·g(x) for the 12-bit message m = k, with its parity bit.
/// </summary>
public static class GolayCode
{
    /// <summary>The generator polynomial, coefficient of x^i at bit i.</summary>
    public const uint Generator = 0b1100_0111_0101;

    /// <summary>Number of codewords.</summary>
    public const int Count = 4096;

    /// <summary>Mask of the 24 coordinates.</summary>
    public const uint Mask = 0xFFFFFF;

    private static readonly Lazy<uint[]> Words = new(() =>
    {
        var w = new uint[Count];
        for (int m = 0; m < Count; m++) w[m] = Encode(m);
        return w;
    });

    private static readonly Lazy<Dictionary<uint, int>> Indices = new(() =>
    {
        var d = new Dictionary<uint, int>(Count);
        for (int m = 0; m < Count; m++) d.Add(Words.Value[m], m);
        return d;
    });

    /// <summary>All codewords, in message order.</summary>
    public static ReadOnlySpan<uint> Codewords => Words.Value;

    /// <summary>The codeword of a 12-bit message.</summary>
    public static uint Encode(int message)
    {
        if ((uint)message >= Count) throw new ArgumentOutOfRangeException(nameof(message), message, "a Golay message is in 0..4095");
        uint word = 0;
        for (int i = 0; i < 12; i++)
            if ((message >> i & 1) != 0) word ^= Generator << i;
        uint parity = (uint)BitOperations.PopCount(word) & 1;
        return word | parity << 23;
    }

    /// <summary>Whether a 24-bit word is a codeword.</summary>
    public static bool IsCodeword(uint word) => word <= Mask && Indices.Value.ContainsKey(word);

    /// <summary>The message (index) of a codeword, or -1.</summary>
    public static int IndexOf(uint word) => word <= Mask && Indices.Value.TryGetValue(word, out int m) ? m : -1;
}
