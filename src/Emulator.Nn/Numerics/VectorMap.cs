using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>An elementwise function of one input whose vector forms perform exactly the scalar form's IEEE operations.</summary>
internal interface IVectorUnary
{
    static abstract float Invoke(float x);
    static abstract Vector512<float> Invoke(Vector512<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>An elementwise function of two inputs whose vector forms perform exactly the scalar form's IEEE operations.</summary>
internal interface IVectorBinary
{
    static abstract float Invoke(float a, float b);
    static abstract Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
}

/// <summary>
/// The loop driver of <see cref="IVectorUnary"/> / <see cref="IVectorBinary"/> operator structs: Vector512 when
/// accelerated, else Vector256, else scalar, with a scalar tail; every path gives the same bits.
/// </summary>
internal static class VectorMap
{
    /// <summary>y[i] = T(x[i]).</summary>
    public static void Apply<T>(ReadOnlySpan<float> x, Span<float> y) where T : struct, IVectorUnary
    {
        int i = 0, n = x.Length;
        y = y[..n];
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) T.Invoke(Vector512.Create(x.Slice(i, 16))).CopyTo(y.Slice(i, 16));
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) T.Invoke(Vector256.Create(x.Slice(i, 8))).CopyTo(y.Slice(i, 8));
        for (; i < n; i++) y[i] = T.Invoke(x[i]);
    }

    /// <summary>y[i] = T(a[i], b[i]).</summary>
    public static void Apply<T>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where T : struct, IVectorBinary
    {
        int i = 0, n = a.Length;
        b = b[..n];
        y = y[..n];
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                T.Invoke(Vector512.Create(a.Slice(i, 16)), Vector512.Create(b.Slice(i, 16))).CopyTo(y.Slice(i, 16));
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
                T.Invoke(Vector256.Create(a.Slice(i, 8)), Vector256.Create(b.Slice(i, 8))).CopyTo(y.Slice(i, 8));
        for (; i < n; i++) y[i] = T.Invoke(a[i], b[i]);
    }
}
