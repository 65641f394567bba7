using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Simd;

/// <summary>
/// A register of 32-bit lanes (Vector512/256/128 or a single scalar lane) with the few operations the kernels need.
/// Kernels are written once against this interface; the JIT specializes them per width. Masks are all-ones lanes.
/// Float operations reinterpret the lanes as float32.
/// </summary>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Number of lanes.</summary>
    static abstract int Count { get; }
    /// <summary>Whether this width runs on hardware (the scalar lane always does).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    static abstract TSelf Create(uint value);
    static abstract TSelf Load(ref uint source, nuint index);
    static abstract void Store(TSelf value, ref uint destination, nuint index);
    static abstract TSelf LoadWiden(ref ushort source, nuint index);
    static abstract TSelf LoadWiden(ref byte source, nuint index);
    static abstract void StoreNarrow(TSelf value, ref ushort destination, nuint index);
    static abstract void StoreNarrow(TSelf value, ref byte destination, nuint index);

    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);
    static abstract TSelf operator ^(TSelf a, TSelf b);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    /// <summary>a &amp; ~b.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);
    static abstract TSelf ShiftLeft(TSelf a, int count);
    static abstract TSelf ShiftRightLogical(TSelf a, int count);
    static abstract TSelf ShiftRightArithmetic(TSelf a, int count);
    /// <summary>Per-lane a &lt;&lt; counts (counts of 32 or more give 0).</summary>
    static abstract TSelf ShiftLeftVariable(TSelf a, TSelf counts);
    /// <summary>Per-lane logical a &gt;&gt; counts (counts of 32 or more give 0).</summary>
    static abstract TSelf ShiftRightLogicalVariable(TSelf a, TSelf counts);
    static abstract TSelf Equal(TSelf a, TSelf b);
    /// <summary>Unsigned a &gt; b.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    /// <summary>Unsigned minimum.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);
    /// <summary>Unsigned maximum.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);
    static abstract bool Any(TSelf mask);
    static abstract int CountTrue(TSelf mask);
    /// <summary>Bit l set when lane l of the mask is true.</summary>
    static abstract ulong MaskBits(TSelf mask);

    static abstract TSelf MultiplyF(TSelf a, TSelf b);
    /// <summary>a * b + c as float32, rounded once (fused multiply-add).</summary>
    static abstract TSelf FusedMultiplyAddF(TSelf a, TSelf b, TSelf c);
    static abstract TSelf AddF(TSelf a, TSelf b);
    static abstract TSelf SubtractF(TSelf a, TSelf b);
    static abstract TSelf GreaterThanF(TSelf a, TSelf b);
    static abstract TSelf GreaterThanOrEqualF(TSelf a, TSelf b);
    static abstract TSelf EqualF(TSelf a, TSelf b);
    /// <summary>Truncating float32 to int32 (only lanes in range are meaningful: out-of-range lanes give whatever the
    /// hardware conversion gives).</summary>
    static abstract TSelf TruncateToInt32(TSelf a);
    /// <summary>Truncating float32 to uint32 (only lanes in [0, 2^32) are meaningful).</summary>
    static abstract TSelf TruncateToUInt32(TSelf a);
    /// <summary>int32 to float32, rounded to nearest even.</summary>
    static abstract TSelf Int32ToSingle(TSelf a);
    /// <summary>uint32 to float32, rounded to nearest even.</summary>
    static abstract TSelf UInt32ToSingle(TSelf a);
    /// <summary>float32((double)m * s) of int32 lanes m: the product rounded to float64, then to float32.</summary>
    static abstract TSelf Int32TimesDoubleToSingle(TSelf m, double s);
    /// <summary>Per-lane table[index &amp; table.IndexMask] (permutes for tables of up to 64 entries, gathers beyond).</summary>
    static abstract TSelf Lookup(TSelf index, LaneTable table);
    /// <summary>Per-lane table[index &amp; 15] of a 16-entry table held in a register (one vpermd on AVX-512; two and a blend on AVX2).</summary>
    static abstract TSelf Permute16(TSelf index, Vector512<uint> table);
    /// <summary>Per-lane count of leading zero bits (32 for 0).</summary>
    static abstract TSelf LeadingZeroCount(TSelf a);
}
