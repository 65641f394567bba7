using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Transcendentals in double precision for the float32 ops, written once over <see cref="IDoubleVector{T}"/> so Vector512,
/// Vector256 and scalar code perform the same IEEE operations (the same bits on every instruction set), and accurate
/// enough (relative error about 1e-15) that the float32 results are correctly rounded except in rare double-rounding cases.
/// </summary>
internal static class DoubleMath
{
    private const double Log2E = 1.4426950408889634, Ln2Hi = 0.693147180369123816490, Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>1/n! for n = 0..11 (the Taylor polynomial of e^r on |r| ≤ ln2/2, truncation below 1e-14).</summary>
    private static readonly double[] ExpTaylor = MakeExpTaylor(12);

    private static double[] MakeExpTaylor(int terms)
    {
        var c = new double[terms];
        double factorial = 1;
        for (int n = 0; n < terms; n++) { if (n > 0) factorial *= n; c[n] = 1 / factorial; }
        return c;
    }

    /// <summary>
    /// e^x: x = k·ln2 + r with ln2 split in two (k·Ln2Hi exact), e^r by its Taylor polynomial, scaled by 2^k. Above 709
    /// gives +∞, below −708 gives 0 (results under 2^−1022, far below float32's range); NaN propagates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, IDoubleVector<T>
    {
        var nan = T.IsNaN(x);
        var xc = T.Min(T.Max(T.Select(nan, T.Splat(0), x), T.Splat(-708)), T.Splat(709));
        var k = T.Round(xc * T.Splat(Log2E));
        var r = (xc - k * T.Splat(Ln2Hi)) - k * T.Splat(Ln2Lo);
        var y = Polynomial(r, ExpTaylor) * T.Pow2(k);
        y = T.Select(T.GreaterThan(x, T.Splat(709)), T.Splat(double.PositiveInfinity), y);
        y = T.Select(T.LessThan(x, T.Splat(-708)), T.Splat(0), y);
        return T.Select(nan, x, y);
    }

    /// <summary>
    /// Σ cᵢ xⁱ as an even and an odd half, each by Horner in x² (two independent chains: half the latency of one Horner
    /// chain, which bounds these vector loops).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Polynomial<T>(T x, ReadOnlySpan<double> c) where T : struct, IDoubleVector<T>
    {
        var x2 = x * x;
        int top = c.Length - 1, topEven = top & ~1, topOdd = (top - 1) | 1;
        var even = T.Splat(c[topEven]);
        for (int i = topEven - 2; i >= 0; i -= 2) even = even * x2 + T.Splat(c[i]);
        if (top == 0) return even;
        var odd = T.Splat(c[topOdd]);
        for (int i = topOdd - 2; i >= 1; i -= 2) odd = odd * x2 + T.Splat(c[i]);
        return even + x * odd;
    }

    /// <summary>tanh(x) = ±(1 − e^−2|x|)/(1 + e^−2|x|), and x·(1 − x²/3) for |x| &lt; 1e-4 (no cancellation).</summary>
    public static T Tanh<T>(T x) where T : struct, IDoubleVector<T>
    {
        var e = Exp(T.Abs(x) * T.Splat(-2));
        var t = (T.Splat(1) - e) / (T.Splat(1) + e);
        t = T.Select(T.LessThan(x, T.Splat(0)), T.Splat(0) - t, t);
        var small = x * (T.Splat(1) - x * x / T.Splat(3));
        return T.Select(T.LessThan(T.Abs(x), T.Splat(1e-4)), small, t);
    }

    /// <summary>1 / (1 + e^−x).</summary>
    public static T Sigmoid<T>(T x) where T : struct, IDoubleVector<T> => T.Splat(1) / (T.Splat(1) + Exp(T.Splat(0) - x));
}

/// <summary>A function evaluated in double lanes, applied to float32 data by <see cref="DoubleMap"/>.</summary>
internal interface IDoubleKernel
{
    static abstract T Invoke<T>(T x) where T : struct, IDoubleVector<T>;
}

/// <summary>The loop driver of <see cref="IDoubleKernel"/>s: floats widened to double lanes (16 or 8 at a time, or one),
/// the kernel, and the result rounded to float32. A vector tail is padded with zeros and run as a full vector (every path
/// gives the same bits, so this only saves the slower one-lane code).</summary>
internal static class DoubleMap
{
    /// <summary>y[i] = (float)K(x[i]) (x and y may be the same span).</summary>
    public static void Apply<K>(ReadOnlySpan<float> x, Span<float> y) where K : struct, IDoubleKernel
    {
        int i = 0, n = x.Length;
        y = y[..n];
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16) Block512<K>(Vector512.Create(x.Slice(i, 16))).CopyTo(y.Slice(i, 16));
            if (i < n) Padded(x[i..], y[i..], 16, static v => Block512<K>(Vector512.Create(v)).CopyTo(v));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8) Block256<K>(Vector256.Create(x.Slice(i, 8))).CopyTo(y.Slice(i, 8));
            if (i < n) Padded(x[i..], y[i..], 8, static v => Block256<K>(Vector256.Create(v)).CopyTo(v));
        }
        else
            for (; i < n; i++) y[i] = (float)K.Invoke(new D1(x[i])).V;
    }

    private static Vector512<float> Block512<K>(Vector512<float> v) where K : struct, IDoubleKernel
    {
        var (lo, hi) = Vector512.Widen(v);
        return Vector512.Narrow(K.Invoke(new D512(lo)).V, K.Invoke(new D512(hi)).V);
    }

    private static Vector256<float> Block256<K>(Vector256<float> v) where K : struct, IDoubleKernel
    {
        var (lo, hi) = Vector256.Widen(v);
        return Vector256.Narrow(K.Invoke(new D256(lo)).V, K.Invoke(new D256(hi)).V);
    }

    private delegate void InPlace(Span<float> block);

    /// <summary>The last (fewer than <paramref name="width"/>) elements, zero-padded to one block.</summary>
    private static void Padded(ReadOnlySpan<float> x, Span<float> y, int width, InPlace block)
    {
        Span<float> buffer = stackalloc float[16];
        buffer.Clear();
        x.CopyTo(buffer);
        block(buffer[..width]);
        buffer[..x.Length].CopyTo(y);
    }
}

/// <summary>e^x.</summary>
internal struct ExpKernel : IDoubleKernel
{
    public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Exp(x);
}
