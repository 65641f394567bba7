using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// A vector of float lanes for kernels written once for every width (Vector512, Vector256, one scalar lane). Every
/// operation is exact data movement or one correctly rounded IEEE operation per lane, so the widths give the same bits.
/// </summary>
internal unsafe interface IFloatLanes<TSelf> where TSelf : struct, IFloatLanes<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes +0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Loads <see cref="Count"/> floats.</summary>
    static abstract TSelf Load(float* p);

    /// <summary>Stores <see cref="Count"/> floats.</summary>
    static abstract void Store(TSelf v, float* p);

    /// <summary>acc + v in the lanes whose mask word is all ones, acc + 0 in the others.</summary>
    static abstract TSelf AddMasked(TSelf acc, TSelf v, uint* mask);

    /// <summary>Every lane = s.</summary>
    static abstract TSelf Create(float s);

    /// <summary>a·b + c with one rounding (fused).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>a + b.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>a · b.</summary>
    static abstract TSelf Multiply(TSelf a, TSelf b);
}

/// <summary>16 lanes of <see cref="Vector512{T}"/>.</summary>
internal readonly unsafe struct Lanes512F(Vector512<float> v) : IFloatLanes<Lanes512F>
{
    private readonly Vector512<float> _v = v;
    public static int Count => 16;
    public static Lanes512F Zero => new(Vector512<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512F Load(float* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512F v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512F AddMasked(Lanes512F acc, Lanes512F v, uint* mask) => new(acc._v + (v._v & Vector512.Load(mask).AsSingle()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512F Create(float s) => new(Vector512.Create(s));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512F MultiplyAdd(Lanes512F a, Lanes512F b, Lanes512F c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512F Add(Lanes512F a, Lanes512F b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512F Multiply(Lanes512F a, Lanes512F b) => new(a._v * b._v);
}

/// <summary>8 lanes of <see cref="Vector256{T}"/>.</summary>
internal readonly unsafe struct Lanes256F(Vector256<float> v) : IFloatLanes<Lanes256F>
{
    private readonly Vector256<float> _v = v;
    public static int Count => 8;
    public static Lanes256F Zero => new(Vector256<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256F Load(float* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256F v, float* p) => v._v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256F AddMasked(Lanes256F acc, Lanes256F v, uint* mask) => new(acc._v + (v._v & Vector256.Load(mask).AsSingle()));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256F Create(float s) => new(Vector256.Create(s));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256F MultiplyAdd(Lanes256F a, Lanes256F b, Lanes256F c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256F Add(Lanes256F a, Lanes256F b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256F Multiply(Lanes256F a, Lanes256F b) => new(a._v * b._v);
}

/// <summary>One scalar lane (the fallback without vector hardware).</summary>
internal readonly unsafe struct Lanes1F(float v) : IFloatLanes<Lanes1F>
{
    private readonly float _v = v;
    public static int Count => 1;
    public static Lanes1F Zero => new(0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1F Load(float* p) => new(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes1F v, float* p) => *p = v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1F AddMasked(Lanes1F acc, Lanes1F v, uint* mask) => new(acc._v + (*mask != 0 ? v._v : 0f));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1F Create(float s) => new(s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1F MultiplyAdd(Lanes1F a, Lanes1F b, Lanes1F c) => new(MathF.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1F Add(Lanes1F a, Lanes1F b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1F Multiply(Lanes1F a, Lanes1F b) => new(a._v * b._v);
}
