using System.Runtime.InteropServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// Pooled 64-byte aligned buffers for packed panels: each thread keeps a few buffers between calls, so the GEMM calls of
/// a training loop (many small products) allocate nothing after the first. A buffer is returned to the pool of the thread
/// that disposes its lease; buffers above <see cref="MaxPooledBytes"/> are freed instead of kept.
/// </summary>
internal static unsafe class PackingBuffers
{
    /// <summary>Largest buffer kept for reuse.</summary>
    public const long MaxPooledBytes = 64L << 20;

    private const int Slots = 4;

    [ThreadStatic] private static Buffer[]? t_pool;

    private struct Buffer
    {
        public byte* Pointer;
        public long Bytes;
    }

    /// <summary>A rented buffer of at least the requested size (contents undefined); dispose it to give it back.</summary>
    public readonly struct Lease : IDisposable
    {
        internal Lease(byte* pointer, long bytes) { Pointer = pointer; Bytes = bytes; }

        /// <summary>The buffer (64-byte aligned).</summary>
        public byte* Pointer { get; }

        /// <summary>Its capacity in bytes.</summary>
        public long Bytes { get; }

        /// <summary>Returns the buffer to the pool of the current thread (or frees it).</summary>
        public void Dispose() => Return(Pointer, Bytes);
    }

    /// <summary>Rents at least <paramref name="bytes"/> bytes (at least 64).</summary>
    public static Lease Rent(long bytes)
    {
        bytes = Math.Max(64, bytes);
        var pool = t_pool;
        if (pool is not null)
        {
            int best = -1;
            for (int i = 0; i < Slots; i++)
                if (pool[i].Pointer != null && pool[i].Bytes >= bytes && (best < 0 || pool[i].Bytes < pool[best].Bytes)) best = i;
            if (best >= 0)
            {
                var b = pool[best];
                pool[best] = default;
                return new Lease(b.Pointer, b.Bytes);
            }
        }
        // Round up so that slightly different shapes reuse the same buffer.
        long size = bytes <= 4096 ? 4096 : (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes);
        if (size > MaxPooledBytes) size = (bytes + 4095) & ~4095L;
        return new Lease((byte*)NativeMemory.AlignedAlloc((nuint)size, 64), size);
    }

    private static void Return(byte* pointer, long bytes)
    {
        if (pointer == null) return;
        if (bytes > MaxPooledBytes) { NativeMemory.AlignedFree(pointer); return; }
        var pool = t_pool ??= new Buffer[Slots];
        int slot = -1;
        for (int i = 0; i < Slots; i++)
            if (pool[i].Pointer == null) { slot = i; break; }
        if (slot < 0)
        {
            // Full: the smallest buffer makes room (it is the least likely to serve the next request).
            slot = 0;
            for (int i = 1; i < Slots; i++) if (pool[i].Bytes < pool[slot].Bytes) slot = i;
            if (pool[slot].Bytes > bytes) { NativeMemory.AlignedFree(pointer); return; }
            NativeMemory.AlignedFree(pool[slot].Pointer);
        }
        pool[slot] = new Buffer { Pointer = pointer, Bytes = bytes };
    }
}
