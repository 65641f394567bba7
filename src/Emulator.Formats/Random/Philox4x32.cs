using System.Runtime.CompilerServices;

namespace Emulator.Formats;

/// <summary>
/// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, SC 2011; the Random123 reference): a counter-based generator, so a random
/// word depends only on (seed, stream, element index), never on vector width, chunking or threads (FORMATS.md section 4).
/// </summary>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>One block of 10 rounds: four 32-bit words from a 128-bit counter and 64-bit key.</summary>
    public static (uint, uint, uint, uint) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>
    /// The 32-bit word of element <paramref name="index"/>: key = (seed lo, seed hi), counter = (q lo, q hi, stream, 0)
    /// with q = index &gt;&gt; 2, output word index &amp; 3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Word(ulong seed, uint stream, long index)
    {
        ulong i = (ulong)index, q = i >> 2;
        var (a, b, c, d) = Block((uint)q, (uint)(q >> 32), stream, 0, (uint)seed, (uint)(seed >> 32));
        return (i & 3) switch { 0 => a, 1 => b, 2 => c, _ => d };
    }
}
