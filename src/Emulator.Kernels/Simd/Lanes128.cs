// Generated from one template for Vector128; keep the three widths in step.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Simd;

/// <summary>4 lanes of Vector128&lt;uint&gt;.</summary>
internal readonly struct Lanes128 : ILanes<Lanes128>
{
    public readonly Vector128<uint> V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Lanes128(Vector128<uint> v) => V = v;
    public static int Count => 4;
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Create(uint value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(ref uint source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes128 value, ref uint destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 LoadWiden(ref ushort source, nuint index) =>
        new(Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, index)))).AsUInt16()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 LoadWiden(ref byte source, nuint index) =>
        new(Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, index))).AsByte())));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes128 value, ref ushort destination, nuint index) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref destination, index)), Vector128.Narrow(value.V, value.V).AsUInt64().ToScalar());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes128 value, ref byte destination, nuint index)
    {
        var w = Vector128.Narrow(value.V, value.V);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, index), Vector128.Narrow(w, w).AsUInt32().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator &(Lanes128 a, Lanes128 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator |(Lanes128 a, Lanes128 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator ^(Lanes128 a, Lanes128 b) => new(a.V ^ b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 AndNot(Lanes128 a, Lanes128 b) => new(Vector128.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 ShiftLeft(Lanes128 a, int count) => new(Vector128.ShiftLeft(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 ShiftRightLogical(Lanes128 a, int count) => new(Vector128.ShiftRightLogical(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 ShiftRightArithmetic(Lanes128 a, int count) => new(Vector128.ShiftRightArithmetic(a.V.AsInt32(), count).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftLeftVariable(Lanes128 a, Lanes128 counts) =>
        Avx2.IsSupported ? new(Avx2.ShiftLeftLogicalVariable(a.V, counts.V)) : new(VariableShift.Left(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 ShiftRightLogicalVariable(Lanes128 a, Lanes128 counts) =>
        Avx2.IsSupported ? new(Avx2.ShiftRightLogicalVariable(a.V, counts.V)) : new(VariableShift.Right(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Equal(Lanes128 a, Lanes128 b) => new(Vector128.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 GreaterThan(Lanes128 a, Lanes128 b) => new(Vector128.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Min(Lanes128 a, Lanes128 b) => new(Vector128.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Max(Lanes128 a, Lanes128 b) => new(Vector128.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Select(Lanes128 mask, Lanes128 whenTrue, Lanes128 whenFalse) => new(Vector128.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes128 mask) => mask.V != Vector128<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountTrue(Lanes128 mask) => BitOperations.PopCount((ulong)mask.V.ExtractMostSignificantBits());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong MaskBits(Lanes128 mask) => mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 MultiplyF(Lanes128 a, Lanes128 b) => new((a.V.AsSingle() * b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 FusedMultiplyAddF(Lanes128 a, Lanes128 b, Lanes128 c) => new(Vector128.FusedMultiplyAdd(a.V.AsSingle(), b.V.AsSingle(), c.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 AddF(Lanes128 a, Lanes128 b) => new((a.V.AsSingle() + b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 SubtractF(Lanes128 a, Lanes128 b) => new((a.V.AsSingle() - b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 GreaterThanF(Lanes128 a, Lanes128 b) => new(Vector128.GreaterThan(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 GreaterThanOrEqualF(Lanes128 a, Lanes128 b) => new(Vector128.GreaterThanOrEqual(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 EqualF(Lanes128 a, Lanes128 b) => new(Vector128.Equals(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 TruncateToInt32(Lanes128 a) => new(Vector128.ConvertToInt32Native(a.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 TruncateToUInt32(Lanes128 a) => new(Vector128.ConvertToUInt32(a.V.AsSingle()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Int32ToSingle(Lanes128 a) => new(Vector128.ConvertToSingle(a.V.AsInt32()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 UInt32ToSingle(Lanes128 a) => new(Vector128.ConvertToSingle(a.V).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Int32TimesDoubleToSingle(Lanes128 m, double s)
    {
        var scale = Vector128.Create(s);
        var lo = Vector128.ConvertToDouble(Vector128.WidenLower(m.V.AsInt32())) * scale;
        var hi = Vector128.ConvertToDouble(Vector128.WidenUpper(m.V.AsInt32())) * scale;
        return new(Vector128.Narrow(lo, hi).AsUInt32());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Lanes128 Lookup(Lanes128 index, LaneTable t) => Avx2.IsSupported
        ? new(Avx2.GatherVector128(t.Pointer, (index.V & Vector128.Create(t.IndexMask)).AsInt32(), 4))
        : new(PerElement.Lookup(index.V, t));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 LeadingZeroCount(Lanes128 a) => Avx512CD.VL.IsSupported ? new(Avx512CD.VL.LeadingZeroCount(a.V))
        : Vector128.IsHardwareAccelerated ? new(PerElement.LeadingZeroCountFloat(a.V)) : new(PerElement.LeadingZeroCount(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Permute16(Lanes128 index, Vector512<uint> table) => new(PerElement.Permute16(index.V, table));
}
