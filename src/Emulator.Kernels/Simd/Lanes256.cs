// Generated from one template for Vector256; keep the three widths in step.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Simd;

/// <summary>8 lanes of Vector256&lt;uint&gt;.</summary>
internal readonly struct Lanes256 : ILanes<Lanes256>
{
    public readonly Vector256<uint> V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Lanes256(Vector256<uint> v) => V = v;
    public static int Count => 8;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(uint value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref uint source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256 value, ref uint destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 LoadWiden(ref ushort source, nuint index) =>
        new(Vector256.WidenLower(Vector256.Create(Vector128.LoadUnsafe(ref source, index), Vector128<ushort>.Zero)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 LoadWiden(ref byte source, nuint index)
    {
        var b = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, index))).AsByte();
        return new(Vector256.WidenLower(Vector256.WidenLower(Vector256.Create(b, Vector128<byte>.Zero))));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes256 value, ref ushort destination, nuint index) =>
        Vector256.Narrow(value.V, value.V).GetLower().StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrow(Lanes256 value, ref byte destination, nuint index)
    {
        var w = Vector256.Narrow(value.V, value.V);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, index), Vector256.Narrow(w, w).AsUInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator &(Lanes256 a, Lanes256 b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator |(Lanes256 a, Lanes256 b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator ^(Lanes256 a, Lanes256 b) => new(a.V ^ b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 AndNot(Lanes256 a, Lanes256 b) => new(Vector256.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 ShiftLeft(Lanes256 a, int count) => new(Vector256.ShiftLeft(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 ShiftRightLogical(Lanes256 a, int count) => new(Vector256.ShiftRightLogical(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 ShiftRightArithmetic(Lanes256 a, int count) => new(Vector256.ShiftRightArithmetic(a.V.AsInt32(), count).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftLeftVariable(Lanes256 a, Lanes256 counts) =>
        Avx2.IsSupported ? new(Avx2.ShiftLeftLogicalVariable(a.V, counts.V)) : new(VariableShift.Left(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 ShiftRightLogicalVariable(Lanes256 a, Lanes256 counts) =>
        Avx2.IsSupported ? new(Avx2.ShiftRightLogicalVariable(a.V, counts.V)) : new(VariableShift.Right(a.V, counts.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Equal(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThan(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Min(Lanes256 a, Lanes256 b) => new(Vector256.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Select(Lanes256 mask, Lanes256 whenTrue, Lanes256 whenFalse) => new(Vector256.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes256 mask) => mask.V != Vector256<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int CountTrue(Lanes256 mask) => BitOperations.PopCount((ulong)mask.V.ExtractMostSignificantBits());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong MaskBits(Lanes256 mask) => mask.V.ExtractMostSignificantBits();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 MultiplyF(Lanes256 a, Lanes256 b) => new((a.V.AsSingle() * b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 FusedMultiplyAddF(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.V.AsSingle(), b.V.AsSingle(), c.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 AddF(Lanes256 a, Lanes256 b) => new((a.V.AsSingle() + b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 SubtractF(Lanes256 a, Lanes256 b) => new((a.V.AsSingle() - b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThanF(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThan(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThanOrEqualF(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThanOrEqual(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 EqualF(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.V.AsSingle(), b.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 TruncateToInt32(Lanes256 a) => new(Vector256.ConvertToInt32Native(a.V.AsSingle()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 TruncateToUInt32(Lanes256 a) => new(Vector256.ConvertToUInt32(a.V.AsSingle()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Int32ToSingle(Lanes256 a) => new(Vector256.ConvertToSingle(a.V.AsInt32()).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 UInt32ToSingle(Lanes256 a) => new(Vector256.ConvertToSingle(a.V).AsUInt32());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Int32TimesDoubleToSingle(Lanes256 m, double s)
    {
        var scale = Vector256.Create(s);
        if (Avx.IsSupported) // vcvtdq2pd straight from the int32 halves
            return new(Vector256.Create(
                Avx.ConvertToVector128Single(Avx.ConvertToVector256Double(m.V.AsInt32().GetLower()) * scale),
                Avx.ConvertToVector128Single(Avx.ConvertToVector256Double(m.V.AsInt32().GetUpper()) * scale)).AsUInt32());
        var lo = Vector256.ConvertToDouble(Vector256.WidenLower(m.V.AsInt32())) * scale;
        var hi = Vector256.ConvertToDouble(Vector256.WidenUpper(m.V.AsInt32())) * scale;
        return new(Vector256.Narrow(lo, hi).AsUInt32());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Lanes256 Lookup(Lanes256 index, LaneTable t)
    {
        if (!Avx2.IsSupported) return new(PerElement.Lookup(index.V, t));
        if (t.Length == 16) return Permute16(index, t.V0);
        return new(Avx2.GatherVector256(t.Pointer, (index.V & Vector256.Create(t.IndexMask)).AsInt32(), 4));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 LeadingZeroCount(Lanes256 a) => Avx512CD.VL.IsSupported ? new(Avx512CD.VL.LeadingZeroCount(a.V)) : new(PerElement.LeadingZeroCountFloat(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Permute16(Lanes256 index, Vector512<uint> table)
    {
        if (!Avx2.IsSupported) return new(PerElement.Permute16(index.V, table));
        var lo = Avx2.PermuteVar8x32(table.GetLower(), index.V);
        var hi = Avx2.PermuteVar8x32(table.GetUpper(), index.V);
        return new(Vector256.ConditionalSelect(Vector256.Equals(index.V & Vector256.Create(8u), Vector256<uint>.Zero), lo, hi));
    }
}
