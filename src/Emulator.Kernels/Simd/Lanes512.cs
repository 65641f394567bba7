// Generated from one template for Vector512; keep the three widths in step.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Simd;

/// <summary>16 lanes of Vector512&lt;uint&gt;.</summary>
internal readonly struct Lanes512 : ILanes<Lanes512>
{
    public readonly Vector512<uint> V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Lanes512(Vector512<uint> v) => V = v;
    public static int Count => 16;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(uint value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(ref uint source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512 value, ref uint destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LoadWiden(ref ushort source, nuint index) => Avx512F.IsSupported
        ? new(Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref source, index)))
        : new(Vector512.WidenLower(Vector512.Create(Vector256.LoadUnsafe(ref source, index), Vector256<ushort>.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LoadWiden(ref byte source, nuint index) => Avx512F.IsSupported
        ? new(Avx512F.ConvertToVector512UInt32(Vector128.LoadUnsafe(ref source, index)))
        : new(Vector512.WidenLower(Vector512.WidenLower(Vector512.Create(Vector256.Create(Vector128.LoadUnsafe(ref source, index), Vector128<byte>.Zero), Vector256<byte>.Zero))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes512 value, ref ushort destination, nuint index)
    {
        if (Avx512F.IsSupported) Avx512F.ConvertToVector256UInt16(value.V).StoreUnsafe(ref destination, index);
        else Vector512.Narrow(value.V, value.V).GetLower().StoreUnsafe(ref destination, index);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes512 value, ref byte destination, nuint index)
    {
        if (Avx512F.IsSupported) Avx512F.ConvertToVector128Byte(value.V).StoreUnsafe(ref destination, index);
        else { var w = Vector512.Narrow(value.V, value.V); Vector512.Narrow(w, w).GetLower().GetLower().StoreUnsafe(ref destination, index); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator &(Lanes512 a, Lanes512 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator |(Lanes512 a, Lanes512 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator ^(Lanes512 a, Lanes512 b) => new(a.V ^ b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 AndNot(Lanes512 a, Lanes512 b) => new(Vector512.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 ShiftLeft(Lanes512 a, int count) => new(Vector512.ShiftLeft(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 ShiftRightLogical(Lanes512 a, int count) => new(Vector512.ShiftRightLogical(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 ShiftRightArithmetic(Lanes512 a, int count) => new(Vector512.ShiftRightArithmetic(a.V.AsInt32(), count).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 ShiftLeftVariable(Lanes512 a, Lanes512 counts) =>
        Avx512F.IsSupported ? new(Avx512F.ShiftLeftLogicalVariable(a.V, counts.V)) : new(VariableShift.Left(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 ShiftRightLogicalVariable(Lanes512 a, Lanes512 counts) =>
        Avx512F.IsSupported ? new(Avx512F.ShiftRightLogicalVariable(a.V, counts.V)) : new(VariableShift.Right(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Equal(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThan(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Min(Lanes512 a, Lanes512 b) => new(Vector512.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Select(Lanes512 mask, Lanes512 whenTrue, Lanes512 whenFalse) => new(Vector512.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes512 mask) => mask.V != Vector512<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountTrue(Lanes512 mask) => BitOperations.PopCount((ulong)mask.V.ExtractMostSignificantBits());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong MaskBits(Lanes512 mask) => mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 MultiplyF(Lanes512 a, Lanes512 b) => new((a.V.AsSingle() * b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 FusedMultiplyAddF(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.V.AsSingle(), b.V.AsSingle(), c.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 AddF(Lanes512 a, Lanes512 b) => new((a.V.AsSingle() + b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 SubtractF(Lanes512 a, Lanes512 b) => new((a.V.AsSingle() - b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThanF(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThanOrEqualF(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThanOrEqual(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 EqualF(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 TruncateToInt32(Lanes512 a) => new(Vector512.ConvertToInt32Native(a.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 TruncateToUInt32(Lanes512 a) => new(Vector512.ConvertToUInt32(a.V.AsSingle()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Int32ToSingle(Lanes512 a) => new(Vector512.ConvertToSingle(a.V.AsInt32()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 UInt32ToSingle(Lanes512 a) => new(Vector512.ConvertToSingle(a.V).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Int32TimesDoubleToSingle(Lanes512 m, double s)
    {
        var scale = Vector512.Create(s);
        if (Avx512F.IsSupported) // vcvtdq2pd straight from the int32 halves
            return new(Vector512.Create(
                Avx512F.ConvertToVector256Single(Avx512F.ConvertToVector512Double(m.V.AsInt32().GetLower()) * scale),
                Avx512F.ConvertToVector256Single(Avx512F.ConvertToVector512Double(m.V.AsInt32().GetUpper()) * scale)).AsUInt32());
        var lo = Vector512.ConvertToDouble(Vector512.WidenLower(m.V.AsInt32())) * scale;
        var hi = Vector512.ConvertToDouble(Vector512.WidenUpper(m.V.AsInt32())) * scale;
        return new(Vector512.Narrow(lo, hi).AsUInt32());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Lanes512 Lookup(Lanes512 index, LaneTable t)
    {
        if (!Avx512F.IsSupported) return new(PerElement.Lookup(index.V, t));
        if (t.Length == 16) return Permute16(index, t.V0);
        if (t.Length == 32) return new(Avx512F.PermuteVar16x32x2(t.V0, index.V, t.V1));
        if (t.Length == 64)
        {
            var lo = Avx512F.PermuteVar16x32x2(t.V0, index.V, t.V1);
            var hi = Avx512F.PermuteVar16x32x2(t.V2, index.V, t.V3);
            return new(Vector512.ConditionalSelect(Vector512.Equals(index.V & Vector512.Create(32u), Vector512<uint>.Zero), lo, hi));
        }
        var i = (index.V & Vector512.Create(t.IndexMask)).AsInt32(); // .NET has no 512-bit gather: two 256-bit ones
        return new(Vector512.Create(Avx2.GatherVector256(t.Pointer, i.GetLower(), 4), Avx2.GatherVector256(t.Pointer, i.GetUpper(), 4)));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 LeadingZeroCount(Lanes512 a) => Avx512CD.IsSupported ? new(Avx512CD.LeadingZeroCount(a.V)) : new(PerElement.LeadingZeroCount(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Permute16(Lanes512 index, Vector512<uint> table) =>
        Avx512F.IsSupported ? new(Avx512F.PermuteVar16x32(table, index.V)) : new(Vector512.Shuffle(table, index.V & Vector512.Create(15u)));
}
