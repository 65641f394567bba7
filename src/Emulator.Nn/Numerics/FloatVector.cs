using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// A register of float32 lanes for elementwise kernels written once: <see cref="F512"/>, <see cref="F256"/>,
/// <see cref="F128"/> and the one-lane <see cref="F1"/> perform exactly the same correctly rounded IEEE operation per lane
/// (no fused multiply-add anywhere), so a formula written against this interface gives identical bits on every
/// instruction set, in its vector body and in its scalar tail.
/// </summary>
internal interface IFloatVector<TSelf> where TSelf : struct, IFloatVector<TSelf>
{
    /// <summary>Lanes per register.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on hardware here.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>Loads lanes from <c>a[i ..]</c>.</summary>
    static abstract TSelf Load(float[] a, int i);

    /// <summary>Stores the lanes to <c>a[i ..]</c>.</summary>
    void Store(float[] a, int i);

    /// <summary>Every lane set to <paramref name="v"/>.</summary>
    static abstract TSelf Splat(float v);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise a − b.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-wise a × b.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-wise a / b.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>Lane-wise square root.</summary>
    static abstract TSelf Sqrt(TSelf a);

    /// <summary>Lane-wise IEEE maximum (NaN if either is NaN; +0 above −0), as <c>torch.maximum</c>.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);
}

/// <summary>A kernel applied to <c>TV.Count</c> consecutive elements starting at an index.</summary>
internal interface IElementwiseKernel
{
    /// <summary>Processes elements [i, i + TV.Count).</summary>
    void Apply<TV>(int i) where TV : struct, IFloatVector<TV>;
}

/// <summary>Runs an <see cref="IElementwiseKernel"/> over n elements: the widest accelerated register for the body, then
/// one lane at a time (the same operations, so the split never changes a bit).</summary>
internal static class Elementwise
{
    /// <summary>Applies the kernel to every element of [0, n).</summary>
    public static void Run<TK>(ref TK kernel, int n) where TK : struct, IElementwiseKernel
    {
        int i = 0;
        if (F512.IsAccelerated) i = Body<TK, F512>(ref kernel, n);
        else if (F256.IsAccelerated) i = Body<TK, F256>(ref kernel, n);
        else if (F128.IsAccelerated) i = Body<TK, F128>(ref kernel, n);
        for (; i < n; i++) kernel.Apply<F1>(i);
    }

    /// <summary>Applies the kernel with register type TV only (all of [0, n) must be covered: n a multiple of TV.Count,
    /// or TV = <see cref="F1"/>); tests use it to compare widths.</summary>
    internal static void RunWith<TK, TV>(ref TK kernel, int n) where TK : struct, IElementwiseKernel where TV : struct, IFloatVector<TV>
    {
        int i = Body<TK, TV>(ref kernel, n);
        for (; i < n; i++) kernel.Apply<F1>(i);
    }

    private static int Body<TK, TV>(ref TK kernel, int n) where TK : struct, IElementwiseKernel where TV : struct, IFloatVector<TV>
    {
        int i = 0;
        for (; i + TV.Count <= n; i += TV.Count) kernel.Apply<TV>(i);
        return i;
    }
}

/// <summary>16 lanes (<see cref="Vector512{T}"/>).</summary>
internal readonly struct F512(Vector512<float> v) : IFloatVector<F512>
{
    private readonly Vector512<float> _v = v;
    public static int Count => 16;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F512 Load(float[] a, int i) => new(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] a, int i) => _v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i);
    public static F512 Splat(float v) => new(Vector512.Create(v));
    public static F512 operator +(F512 a, F512 b) => new(a._v + b._v);
    public static F512 operator -(F512 a, F512 b) => new(a._v - b._v);
    public static F512 operator *(F512 a, F512 b) => new(a._v * b._v);
    public static F512 operator /(F512 a, F512 b) => new(a._v / b._v);
    public static F512 Sqrt(F512 a) => new(Vector512.Sqrt(a._v));
    public static F512 Max(F512 a, F512 b) => new(Vector512.Max(a._v, b._v));
}

/// <summary>8 lanes (<see cref="Vector256{T}"/>).</summary>
internal readonly struct F256(Vector256<float> v) : IFloatVector<F256>
{
    private readonly Vector256<float> _v = v;
    public static int Count => 8;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F256 Load(float[] a, int i) => new(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] a, int i) => _v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i);
    public static F256 Splat(float v) => new(Vector256.Create(v));
    public static F256 operator +(F256 a, F256 b) => new(a._v + b._v);
    public static F256 operator -(F256 a, F256 b) => new(a._v - b._v);
    public static F256 operator *(F256 a, F256 b) => new(a._v * b._v);
    public static F256 operator /(F256 a, F256 b) => new(a._v / b._v);
    public static F256 Sqrt(F256 a) => new(Vector256.Sqrt(a._v));
    public static F256 Max(F256 a, F256 b) => new(Vector256.Max(a._v, b._v));
}

/// <summary>4 lanes (<see cref="Vector128{T}"/>).</summary>
internal readonly struct F128(Vector128<float> v) : IFloatVector<F128>
{
    private readonly Vector128<float> _v = v;
    public static int Count => 4;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F128 Load(float[] a, int i) => new(Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(float[] a, int i) => _v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)i);
    public static F128 Splat(float v) => new(Vector128.Create(v));
    public static F128 operator +(F128 a, F128 b) => new(a._v + b._v);
    public static F128 operator -(F128 a, F128 b) => new(a._v - b._v);
    public static F128 operator *(F128 a, F128 b) => new(a._v * b._v);
    public static F128 operator /(F128 a, F128 b) => new(a._v / b._v);
    public static F128 Sqrt(F128 a) => new(Vector128.Sqrt(a._v));
    public static F128 Max(F128 a, F128 b) => new(Vector128.Max(a._v, b._v));
}

/// <summary>One lane: plain float arithmetic (the scalar tail and the no-SIMD path).</summary>
internal readonly struct F1(float v) : IFloatVector<F1>
{
    private readonly float _v = v;
    public static int Count => 1;
    public static bool IsAccelerated => true;
    public static F1 Load(float[] a, int i) => new(a[i]);
    public void Store(float[] a, int i) => a[i] = _v;
    public static F1 Splat(float v) => new(v);
    public static F1 operator +(F1 a, F1 b) => new(a._v + b._v);
    public static F1 operator -(F1 a, F1 b) => new(a._v - b._v);
    public static F1 operator *(F1 a, F1 b) => new(a._v * b._v);
    public static F1 operator /(F1 a, F1 b) => new(a._v / b._v);
    public static F1 Sqrt(F1 a) => new(MathF.Sqrt(a._v));
    public static F1 Max(F1 a, F1 b) => new(MathF.Max(a._v, b._v));
}
