using System.Runtime.Intrinsics;

namespace Emulator.Kernels;

/// <summary>
/// Packs codes of 1..8 bits (one per byte) densely into bytes and back, with a vectorized 4-bit path; the same bit
/// stream as the reference <see cref="Emulator.Formats.CodePacking"/> (codes of 1..32 bits held as uint). The bit stream is little-endian: code i occupies bits
/// [i b, (i + 1) b) counted from the least significant bit of byte 0 (for 4-bit codes: code 0 in the low nibble).
/// Unused high bits of the last byte are zero.
/// </summary>
public static class PackKernels
{
    /// <summary>Bytes needed for <paramref name="count"/> codes of <paramref name="bitsPerCode"/> bits.</summary>
    public static int PackedLength(int count, int bitsPerCode)
    {
        CheckBits(bitsPerCode);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be non-negative");
        return (int)(((long)count * bitsPerCode + 7) / 8);
    }

    /// <summary>Packs <paramref name="codes"/> (each below 2^bitsPerCode) into <paramref name="packed"/>.</summary>
    public static void Pack(ReadOnlySpan<byte> codes, int bitsPerCode, Span<byte> packed)
    {
        int length = PackedLength(codes.Length, bitsPerCode);
        if (packed.Length < length)
            throw new ArgumentException($"packed has length {packed.Length}; {codes.Length} codes of {bitsPerCode} bits need {length}", nameof(packed));
        int limit = 1 << bitsPerCode;
        int i = 0, o = 0;
        if (bitsPerCode == 8) { codes.CopyTo(packed); return; }
        if (bitsPerCode == 4 && Vector128.IsHardwareAccelerated)
        {
            var mask = Vector128.Create((byte)0xF0);
            for (; i + 16 <= codes.Length; i += 16, o += 8)
            {
                var v = Vector128.Create(codes.Slice(i, 16));
                if ((v & mask) != Vector128<byte>.Zero) break; // let the scalar loop report the bad code
                var w = v.AsUInt16();
                var pairs = (w & Vector128.Create((ushort)0x00FF)) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(w, 8), 4);
                Vector128.Narrow(pairs, pairs).GetLower().AsByte().CopyTo(packed.Slice(o, 8));
            }
        }
        ulong acc = 0;
        int bits = 0;
        for (; i < codes.Length; i++)
        {
            int c = codes[i];
            if (c >= limit)
                throw new ArgumentOutOfRangeException(nameof(codes), c, $"codes[{i}] = {c} does not fit {bitsPerCode} bits (valid: 0..{limit - 1})");
            acc |= (ulong)c << bits;
            bits += bitsPerCode;
            while (bits >= 8) { packed[o++] = (byte)acc; acc >>= 8; bits -= 8; }
        }
        if (bits > 0) packed[o++] = (byte)acc;
    }

    /// <summary>Unpacks <paramref name="codes"/>.Length codes from <paramref name="packed"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, int bitsPerCode, Span<byte> codes)
    {
        int length = PackedLength(codes.Length, bitsPerCode);
        if (packed.Length < length)
            throw new ArgumentException($"packed has length {packed.Length}; {codes.Length} codes of {bitsPerCode} bits need {length}", nameof(packed));
        if (bitsPerCode == 8) { packed[..codes.Length].CopyTo(codes); return; }
        int i = 0, o = 0;
        if (bitsPerCode == 4 && Vector128.IsHardwareAccelerated)
        {
            for (; o + 16 <= codes.Length; o += 16, i += 8)
            {
                var w = Vector128.WidenLower(Vector128.CreateScalar(BitConverter.ToUInt64(packed.Slice(i, 8))).AsByte());
                var split = (w & Vector128.Create((ushort)0x000F)) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(w, 4), 8);
                split.AsByte().CopyTo(codes.Slice(o, 16));
            }
        }
        int mask = (1 << bitsPerCode) - 1;
        ulong acc = 0;
        int bits = 0;
        for (; o < codes.Length; o++)
        {
            while (bits < bitsPerCode) { acc |= (ulong)packed[i++] << bits; bits += 8; }
            codes[o] = (byte)(acc & (ulong)mask);
            acc >>= bitsPerCode;
            bits -= bitsPerCode;
        }
    }

    private static void CheckBits(int bitsPerCode)
    {
        if (bitsPerCode is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(bitsPerCode), bitsPerCode, "bits per code must be in 1..8");
    }
}
