using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Emulator.Formats;

namespace Emulator.Kernels.Randomness;

/// <summary>
/// Philox4x32-10 words for a run of consecutive element indices, in element order: word k is
/// <see cref="Philox4x32.Word"/>(seed, stream, firstIndex + k) exactly (FORMATS.md section 4). The AVX-512 path runs
/// 32 counter blocks per step (one block per lane) and transposes the four output words back into element order.
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
            while (n - k >= 128)
            {
                ulong q = (index + (ulong)k) >> 2;
                if ((uint)q > uint.MaxValue - 31) break; // counter low word would wrap inside the batch: finish scalar
                Blocks32(q, stream, k0, k1, ref words[k]);
                k += 128;
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

    /// <summary>
    /// 32 blocks as four groups of 8, one block per 64-bit lane: vpmuludq multiplies the low 32 bits of each lane into a
    /// full 64-bit product, so hi is one shift away and lo is the product itself (its upper half is ignored by the next
    /// multiply and cut off at the end). Four independent groups hide the multiply latency; two rounds per loop step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocks32(ulong q, uint stream, uint k0, uint k1, ref uint destination)
    {
        Vector512<ulong> eight = Vector512.Create(8ul);
        Vector512<ulong> a0 = Vector512.Create((ulong)(uint)q) + Vector512.Create(0ul, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> b0 = a0 + eight, c0 = b0 + eight, d0 = c0 + eight;
        Vector512<ulong> a1 = Vector512.Create((ulong)(uint)(q >> 32)), b1 = a1, c1 = a1, d1 = a1;
        Vector512<ulong> a2 = Vector512.Create((ulong)stream), b2 = a2, c2 = a2, d2 = a2;
        Vector512<ulong> a3 = Vector512<ulong>.Zero, b3 = a3, c3 = a3, d3 = a3;
        Vector512<uint> m0 = Vector512.Create(M0), m1 = Vector512.Create(M1);
        for (int round = 0; round < 10; round += 2)
        {
            {
                Vector512<ulong> key0 = Vector512.Create((ulong)k0), key1 = Vector512.Create((ulong)k1);
                Vector512<ulong> pa0 = Avx512F.Multiply(a0.AsUInt32(), m0), pa1 = Avx512F.Multiply(a2.AsUInt32(), m1);
                Vector512<ulong> pb0 = Avx512F.Multiply(b0.AsUInt32(), m0), pb1 = Avx512F.Multiply(b2.AsUInt32(), m1);
                Vector512<ulong> pc0 = Avx512F.Multiply(c0.AsUInt32(), m0), pc1 = Avx512F.Multiply(c2.AsUInt32(), m1);
                Vector512<ulong> pd0 = Avx512F.Multiply(d0.AsUInt32(), m0), pd1 = Avx512F.Multiply(d2.AsUInt32(), m1);
                a0 = Avx512F.ShiftRightLogical(pa1, 32) ^ a1 ^ key0; a1 = pa1; a2 = Avx512F.ShiftRightLogical(pa0, 32) ^ a3 ^ key1; a3 = pa0;
                b0 = Avx512F.ShiftRightLogical(pb1, 32) ^ b1 ^ key0; b1 = pb1; b2 = Avx512F.ShiftRightLogical(pb0, 32) ^ b3 ^ key1; b3 = pb0;
                c0 = Avx512F.ShiftRightLogical(pc1, 32) ^ c1 ^ key0; c1 = pc1; c2 = Avx512F.ShiftRightLogical(pc0, 32) ^ c3 ^ key1; c3 = pc0;
                d0 = Avx512F.ShiftRightLogical(pd1, 32) ^ d1 ^ key0; d1 = pd1; d2 = Avx512F.ShiftRightLogical(pd0, 32) ^ d3 ^ key1; d3 = pd0;
                k0 += W0; k1 += W1;
            }
            {
                Vector512<ulong> key0 = Vector512.Create((ulong)k0), key1 = Vector512.Create((ulong)k1);
                Vector512<ulong> pa0 = Avx512F.Multiply(a0.AsUInt32(), m0), pa1 = Avx512F.Multiply(a2.AsUInt32(), m1);
                Vector512<ulong> pb0 = Avx512F.Multiply(b0.AsUInt32(), m0), pb1 = Avx512F.Multiply(b2.AsUInt32(), m1);
                Vector512<ulong> pc0 = Avx512F.Multiply(c0.AsUInt32(), m0), pc1 = Avx512F.Multiply(c2.AsUInt32(), m1);
                Vector512<ulong> pd0 = Avx512F.Multiply(d0.AsUInt32(), m0), pd1 = Avx512F.Multiply(d2.AsUInt32(), m1);
                a0 = Avx512F.ShiftRightLogical(pa1, 32) ^ a1 ^ key0; a1 = pa1; a2 = Avx512F.ShiftRightLogical(pa0, 32) ^ a3 ^ key1; a3 = pa0;
                b0 = Avx512F.ShiftRightLogical(pb1, 32) ^ b1 ^ key0; b1 = pb1; b2 = Avx512F.ShiftRightLogical(pb0, 32) ^ b3 ^ key1; b3 = pb0;
                c0 = Avx512F.ShiftRightLogical(pc1, 32) ^ c1 ^ key0; c1 = pc1; c2 = Avx512F.ShiftRightLogical(pc0, 32) ^ c3 ^ key1; c3 = pc0;
                d0 = Avx512F.ShiftRightLogical(pd1, 32) ^ d1 ^ key0; d1 = pd1; d2 = Avx512F.ShiftRightLogical(pd0, 32) ^ d3 ^ key1; d3 = pd0;
                k0 += W0; k1 += W1;
            }
        }
        Store8(a0, a1, a2, a3, ref destination);
        Store8(b0, b1, b2, b3, ref Unsafe.Add(ref destination, 32));
        Store8(c0, c1, c2, c3, ref Unsafe.Add(ref destination, 64));
        Store8(d0, d1, d2, d3, ref Unsafe.Add(ref destination, 96));
    }

    /// <summary>Element 4j + w is word w of block j: pair the low dwords of (w0, w1) and (w2, w3), then interleave the pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> w2, Vector512<ulong> w3, ref uint destination)
    {
        Vector512<uint> lowDwords = Vector512.Create(0u, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        Vector512<ulong> w01 = Avx512F.PermuteVar16x32x2(w0.AsUInt32(), lowDwords, w1.AsUInt32()).AsUInt64();
        Vector512<ulong> w23 = Avx512F.PermuteVar16x32x2(w2.AsUInt32(), lowDwords, w3.AsUInt32()).AsUInt64();
        Avx512F.PermuteVar8x64x2(w01, Vector512.Create(0ul, 8, 1, 9, 2, 10, 3, 11), w23).AsUInt32().StoreUnsafe(ref destination, 0);
        Avx512F.PermuteVar8x64x2(w01, Vector512.Create(4ul, 12, 5, 13, 6, 14, 7, 15), w23).AsUInt32().StoreUnsafe(ref destination, 16);
    }
}
