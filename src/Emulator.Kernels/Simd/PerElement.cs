using System.Numerics;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Simd;

/// <summary>Per-element forms of <see cref="ILanes{TSelf}.Lookup"/> and <see cref="ILanes{TSelf}.LeadingZeroCount"/> for
/// hardware without the instruction (and the float32 leading-zero trick for AVX2).</summary>
internal static class PerElement
{
    public static Vector128<uint> Lookup(Vector128<uint> i, LaneTable t) => Vector128.Create(t[i[0]], t[i[1]], t[i[2]], t[i[3]]);
    public static Vector256<uint> Lookup(Vector256<uint> i, LaneTable t) => Vector256.Create(Lookup(i.GetLower(), t), Lookup(i.GetUpper(), t));
    public static Vector512<uint> Lookup(Vector512<uint> i, LaneTable t) => Vector512.Create(Lookup(i.GetLower(), t), Lookup(i.GetUpper(), t));

    public static Vector128<uint> Permute16(Vector128<uint> i, Vector512<uint> t) => Vector128.Create(
        t.GetElement((int)(i[0] & 15)), t.GetElement((int)(i[1] & 15)), t.GetElement((int)(i[2] & 15)), t.GetElement((int)(i[3] & 15)));
    public static Vector256<uint> Permute16(Vector256<uint> i, Vector512<uint> t) => Vector256.Create(Permute16(i.GetLower(), t), Permute16(i.GetUpper(), t));

    public static Vector128<uint> LeadingZeroCount(Vector128<uint> a) => Vector128.Create(
        (uint)BitOperations.LeadingZeroCount(a[0]), (uint)BitOperations.LeadingZeroCount(a[1]),
        (uint)BitOperations.LeadingZeroCount(a[2]), (uint)BitOperations.LeadingZeroCount(a[3]));
    public static Vector512<uint> LeadingZeroCount(Vector512<uint> a) => Vector512.Create(LeadingZeroCountFloat(a.GetLower()), LeadingZeroCountFloat(a.GetUpper()));

    /// <summary>31 - msb through a float32 conversion: y = a &amp; ~(a &gt;&gt; 1) keeps the top bit and stays below 1.5 times it,
    /// so (y &gt;&gt; 1) converts to float32 without rounding up to the next power of two; a &lt; 2 is 32 - a.</summary>
    public static Vector256<uint> LeadingZeroCountFloat(Vector256<uint> a)
    {
        var y = Vector256.AndNot(a, a >> 1) >> 1;
        var field = Vector256.ConvertToSingle(y.AsInt32()).AsUInt32() >> 23;
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(2u)), Vector256.Create(32u) - a, Vector256.Create(157u) - field);
    }

    public static Vector128<uint> LeadingZeroCountFloat(Vector128<uint> a)
    {
        var y = Vector128.AndNot(a, a >> 1) >> 1;
        var field = Vector128.ConvertToSingle(y.AsInt32()).AsUInt32() >> 23;
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(2u)), Vector128.Create(32u) - a, Vector128.Create(157u) - field);
    }
}
