namespace Emulator.Formats;

/// <summary>
/// Packs codec indices into a bitstring and back: index k occupies bits [k*b, (k+1)*b) of the string, least significant bit
/// first, bit j of the string being bit (j % 8) of byte j / 8.
/// </summary>
public static class IndexPacking
{
    /// <summary>Bytes needed for <paramref name="count"/> indices of <paramref name="bitsPerIndex"/> bits.</summary>
    public static long ByteCount(long count, int bitsPerIndex)
    {
        CheckBits(bitsPerIndex);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0");
        return (count * bitsPerIndex + 7) / 8;
    }

    /// <summary>Writes the indices as a bitstring (every index must fit in <paramref name="bitsPerIndex"/> bits).</summary>
    public static void Pack(ReadOnlySpan<ulong> indices, int bitsPerIndex, Span<byte> bits)
    {
        long need = ByteCount(indices.Length, bitsPerIndex);
        if (bits.Length < need) throw new ArgumentException($"bits has length {bits.Length}; it must be at least {need}", nameof(bits));
        bits[..(int)need].Clear();
        long pos = 0;
        for (int k = 0; k < indices.Length; k++)
        {
            ulong v = indices[k];
            if (bitsPerIndex < 64 && v >> bitsPerIndex != 0)
                throw new ArgumentOutOfRangeException(nameof(indices), v, $"indices[{k}] does not fit in {bitsPerIndex} bits");
            for (int j = 0; j < bitsPerIndex; j++, pos++)
                if ((v >> j & 1) != 0) bits[(int)(pos >> 3)] |= (byte)(1 << (int)(pos & 7));
        }
    }

    /// <summary>Reads <paramref name="indices"/>.Length indices back from a bitstring.</summary>
    public static void Unpack(ReadOnlySpan<byte> bits, int bitsPerIndex, Span<ulong> indices)
    {
        long need = ByteCount(indices.Length, bitsPerIndex);
        if (bits.Length < need) throw new ArgumentException($"bits has length {bits.Length}; it must be at least {need}", nameof(bits));
        long pos = 0;
        for (int k = 0; k < indices.Length; k++)
        {
            ulong v = 0;
            for (int j = 0; j < bitsPerIndex; j++, pos++)
                if ((bits[(int)(pos >> 3)] >> (int)(pos & 7) & 1) != 0) v |= 1UL << j;
            indices[k] = v;
        }
    }

    private static void CheckBits(int bitsPerIndex)
    {
        if (bitsPerIndex is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(bitsPerIndex), bitsPerIndex, "bits per index must be in 1..64");
    }
}
