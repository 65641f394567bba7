using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emulator.Kernels.Simd;

/// <summary>System.Numerics.Vector&lt;uint&gt; lanes (the platform's preferred width); used where kernels mix in
/// Vector&lt;double&gt; work and need matching lane counts.</summary>
internal readonly struct LanesVector : ILanes<LanesVector>
{
    public readonly Vector<uint> V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public LanesVector(Vector<uint> v) => V = v;
    public static int Count => Vector<uint>.Count;
    public static bool IsHardwareAccelerated => Vector.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Create(uint value) => new(new Vector<uint>(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Load(ref uint source, nuint index) => new(Vector.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(LanesVector value, ref uint destination, nuint index) => value.V.StoreUnsafe(ref destination, index);
    public static LanesVector LoadWiden(ref ushort source, nuint index)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = Unsafe.Add(ref source, index + (nuint)k);
        return new(new Vector<uint>(r));
    }
    public static LanesVector LoadWiden(ref byte source, nuint index)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = Unsafe.Add(ref source, index + (nuint)k);
        return new(new Vector<uint>(r));
    }
    public static void StoreNarrow(LanesVector value, ref ushort destination, nuint index) { for (int k = 0; k < Count; k++) Unsafe.Add(ref destination, index + (nuint)k) = (ushort)value.V[k]; }
    public static void StoreNarrow(LanesVector value, ref byte destination, nuint index) { for (int k = 0; k < Count; k++) Unsafe.Add(ref destination, index + (nuint)k) = (byte)value.V[k]; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector operator &(LanesVector a, LanesVector b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector operator |(LanesVector a, LanesVector b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector operator ^(LanesVector a, LanesVector b) => new(a.V ^ b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector operator +(LanesVector a, LanesVector b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector operator -(LanesVector a, LanesVector b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector AndNot(LanesVector a, LanesVector b) => new(Vector.AndNot(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector ShiftLeft(LanesVector a, int count) => new(Vector.ShiftLeft(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector ShiftRightLogical(LanesVector a, int count) => new(Vector.ShiftRightLogical(a.V, count));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector ShiftRightArithmetic(LanesVector a, int count) => new(Vector.AsVectorUInt32(Vector.ShiftRightArithmetic(Vector.AsVectorInt32(a.V), count)));
    public static LanesVector ShiftLeftVariable(LanesVector a, LanesVector counts)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = VariableShift.Left(a.V[k], counts.V[k]);
        return new(new Vector<uint>(r));
    }
    public static LanesVector ShiftRightLogicalVariable(LanesVector a, LanesVector counts)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = VariableShift.Right(a.V[k], counts.V[k]);
        return new(new Vector<uint>(r));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Equal(LanesVector a, LanesVector b) => new(Vector.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector GreaterThan(LanesVector a, LanesVector b) => new(Vector.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Min(LanesVector a, LanesVector b) => new(Vector.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Max(LanesVector a, LanesVector b) => new(Vector.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Select(LanesVector mask, LanesVector whenTrue, LanesVector whenFalse) => new(Vector.ConditionalSelect(mask.V, whenTrue.V, whenFalse.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(LanesVector mask) => mask.V != Vector<uint>.Zero;
    public static int CountTrue(LanesVector mask) { int c = 0; for (int k = 0; k < Count; k++) c += (int)(mask.V[k] >> 31); return c; }
    public static ulong MaskBits(LanesVector mask) { ulong b = 0; for (int k = 0; k < Count; k++) b |= (ulong)(mask.V[k] >> 31) << k; return b; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector MultiplyF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.AsVectorSingle(a.V) * Vector.AsVectorSingle(b.V)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector FusedMultiplyAddF(LanesVector a, LanesVector b, LanesVector c) => new(Vector.AsVectorUInt32(Vector.FusedMultiplyAdd(Vector.AsVectorSingle(a.V), Vector.AsVectorSingle(b.V), Vector.AsVectorSingle(c.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector AddF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.AsVectorSingle(a.V) + Vector.AsVectorSingle(b.V)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector SubtractF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.AsVectorSingle(a.V) - Vector.AsVectorSingle(b.V)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector GreaterThanF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.GreaterThan(Vector.AsVectorSingle(a.V), Vector.AsVectorSingle(b.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector GreaterThanOrEqualF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.GreaterThanOrEqual(Vector.AsVectorSingle(a.V), Vector.AsVectorSingle(b.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector EqualF(LanesVector a, LanesVector b) => new(Vector.AsVectorUInt32(Vector.Equals(Vector.AsVectorSingle(a.V), Vector.AsVectorSingle(b.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector TruncateToInt32(LanesVector a) => new(Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.AsVectorSingle(a.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector TruncateToUInt32(LanesVector a) => new(Vector.ConvertToUInt32(Vector.AsVectorSingle(a.V)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector Int32ToSingle(LanesVector a) => new(Vector.AsVectorUInt32(Vector.ConvertToSingle(Vector.AsVectorInt32(a.V))));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static LanesVector UInt32ToSingle(LanesVector a) => new(Vector.AsVectorUInt32(Vector.ConvertToSingle(a.V)));
    public static LanesVector Int32TimesDoubleToSingle(LanesVector m, double s)
    {
        Vector.Widen(Vector.AsVectorInt32(m.V), out Vector<long> lo, out Vector<long> hi);
        var scale = new Vector<double>(s);
        return new(Vector.AsVectorUInt32(Vector.Narrow(Vector.ConvertToDouble(lo) * scale, Vector.ConvertToDouble(hi) * scale)));
    }
    public static LanesVector Lookup(LanesVector index, LaneTable table)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = table[index.V[k]];
        return new(new Vector<uint>(r));
    }
    public static LanesVector LeadingZeroCount(LanesVector a)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = (uint)BitOperations.LeadingZeroCount(a.V[k]);
        return new(new Vector<uint>(r));
    }
    public static LanesVector Permute16(LanesVector index, System.Runtime.Intrinsics.Vector512<uint> table)
    {
        Span<uint> r = stackalloc uint[Count];
        for (int k = 0; k < Count; k++) r[k] = table[(int)(index.V[k] & 15)];
        return new(new Vector<uint>(r));
    }
}
