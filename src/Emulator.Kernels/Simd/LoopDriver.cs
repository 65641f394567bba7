using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Emulator.Kernels.Randomness;
using Emulator.Kernels.Rounding;

namespace Emulator.Kernels.Simd;

/// <summary>An element-wise kernel as an operator struct: one register in, one register out.</summary>
internal interface IElementOp<TPlan> where TPlan : struct
{
    /// <summary>The common case; lanes set in <paramref name="rare"/> are wrong and the driver recomputes the register with
    /// <see cref="Apply"/> (out of line, so the hot loop keeps its registers).</summary>
    static abstract TV ApplyFast<TV, TRule>(TV input, TV random, in TPlan plan, out TV rare)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule;
    /// <summary>Every case.</summary>
    static abstract TV Apply<TV, TRule>(TV input, TV random, in TPlan plan)
        where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule;
}

/// <summary>Loads and stores 32-bit lanes from arrays of 8-, 16- or 32-bit elements.</summary>
internal interface ILaneIo<T> where T : unmanaged
{
    static abstract TV Load<TV>(ref T source, nuint index) where TV : struct, ILanes<TV>;
    static abstract void Store<TV>(TV value, ref T destination, nuint index) where TV : struct, ILanes<TV>;
}

internal struct Io32 : ILaneIo<uint>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load<TV>(ref uint s, nuint i) where TV : struct, ILanes<TV> => TV.Load(ref s, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store<TV>(TV v, ref uint d, nuint i) where TV : struct, ILanes<TV> => TV.Store(v, ref d, i);
}

internal struct Io16 : ILaneIo<ushort>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load<TV>(ref ushort s, nuint i) where TV : struct, ILanes<TV> => TV.LoadWiden(ref s, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store<TV>(TV v, ref ushort d, nuint i) where TV : struct, ILanes<TV> => TV.StoreNarrow(v, ref d, i);
}

internal struct Io8 : ILaneIo<byte>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load<TV>(ref byte s, nuint i) where TV : struct, ILanes<TV> => TV.LoadWiden(ref s, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store<TV>(TV v, ref byte d, nuint i) where TV : struct, ILanes<TV> => TV.StoreNarrow(v, ref d, i);
}

/// <summary>
/// The one loop driver: tiles of <see cref="Tile"/> elements (random words for a tile come from one vectorized Philox
/// batch keyed by the global element index), the widest hardware register first, then narrower ones, then scalar lanes.
/// Large arrays split into fixed chunks of <see cref="ParallelChunk"/> elements that threads take in any order; since
/// every element's result depends only on its value and global index, the bits never depend on width, chunking or threads.
/// </summary>
internal static class LoopDriver
{
    public const int Tile = 2048;
    public const int ParallelChunk = 1 << 16;

