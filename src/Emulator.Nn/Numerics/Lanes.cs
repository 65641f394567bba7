using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Double-precision lanes for algorithms written once (<see cref="DoubleMath"/>) and run on Vector512, Vector256 or one
/// scalar: every member is an exact IEEE operation (or a select), so all three give the same bits per lane. Masks are
/// all-ones / all-zeros lanes.
/// </summary>
internal interface ILanes<T> where T : struct, ILanes<T>
{
    static abstract T Create(double value);
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

/// <summary>Eight double lanes.</summary>
internal readonly struct Lanes512(Vector512<double> v) : ILanes<Lanes512>
{
    public Vector512<double> V => v;
    public static Lanes512 Create(double value) => new(Vector512.Create(value));
    public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.V + b.V);
    public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.V - b.V);
    public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a.V * b.V);
    public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a.V / b.V);
    public static Lanes512 Abs(Lanes512 a) => new(Vector512.Abs(a.V));
    public static Lanes512 Min(Lanes512 a, Lanes512 b) => new(Vector512.Min(a.V, b.V));
    public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.V, b.V));
    public static Lanes512 Round(Lanes512 a) => new(Vector512.Round(a.V));
    public static Lanes512 Pow2(Lanes512 k) => new(Vector512.ShiftLeft(Vector512.ConvertToInt64(k.V) + Vector512.Create(1023L), 52).AsDouble());
    public static Lanes512 LessThan(Lanes512 a, Lanes512 b) => new(Vector512.LessThan(a.V, b.V));
    public static Lanes512 GreaterThan(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a.V, b.V));
    public static Lanes512 IsNaN(Lanes512 a) => new(~Vector512.Equals(a.V, a.V));
    public static Lanes512 Select(Lanes512 mask, Lanes512 t, Lanes512 f) => new(Vector512.ConditionalSelect(mask.V, t.V, f.V));
}

/// <summary>Four double lanes.</summary>
internal readonly struct Lanes256(Vector256<double> v) : ILanes<Lanes256>
{
    public Vector256<double> V => v;
    public static Lanes256 Create(double value) => new(Vector256.Create(value));
    public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.V + b.V);
    public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.V - b.V);
    public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.V * b.V);
    public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.V / b.V);
    public static Lanes256 Abs(Lanes256 a) => new(Vector256.Abs(a.V));
    public static Lanes256 Min(Lanes256 a, Lanes256 b) => new(Vector256.Min(a.V, b.V));
    public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.V, b.V));
    public static Lanes256 Round(Lanes256 a) => new(Vector256.Round(a.V));
    public static Lanes256 Pow2(Lanes256 k) => new(Vector256.ShiftLeft(Vector256.ConvertToInt64(k.V) + Vector256.Create(1023L), 52).AsDouble());
    public static Lanes256 LessThan(Lanes256 a, Lanes256 b) => new(Vector256.LessThan(a.V, b.V));
    public static Lanes256 GreaterThan(Lanes256 a, Lanes256 b) => new(Vector256.GreaterThan(a.V, b.V));
    public static Lanes256 IsNaN(Lanes256 a) => new(~Vector256.Equals(a.V, a.V));
    public static Lanes256 Select(Lanes256 mask, Lanes256 t, Lanes256 f) => new(Vector256.ConditionalSelect(mask.V, t.V, f.V));
}

/// <summary>One scalar lane (masks are doubles whose bits are all ones or all zeros).</summary>
internal readonly struct Lane(double v) : ILanes<Lane>
{
    private static readonly double True = BitConverter.Int64BitsToDouble(-1);

    public double V => v;
    public static Lane Create(double value) => new(value);
    public static Lane operator +(Lane a, Lane b) => new(a.V + b.V);
    public static Lane operator -(Lane a, Lane b) => new(a.V - b.V);
    public static Lane operator *(Lane a, Lane b) => new(a.V * b.V);
    public static Lane operator /(Lane a, Lane b) => new(a.V / b.V);
    public static Lane Abs(Lane a) => new(Math.Abs(a.V));
    public static Lane Min(Lane a, Lane b) => new(Math.Min(a.V, b.V));
    public static Lane Max(Lane a, Lane b) => new(Math.Max(a.V, b.V));
    public static Lane Round(Lane a) => new(Math.Round(a.V, MidpointRounding.ToEven));
    public static Lane Pow2(Lane k) => new(BitConverter.Int64BitsToDouble(((long)k.V + 1023) << 52));
    public static Lane LessThan(Lane a, Lane b) => new(a.V < b.V ? True : 0);
    public static Lane GreaterThan(Lane a, Lane b) => new(a.V > b.V ? True : 0);
    public static Lane IsNaN(Lane a) => new(double.IsNaN(a.V) ? True : 0);
    public static Lane Select(Lane mask, Lane t, Lane f) => BitConverter.DoubleToInt64Bits(mask.V) != 0 ? t : f;
}
