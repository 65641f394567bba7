using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Emulator.Formats;

namespace Emulator.Kernels.Random;

/// <summary>
/// Philox4x32-10 words for a run of consecutive element indices, in element order: word k is
/// <see cref="Philox4x32.Word"/>(seed, stream, firstIndex + k) exactly (FORMATS.md section 4). The AVX-512 path runs
/// 16 counter blocks per step (one block per lane) and transposes the four output words back into element order.
/// </summary>
public static class PhiloxBatch
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Fills <paramref name="words"/> with the words of elements firstIndex, firstIndex + 1, ...</summary>
    public static void Fill(ulong seed, uint stream, long firstIndex, Span<uint> words)
    {
        if (firstIndex < 0) throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex, "element index must be non-negative");
        int k = 0, n = words.Length;
        ulong index = (ulong)firstIndex;
        // Leading partial block.
        while (k < n && ((index + (ulong)k) & 3) != 0) { words[k] = Philox4x32.Word(seed, stream, (long)(index + (ulong)k)); k++; }
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        if (Avx512F.IsSupported)
        {
            while (n - k >= 64)
            {
                ulong q = (index + (ulong)k) >> 2;
                if ((uint)q > uint.MaxValue - 15) break; // counter low word would wrap inside the batch: finish scalar
                Blocks16(q, stream, k0, k1, ref words[k]);
                k += 64;
            }
        }
        while (n - k >= 4)
        {
            ulong q = (index + (ulong)k) >> 2;
            var (a, b, c, d) = Philox4x32.Block((uint)q, (uint)(q >> 32), stream, 0, k0, k1);
            words[k] = a; words[k + 1] = b; words[k + 2] = c; words[k + 3] = d;
            k += 4;
        }
        for (; k < n; k++) words[k] = Philox4x32.Word(seed, stream, (long)(index + (ulong)k));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulHiLo(Vector512<uint> c, Vector512<uint> m, Vector512<uint> oddLanes, out Vector512<uint> hi, out Vector512<uint> lo)
    {
        Vector512<uint> even = Avx512F.Multiply(c, m).AsUInt32();
        Vector512<uint> odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(c.AsUInt64(), 32).AsUInt32(), m).AsUInt32();
        hi = Vector512.ConditionalSelect(oddLanes, odd, Avx512F.ShiftRightLogical(even.AsUInt64(), 32).AsUInt32());
        lo = Vector512.ConditionalSelect(oddLanes, Avx512F.ShiftLeftLogical(odd.AsUInt64(), 32).AsUInt32(), even);
    }

    private static void Blocks16(ulong q, uint stream, uint k0, uint k1, ref uint destination)
    {
        Vector512<uint> iota = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<uint> oddLanes = Vector512.Create(0u, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u, 0, ~0u);
        Vector512<uint> m0 = Vector512.Create(M0), m1 = Vector512.Create(M1);
        Vector512<uint> c0 = Vector512.Create((uint)q) + iota;
        Vector512<uint> c1 = Vector512.Create((uint)(q >> 32));
        Vector512<uint> c2 = Vector512.Create(stream);
        Vector512<uint> c3 = Vector512<uint>.Zero;
        for (int round = 0; round < 10; round++)
        {
            MulHiLo(c0, m0, oddLanes, out var hi0, out var lo0);
            MulHiLo(c2, m1, oddLanes, out var hi1, out var lo1);
            Vector512<uint> key0 = Vector512.Create(k0), key1 = Vector512.Create(k1);
            c0 = hi1 ^ c1 ^ key0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ key1;
            c3 = lo0;
            k0 += W0; k1 += W1;
        }
        // Transpose: element 4j + w is word w of block j.
        Vector512<uint> lo01Index = Vector512.Create(0u, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<uint> hi01Index = Vector512.Create(8u, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        Vector512<ulong> t01lo = Avx512F.PermuteVar16x32x2(c0, lo01Index, c1).AsUInt64();
        Vector512<ulong> t01hi = Avx512F.PermuteVar16x32x2(c0, hi01Index, c1).AsUInt64();
        Vector512<ulong> t23lo = Avx512F.PermuteVar16x32x2(c2, lo01Index, c3).AsUInt64();
        Vector512<ulong> t23hi = Avx512F.PermuteVar16x32x2(c2, hi01Index, c3).AsUInt64();
        Vector512<ulong> first = Vector512.Create(0ul, 8, 1, 9, 2, 10, 3, 11), second = Vector512.Create(4ul, 12, 5, 13, 6, 14, 7, 15);
        Avx512F.PermuteVar8x64x2(t01lo, first, t23lo).AsUInt32().StoreUnsafe(ref destination, 0);
        Avx512F.PermuteVar8x64x2(t01lo, second, t23lo).AsUInt32().StoreUnsafe(ref destination, 16);
        Avx512F.PermuteVar8x64x2(t01hi, first, t23hi).AsUInt32().StoreUnsafe(ref destination, 32);
        Avx512F.PermuteVar8x64x2(t01hi, second, t23hi).AsUInt32().StoreUnsafe(ref destination, 48);
    }
}
