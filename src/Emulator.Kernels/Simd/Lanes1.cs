using System.Runtime.CompilerServices;

namespace Emulator.Kernels.Simd;

/// <summary>One scalar lane: the same kernels without SIMD (tails, and machines without vector hardware).</summary>
internal readonly struct Lanes1 : ILanes<Lanes1>
{
    public readonly uint V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Lanes1(uint v) => V = v;
    private static Lanes1 Mask(bool b) => new(b ? uint.MaxValue : 0u);
    private static float F(Lanes1 a) => BitConverter.UInt32BitsToSingle(a.V);
    private static Lanes1 Of(float f) => new(BitConverter.SingleToUInt32Bits(f));
    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Create(uint value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Load(ref uint source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes1 value, ref uint destination, nuint index) => Unsafe.Add(ref destination, index) = value.V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 LoadWiden(ref ushort source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 LoadWiden(ref byte source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNarrow(Lanes1 value, ref ushort destination, nuint index) => Unsafe.Add(ref destination, index) = (ushort)value.V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNarrow(Lanes1 value, ref byte destination, nuint index) => Unsafe.Add(ref destination, index) = (byte)value.V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator &(Lanes1 a, Lanes1 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator |(Lanes1 a, Lanes1 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator ^(Lanes1 a, Lanes1 b) => new(a.V ^ b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator +(Lanes1 a, Lanes1 b) => new(unchecked(a.V + b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 a, Lanes1 b) => new(unchecked(a.V - b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 AndNot(Lanes1 a, Lanes1 b) => new(a.V & ~b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 ShiftLeft(Lanes1 a, int count) => new(a.V << count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 ShiftRightLogical(Lanes1 a, int count) => new(a.V >> count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 ShiftRightArithmetic(Lanes1 a, int count) => new((uint)((int)a.V >> count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 ShiftLeftVariable(Lanes1 a, Lanes1 counts) => new(counts.V < 32 ? a.V << (int)counts.V : 0u);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 ShiftRightLogicalVariable(Lanes1 a, Lanes1 counts) => new(counts.V < 32 ? a.V >> (int)counts.V : 0u);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Equal(Lanes1 a, Lanes1 b) => Mask(a.V == b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 GreaterThan(Lanes1 a, Lanes1 b) => Mask(a.V > b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Min(Lanes1 a, Lanes1 b) => new(Math.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Max(Lanes1 a, Lanes1 b) => new(Math.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Select(Lanes1 mask, Lanes1 whenTrue, Lanes1 whenFalse) => new((mask.V & whenTrue.V) | (~mask.V & whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes1 mask) => mask.V != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountTrue(Lanes1 mask) => (int)(mask.V >> 31);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong MaskBits(Lanes1 mask) => mask.V >> 31;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 MultiplyF(Lanes1 a, Lanes1 b) => Of(F(a) * F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 FusedMultiplyAddF(Lanes1 a, Lanes1 b, Lanes1 c) => Of(MathF.FusedMultiplyAdd(F(a), F(b), F(c)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 AddF(Lanes1 a, Lanes1 b) => Of(F(a) + F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 SubtractF(Lanes1 a, Lanes1 b) => Of(F(a) - F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 GreaterThanF(Lanes1 a, Lanes1 b) => Mask(F(a) > F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 GreaterThanOrEqualF(Lanes1 a, Lanes1 b) => Mask(F(a) >= F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 EqualF(Lanes1 a, Lanes1 b) => Mask(F(a) == F(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 TruncateToInt32(Lanes1 a) => new((uint)(int)F(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 TruncateToUInt32(Lanes1 a) => new((uint)F(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Int32ToSingle(Lanes1 a) => Of((int)a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 UInt32ToSingle(Lanes1 a) => Of(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Int32TimesDoubleToSingle(Lanes1 m, double s) => Of((float)((int)m.V * s));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Lookup(Lanes1 index, LaneTable table) => new(table[index.V]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 LeadingZeroCount(Lanes1 a) => new((uint)System.Numerics.BitOperations.LeadingZeroCount(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Permute16(Lanes1 index, System.Runtime.Intrinsics.Vector512<uint> table) => new(table[(int)(index.V & 15)]);
}
