using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// A register of float64 lanes, the double-precision sibling of <see cref="IFloatVector{TSelf}"/>, for the
/// transcendentals written once (<see cref="DoubleMath"/>, <see cref="Gaussian"/>) and run on <see cref="D512"/>,
/// <see cref="D256"/> or the one-lane <see cref="D1"/>: every member is an exact IEEE operation (or a select; no fused
/// multiply-add), so all three give the same bits per lane. Masks are all-ones / all-zeros lanes.
/// </summary>
internal interface IDoubleVector<T> where T : struct, IDoubleVector<T>
{
    static abstract T Splat(double value);
    static abstract T operator +(T a, T b);
    static abstract T operator -(T a, T b);
    static abstract T operator *(T a, T b);
    static abstract T operator /(T a, T b);
    static abstract T Abs(T a);
    static abstract T Min(T a, T b);
    static abstract T Max(T a, T b);
    /// <summary>Round half to even.</summary>
    static abstract T Round(T a);
    /// <summary>2^k for integral k in −1022..1023.</summary>
    static abstract T Pow2(T k);
    static abstract T LessThan(T a, T b);
    static abstract T GreaterThan(T a, T b);
    static abstract T IsNaN(T a);
    static abstract T Select(T mask, T whenTrue, T whenFalse);
}

/// <summary>8 lanes (<see cref="Vector512{T}"/>).</summary>
internal readonly struct D512(Vector512<double> v) : IDoubleVector<D512>
{
    public Vector512<double> V => v;
    public static D512 Splat(double value) => new(Vector512.Create(value));
    public static D512 operator +(D512 a, D512 b) => new(a.V + b.V);
    public static D512 operator -(D512 a, D512 b) => new(a.V - b.V);
    public static D512 operator *(D512 a, D512 b) => new(a.V * b.V);
    public static D512 operator /(D512 a, D512 b) => new(a.V / b.V);
    public static D512 Abs(D512 a) => new(Vector512.Abs(a.V));
    public static D512 Min(D512 a, D512 b) => new(Vector512.Min(a.V, b.V));
    public static D512 Max(D512 a, D512 b) => new(Vector512.Max(a.V, b.V));
    public static D512 Round(D512 a) => new(Vector512.Round(a.V));
    public static D512 Pow2(D512 k) => new(Vector512.ShiftLeft(Vector512.ConvertToInt64(k.V) + Vector512.Create(1023L), 52).AsDouble());
    public static D512 LessThan(D512 a, D512 b) => new(Vector512.LessThan(a.V, b.V));
    public static D512 GreaterThan(D512 a, D512 b) => new(Vector512.GreaterThan(a.V, b.V));
    public static D512 IsNaN(D512 a) => new(~Vector512.Equals(a.V, a.V));
    public static D512 Select(D512 mask, D512 t, D512 f) => new(Vector512.ConditionalSelect(mask.V, t.V, f.V));
}

/// <summary>4 lanes (<see cref="Vector256{T}"/>).</summary>
internal readonly struct D256(Vector256<double> v) : IDoubleVector<D256>
{
    public Vector256<double> V => v;
    public static D256 Splat(double value) => new(Vector256.Create(value));
    public static D256 operator +(D256 a, D256 b) => new(a.V + b.V);
    public static D256 operator -(D256 a, D256 b) => new(a.V - b.V);
    public static D256 operator *(D256 a, D256 b) => new(a.V * b.V);
    public static D256 operator /(D256 a, D256 b) => new(a.V / b.V);
    public static D256 Abs(D256 a) => new(Vector256.Abs(a.V));
    public static D256 Min(D256 a, D256 b) => new(Vector256.Min(a.V, b.V));
    public static D256 Max(D256 a, D256 b) => new(Vector256.Max(a.V, b.V));
    public static D256 Round(D256 a) => new(Vector256.Round(a.V));
    public static D256 Pow2(D256 k) => new(Vector256.ShiftLeft(Vector256.ConvertToInt64(k.V) + Vector256.Create(1023L), 52).AsDouble());
    public static D256 LessThan(D256 a, D256 b) => new(Vector256.LessThan(a.V, b.V));
    public static D256 GreaterThan(D256 a, D256 b) => new(Vector256.GreaterThan(a.V, b.V));
    public static D256 IsNaN(D256 a) => new(~Vector256.Equals(a.V, a.V));
    public static D256 Select(D256 mask, D256 t, D256 f) => new(Vector256.ConditionalSelect(mask.V, t.V, f.V));
}

/// <summary>One lane: plain double arithmetic (masks are doubles whose bits are all ones or all zeros).</summary>
internal readonly struct D1(double v) : IDoubleVector<D1>
{
    private static readonly double True = BitConverter.Int64BitsToDouble(-1);

    public double V => v;
    public static D1 Splat(double value) => new(value);
    public static D1 operator +(D1 a, D1 b) => new(a.V + b.V);
    public static D1 operator -(D1 a, D1 b) => new(a.V - b.V);
    public static D1 operator *(D1 a, D1 b) => new(a.V * b.V);
    public static D1 operator /(D1 a, D1 b) => new(a.V / b.V);
    public static D1 Abs(D1 a) => new(Math.Abs(a.V));
    public static D1 Min(D1 a, D1 b) => new(Math.Min(a.V, b.V));
    public static D1 Max(D1 a, D1 b) => new(Math.Max(a.V, b.V));
    public static D1 Round(D1 a) => new(Math.Round(a.V, MidpointRounding.ToEven));
    public static D1 Pow2(D1 k) => new(BitConverter.Int64BitsToDouble(((long)k.V + 1023) << 52));
    public static D1 LessThan(D1 a, D1 b) => new(a.V < b.V ? True : 0);
    public static D1 GreaterThan(D1 a, D1 b) => new(a.V > b.V ? True : 0);
    public static D1 IsNaN(D1 a) => new(double.IsNaN(a.V) ? True : 0);
    public static D1 Select(D1 mask, D1 t, D1 f) => BitConverter.DoubleToInt64Bits(mask.V) != 0 ? t : f;
}
