namespace Emulator.Formats;

/// <summary>
/// Dense storage of fixed-width codes: a little-endian bit stream, each code's low bits first
/// (two 4-bit codes per byte with the first code in the low nibble; four 6-bit codes per 3 bytes).
/// </summary>
public static class CodePacking
{
    /// <summary>Bytes needed for <paramref name="count"/> codes of <paramref name="bitsPerCode"/> bits.</summary>
    public static int PackedLength(long count, int bitsPerCode)
    {
        CheckWidth(bitsPerCode);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be non-negative");
        long bytes = (count * bitsPerCode + 7) / 8;
        if (bytes > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} codes of {bitsPerCode} bits exceed {int.MaxValue} bytes");
        return (int)bytes;
    }

    /// <summary>Packs codes (each below 2^bitsPerCode) into <paramref name="packed"/>; unused trailing bits are zero.</summary>
    public static void Pack(ReadOnlySpan<uint> codes, int bitsPerCode, Span<byte> packed)
    {
        int length = PackedLength(codes.Length, bitsPerCode);
        if (packed.Length < length)
            throw new ArgumentException($"packed has length {packed.Length}; {codes.Length} codes of {bitsPerCode} bits need {length} bytes", nameof(packed));
        ulong limit = 1UL << bitsPerCode;
        ulong buffer = 0;
        int filled = 0, o = 0;
        for (int i = 0; i < codes.Length; i++)
        {
            uint c = codes[i];
            if (c >= limit)
                throw new ArgumentException($"codes[{i}] = {c} does not fit in {bitsPerCode} bits (valid range 0..{limit - 1})", nameof(codes));
            buffer |= (ulong)c << filled;
            filled += bitsPerCode;
            while (filled >= 8)
            {
                packed[o++] = (byte)buffer;
                buffer >>= 8;
                filled -= 8;
            }
        }
        if (filled > 0) packed[o++] = (byte)buffer;
        packed[o..length].Clear();
    }

    /// <summary>Unpacks <paramref name="codes"/>.Length codes from <paramref name="packed"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, int bitsPerCode, Span<uint> codes)
    {
        int length = PackedLength(codes.Length, bitsPerCode);
        if (packed.Length < length)
            throw new ArgumentException($"packed has length {packed.Length}; {codes.Length} codes of {bitsPerCode} bits need {length} bytes", nameof(packed));
        ulong mask = (1UL << bitsPerCode) - 1;
        ulong buffer = 0;
        int filled = 0, p = 0;
        for (int i = 0; i < codes.Length; i++)
        {
            while (filled < bitsPerCode)
            {
                buffer |= (ulong)packed[p++] << filled;
                filled += 8;
            }
            codes[i] = (uint)(buffer & mask);
            buffer >>= bitsPerCode;
            filled -= bitsPerCode;
        }
    }

    private static void CheckWidth(int bitsPerCode)
    {
        if (bitsPerCode is < 1 or > 32)
            throw new ArgumentOutOfRangeException(nameof(bitsPerCode), bitsPerCode, "bits per code must be in 1..32");
    }
}
