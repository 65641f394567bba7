using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Simd;

/// <summary>
/// A small table of 32-bit entries for per-lane lookups (<see cref="ILanes{TSelf}.Lookup"/>): a power-of-two length of at
/// least 16 (entries past the given ones are padding), pinned so gathers can address it, and its first 64 entries also
/// held as Vector512 registers for permutes (16 entries: one vpermd; 32: one vpermi2d; 64: two and a blend).
/// </summary>
internal sealed unsafe class LaneTable
{
    /// <summary>The entries (length a power of two, at least 16).</summary>
    public readonly uint[] Data;
    /// <summary>Data.Length - 1: lookups mask their indices with it.</summary>
    public readonly uint IndexMask;
    public readonly Vector512<uint> V0, V1, V2, V3;
    public readonly uint* Pointer;

    /// <summary>Copies <paramref name="entries"/> and pads with <paramref name="padding"/> to a power of two (at least 16).</summary>
    public LaneTable(ReadOnlySpan<uint> entries, uint padding)
    {
        int length = Math.Max(16, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, entries.Length)));
        Data = GC.AllocateArray<uint>(length, pinned: true);
        Data.AsSpan().Fill(padding);
        entries.CopyTo(Data);
        IndexMask = (uint)length - 1;
        Pointer = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Data));
        V0 = Chunk(0); V1 = Chunk(16); V2 = Chunk(32); V3 = Chunk(48);
    }

    public int Length => Data.Length;

    private Vector512<uint> Chunk(int start) => start + 16 <= Data.Length ? Vector512.Create(Data.AsSpan(start, 16)) : Vector512<uint>.Zero;

    /// <summary>The scalar lookup (indices masked to the table).</summary>
    public uint this[uint index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Data), index & IndexMask);
    }
}

/// <summary>A decode plan that is one lookup table: float32 bits of (float)Decode(code) for every code (formats of at most
/// 16 bits), built once per format.</summary>
internal readonly struct DecodeTablePlan
{
    private static readonly ConditionalWeakTable<Emulator.Formats.ScalarFormat, LaneTable> Cache = new();

    public readonly LaneTable Table;

    public DecodeTablePlan(Emulator.Formats.ScalarFormat format)
    {
        if (format.Bits > 16) throw new ArgumentException($"format '{format.Name}' has {format.Bits}-bit codes; a decode table covers at most 16", nameof(format));
        Table = Cache.GetValue(format, static f =>
        {
            var values = new uint[f.CodeCount];
            for (uint c = 0; c < values.Length; c++) values[c] = BitConverter.SingleToUInt32Bits((float)f.Decode(c));
            return new LaneTable(values, 0);
        });
    }
}