    public static void Run<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(
        ReadOnlySpan<TIn> source, Span<TOut> destination, in TPlan plan, ulong seed, uint stream, long firstIndex, int maxLanes, int threads)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        int n = source.Length;
        if (threads <= 1 || n <= ParallelChunk)
        {
            RunSerial<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination),
                (nuint)n, plan, seed, stream, firstIndex, maxLanes);
            return;
        }
        RunParallel<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, firstIndex, maxLanes, threads);
    }

    // Separate from Run so that the closure (which captures the arguments) is only allocated on the parallel path.
    private static unsafe void RunParallel<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(
        ReadOnlySpan<TIn> source, Span<TOut> destination, TPlan plan, ulong seed, uint stream, long firstIndex, int maxLanes, int threads)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        int n = source.Length;
        int chunks = (n + ParallelChunk - 1) / ParallelChunk;
        fixed (TIn* src = source)
        fixed (TOut* dst = destination)
        {
            nint s = (nint)src, d = (nint)dst;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
            {
                int start = c * ParallelChunk, len = Math.Min(ParallelChunk, n - start);
                RunSerial<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref ((TIn*)s)[start], ref ((TOut*)d)[start],
                    (nuint)len, plan, seed, stream, firstIndex + start, maxLanes);
            });
        }
    }

    private static void RunSerial<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(
        ref TIn source, ref TOut destination, nuint n, in TPlan plan, ulong seed, uint stream, long firstIndex, int maxLanes)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        Span<uint> random = TRule.IsStochastic ? stackalloc uint[Tile] : default;
        ref uint rnd = ref MemoryMarshal.GetReference(random);
        // A short first tile puts the stores of the others on 64-byte boundaries (whole-register stores, no line splits);
        // stochastic rules instead start the others on a Philox block (global index a multiple of 4), so every tile's
        // words come from whole vector batches.
        nuint head = TRule.IsStochastic ? (nuint)((4 - (firstIndex & 3)) & 3) : AlignmentHead(ref destination, n);
        for (nuint t = 0, len; t < n; t += len)
        {
            len = Math.Min(t == 0 && head != 0 ? head : Tile, n - t);
            if (TRule.IsStochastic) PhiloxBatch.Fill(seed, stream, firstIndex + (long)t, random[..(int)len]);
            ref TIn src = ref Unsafe.Add(ref source, t);
            ref TOut dst = ref Unsafe.Add(ref destination, t);
            nuint i = 0;
            if (maxLanes >= 16 && Lanes512.IsHardwareAccelerated)
                i = Body<Lanes512, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref src, ref dst, 0, len, ref rnd, plan);
            if (maxLanes >= 8 && Lanes256.IsHardwareAccelerated)
                i = Body<Lanes256, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref src, ref dst, i, len, ref rnd, plan);
            if (maxLanes >= 4 && Lanes128.IsHardwareAccelerated)
                i = Body<Lanes128, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref src, ref dst, i, len, ref rnd, plan);
            Body<Lanes1, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref src, ref dst, i, len, ref rnd, plan);
        }
    }

    /// <summary>Elements before the first 64-byte boundary of <paramref name="destination"/> (0 for short runs). The address
    /// only steers tile boundaries, never results: every element depends on its value and global index alone.</summary>
    private static unsafe nuint AlignmentHead<TOut>(ref TOut destination, nuint n) where TOut : unmanaged
    {
        if (n < 2 * Tile) return 0;
        nuint address = (nuint)Unsafe.AsPointer(ref destination), size = (nuint)sizeof(TOut);
        return address % size != 0 ? 0 : (64 - address % 64) % 64 / size;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint Body<TV, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref TIn source, ref TOut destination, nuint i, nuint n, ref uint random, in TPlan plan)
        where TV : struct, ILanes<TV> where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        nuint count = (nuint)TV.Count;
        // Two registers per step (independent work for the core to overlap), one test of their rare lanes; one register for
        // rules marked IOneRegisterPerStep (to-odd), whose ops inlined twice exhaust the JIT's inlining budget. The marker
        // test is folded while importing, before inlining (a static rule property is folded too late: to-odd at 0.06x copy).
        for (; !typeof(IOneRegisterPerStep).IsAssignableFrom(typeof(TRule)) && i + 2 * count <= n; i += 2 * count)
        {
            TV x0 = TInIo.Load<TV>(ref source, i), x1 = TInIo.Load<TV>(ref source, i + count);
            TV r0 = TRule.IsStochastic ? TV.Load(ref random, i) : default, r1 = TRule.IsStochastic ? TV.Load(ref random, i + count) : default;
            TV y0 = TOp.ApplyFast<TV, TRule>(x0, r0, plan, out TV rare0);
            TV y1 = TOp.ApplyFast<TV, TRule>(x1, r1, plan, out TV rare1);
            if (TV.Any(rare0 | rare1))
            {
                Full<TV, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref source, ref destination, i, ref random, plan);
                Full<TV, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref source, ref destination, i + count, ref random, plan);
            }
            else
            {
                TOutIo.Store(y0, ref destination, i);
                TOutIo.Store(y1, ref destination, i + count);
            }
        }
        for (; i + count <= n; i += count)
        {
            TV x = TInIo.Load<TV>(ref source, i);
            TV r = TRule.IsStochastic ? TV.Load(ref random, i) : default;
            TV y = TOp.ApplyFast<TV, TRule>(x, r, plan, out TV rare);
            if (TV.Any(rare)) Full<TV, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref source, ref destination, i, ref random, plan);
            else TOutIo.Store(y, ref destination, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Full<TV, TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(ref TIn source, ref TOut destination, nuint i, ref uint random, in TPlan plan)
        where TV : struct, ILanes<TV> where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        TV x = TInIo.Load<TV>(ref source, i);
        TV r = TRule.IsStochastic ? TV.Load(ref random, i) : default;
        TOutIo.Store(TOp.Apply<TV, TRule>(x, r, plan), ref destination, i);
    }
}
