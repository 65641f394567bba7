using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels;

/// <summary>
/// The tensor amax of <see cref="Emulator.Formats.BlockFormat.Amax"/> (NaN if any element is NaN, else +Inf if any is ±Inf,
/// else the largest magnitude) as the unsigned maximum of the magnitude bit patterns: finite patterns order as their values,
/// the ±Inf pattern is above them and every NaN pattern above that. Threads take fixed chunks (a maximum does not depend on
/// the order).
/// </summary>
internal static class TensorAmax
{
    private const int Chunk = 1 << 18;

    public static unsafe float Of(ReadOnlySpan<float> x, int maxLanes, int threads)
    {
        uint bits;
        int chunks = (x.Length + Chunk - 1) / Chunk;
        if (threads <= 1 || chunks <= 1) bits = Bits(ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(x)), x.Length, maxLanes);
        else
        {
            var parts = new uint[chunks];
            int n = x.Length;
            fixed (float* p = x)
            {
                nint px = (nint)p;
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
                {
                    int start = c * Chunk;
                    parts[c] = Bits(ref ((uint*)px)[start], Math.Min(Chunk, n - start), maxLanes);
                });
            }
            bits = 0;
            foreach (uint b in parts) bits = Math.Max(bits, b);
        }
        return bits > 0x7F80_0000u ? float.NaN : BitConverter.UInt32BitsToSingle(bits);
    }

    // Fully optimized from the first call: the whole tensor is one call, which would otherwise run its loop on-stack-replaced.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Bits(ref uint p, int n, int maxLanes)
    {
        int i = 0;
        uint m = 0;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated)
        {
            var abs = Vector512.Create(0x7FFF_FFFFu);
            Vector512<uint> m0 = default, m1 = default, m2 = default, m3 = default;
            for (; i <= n - 64; i += 64)
            {
                m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref p, (nuint)i) & abs);
                m1 = Vector512.Max(m1, Vector512.LoadUnsafe(ref p, (nuint)(i + 16)) & abs);
                m2 = Vector512.Max(m2, Vector512.LoadUnsafe(ref p, (nuint)(i + 32)) & abs);
                m3 = Vector512.Max(m3, Vector512.LoadUnsafe(ref p, (nuint)(i + 48)) & abs);
            }
            for (; i <= n - 16; i += 16) m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref p, (nuint)i) & abs);
            var v = Vector512.Max(Vector512.Max(m0, m1), Vector512.Max(m2, m3));
            m = BlockElements.MaxLane(v);
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var abs = Vector256.Create(0x7FFF_FFFFu);
            var v = Vector256<uint>.Zero;
            for (; i <= n - 8; i += 8) v = Vector256.Max(v, Vector256.LoadUnsafe(ref p, (nuint)i) & abs);
            m = Math.Max(m, BlockElements.MaxLane(v));
        }
        if (maxLanes >= 4 && Vector128.IsHardwareAccelerated && n - i >= 4)
        {
            var abs = Vector128.Create(0x7FFF_FFFFu);
            var v = Vector128<uint>.Zero;
            for (; i <= n - 4; i += 4) v = Vector128.Max(v, Vector128.LoadUnsafe(ref p, (nuint)i) & abs);
            m = Math.Max(m, BlockElements.MaxLane(v));
        }
        for (; i < n; i++) m = Math.Max(m, Unsafe.Add(ref p, i) & 0x7FFF_FFFFu);
        return m;
    }
}
