using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Kernels;

/// <summary>What a block's elements give its scale: the largest finite magnitude and whether NaN or ±Inf occur.</summary>
internal readonly record struct BlockStats(float FiniteAmax, bool HasNaN, bool HasInf)
{
    /// <summary>The statistics of <paramref name="x"/> with registers of at most <paramref name="maxLanes"/> lanes.</summary>
    public static BlockStats Of(ReadOnlySpan<float> x, int maxLanes)
    {
        ref float p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float amax = 0f;
        bool nan = false, inf = false;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512<float>.Zero;
            var special = Vector512<float>.Zero;
            var limit = Vector512.Create(float.MaxValue);
            for (; i <= n - 16; i += 16)
            {
                var a = Vector512.Abs(Vector512.LoadUnsafe(ref p, (nuint)i));
                var finite = Vector512.LessThanOrEqual(a, limit);
                m = Vector512.Max(m, a & finite);
                special |= ~finite;
            }
            if (special != Vector512<float>.Zero) return Scalar(x);
            var h = Vector256.Max(m.GetLower(), m.GetUpper());
            amax = Reduce(h.GetLower(), h.GetUpper());
        }
        else if (maxLanes >= 8 && Vector256.IsHardwareAccelerated && n >= 8)
        {
            var m = Vector256<float>.Zero;
            var special = Vector256<float>.Zero;
            var limit = Vector256.Create(float.MaxValue);
            for (; i <= n - 8; i += 8)
            {
                var a = Vector256.Abs(Vector256.LoadUnsafe(ref p, (nuint)i));
                var finite = Vector256.LessThanOrEqual(a, limit);
                m = Vector256.Max(m, a & finite);
                special |= ~finite;
            }
            if (special != Vector256<float>.Zero) return Scalar(x);
            amax = Reduce(m.GetLower(), m.GetUpper());
        }
        else if (maxLanes >= 4 && Vector128.IsHardwareAccelerated && n >= 4)
        {
            var m = Vector128<float>.Zero;
            var special = Vector128<float>.Zero;
            var limit = Vector128.Create(float.MaxValue);
            for (; i <= n - 4; i += 4)
            {
                var a = Vector128.Abs(Vector128.LoadUnsafe(ref p, (nuint)i));
                var finite = Vector128.LessThanOrEqual(a, limit);
                m = Vector128.Max(m, a & finite);
                special |= ~finite;
            }
            if (special != Vector128<float>.Zero) return Scalar(x);
            amax = Reduce(m, m);
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref p, i);
            if (float.IsNaN(v)) nan = true;
            else if (float.IsInfinity(v)) inf = true;
            else amax = MathF.Max(amax, MathF.Abs(v));
        }
        return new BlockStats(amax, nan, inf);
    }

    internal static float Reduce(Vector128<float> a, Vector128<float> b)
    {
        // Lanes hold finite magnitudes (no NaN), so the order of the maxima does not matter.
        var m = Vector128.Max(a, b);
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    private static BlockStats Scalar(ReadOnlySpan<float> x)
    {
        float amax = 0f;
        bool nan = false, inf = false;
        foreach (float v in x)
        {
            if (float.IsNaN(v)) nan = true;
            else if (float.IsInfinity(v)) inf = true;
            else amax = MathF.Max(amax, MathF.Abs(v));
        }
        return new BlockStats(amax, nan, inf);
    }
}

/// <summary>The element-wise steps of a vector block: x scaled before the element rounding, the scale multiplied back after it.</summary>
internal static class BlockVectors
{
    /// <summary>A full block (a multiple of 16 elements, Vector512) under the floor rule in one call: amax, exponent k, and
    /// t = clamp(fl32(x * 2^-k), -max, max) as <see cref="ScalePow2"/>. Returns false (t untouched) when the block holds NaN or
    /// ±Inf; <paramref name="flushed"/> as <see cref="ScalePow2"/>.</summary>
    public static bool FloorBlock512(ReadOnlySpan<float> x, Span<float> t, ScaleTables scales, float max, out int k, out bool flushed)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pt = ref MemoryMarshal.GetReference(t);
        int n = x.Length;
        var m = Vector512<float>.Zero;
        var special = Vector512<float>.Zero;
        var limit = Vector512.Create(float.MaxValue);
        for (int i = 0; i < n; i += 16)
        {
            var a = Vector512.Abs(Vector512.LoadUnsafe(ref px, (nuint)i));
            var finite = Vector512.LessThanOrEqual(a, limit);
            m = Vector512.Max(m, a & finite);
            special |= ~finite;
        }
        if (special != Vector512<float>.Zero) { k = 0; flushed = false; return false; }
        var h = Vector256.Max(m.GetLower(), m.GetUpper());
        k = scales.Exponent(BlockStats.Reduce(h.GetLower(), h.GetUpper()));
        var f = Vector512.Create(scales.Factor(k));
        var hi = Vector512.Create(max);
        var lo = Vector512.Create(-max);
        var bad = Vector512<float>.Zero;
        for (int i = 0; i < n; i += 16)
        {
            var v = Vector512.LoadUnsafe(ref px, (nuint)i);
            var q = v * f;
            Vector512.Min(Vector512.Max(q, lo), hi).StoreUnsafe(ref pt, (nuint)i);
            bad |= Vector512.Equals(q, Vector512<float>.Zero) & ~Vector512.Equals(v, Vector512<float>.Zero);
        }
        flushed = bad != Vector512<float>.Zero;
        return true;
    }

    /// <summary>t = clamp(fl32(x * 2^-k), -max, max); returns whether a nonzero element gave 0 (its block then runs the
    /// reference). The clamp does not change the saturating element rounding (anything beyond max rounds to max in every
    /// mode) but keeps the element kernel on its fast path.</summary>
    /// <remarks>The product is exact unless it falls below float32's normal range, far below the element format's smallest
    /// subnormal (at least 2^-64): the rounding then decides the same (round-to-nearest gives 0, directed and stochastic
    /// modes see the same sign and a nonzero remainder whose floor(nu 2^32) is 0) unless the product flushes to zero.</remarks>
    public static bool ScalePow2(ReadOnlySpan<float> x, Span<float> t, float factor, float max, int maxLanes)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pt = ref MemoryMarshal.GetReference(t);
        int n = x.Length, i = 0;
        bool flushed = false;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated)
        {
            var f = Vector512.Create(factor);
            var hi = Vector512.Create(max);
            var lo = Vector512.Create(-max);
            var bad = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref px, (nuint)i);
                var q = v * f;
                Vector512.Min(Vector512.Max(q, lo), hi).StoreUnsafe(ref pt, (nuint)i);
                bad |= Vector512.Equals(q, Vector512<float>.Zero) & ~Vector512.Equals(v, Vector512<float>.Zero);
            }
            flushed = bad != Vector512<float>.Zero;
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            var hi = Vector256.Create(max);
            var lo = Vector256.Create(-max);
            var bad = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref px, (nuint)i);
                var q = v * f;
                Vector256.Min(Vector256.Max(q, lo), hi).StoreUnsafe(ref pt, (nuint)i);
                bad |= Vector256.Equals(q, Vector256<float>.Zero) & ~Vector256.Equals(v, Vector256<float>.Zero);
            }
            flushed |= bad != Vector256<float>.Zero;
        }
        if (maxLanes >= 4 && Vector128.IsHardwareAccelerated)
        {
            var f = Vector128.Create(factor);
            var hi = Vector128.Create(max);
            var lo = Vector128.Create(-max);
            var bad = Vector128<float>.Zero;
            for (; i <= n - 4; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref px, (nuint)i);
                var q = v * f;
                Vector128.Min(Vector128.Max(q, lo), hi).StoreUnsafe(ref pt, (nuint)i);
                bad |= Vector128.Equals(q, Vector128<float>.Zero) & ~Vector128.Equals(v, Vector128<float>.Zero);
            }
            flushed |= bad != Vector128<float>.Zero;
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref px, i);
            float q = v * factor;
            Unsafe.Add(ref pt, i) = Math.Clamp(q, -max, max);
            flushed |= q == 0f & v != 0f;
        }
        return flushed;
    }

    /// <summary>t = clamp(fl32(x * encode), -max, max) (the NVFP4 reference's float32 chain; x and encode have no NaN).</summary>
    public static bool ScaleClamp(ReadOnlySpan<float> x, Span<float> t, float factor, float max, int maxLanes)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pt = ref MemoryMarshal.GetReference(t);
        int n = x.Length, i = 0;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated)
        {
            var f = Vector512.Create(factor);
            var hi = Vector512.Create(max);
            var lo = Vector512.Create(-max);
            for (; i <= n - 16; i += 16)
                Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref px, (nuint)i) * f, lo), hi).StoreUnsafe(ref pt, (nuint)i);
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(factor);
            var hi = Vector256.Create(max);
            var lo = Vector256.Create(-max);
            for (; i <= n - 8; i += 8)
                Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref px, (nuint)i) * f, lo), hi).StoreUnsafe(ref pt, (nuint)i);
        }
        if (maxLanes >= 4 && Vector128.IsHardwareAccelerated)
        {
            var f = Vector128.Create(factor);
            var hi = Vector128.Create(max);
            var lo = Vector128.Create(-max);
            for (; i <= n - 4; i += 4)
                Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref px, (nuint)i) * f, lo), hi).StoreUnsafe(ref pt, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref pt, i) = Math.Clamp(Unsafe.Add(ref px, i) * factor, -max, max);
        return false;
    }

    /// <summary>y = fl32(v * s) for power-of-two scales, else fl32(fl32(v * s) * tensorDecode): the reference's double
    /// products of float32 values are exact, so each rounds once, as these float32 products do.</summary>
    public static void MultiplyBack(ReadOnlySpan<float> v, Span<float> y, float s, float tensorDecode, bool pow2, int maxLanes)
    {
        ref float pv = ref MemoryMarshal.GetReference(v);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = v.Length, i = 0;
        if (pow2) tensorDecode = 1f; // v * s * 1 == v * s
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(s);
            var vt = Vector512.Create(tensorDecode);
            for (; i <= n - 16; i += 16) (Vector512.LoadUnsafe(ref pv, (nuint)i) * vs * vt).StoreUnsafe(ref py, (nuint)i);
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            var vt = Vector256.Create(tensorDecode);
            for (; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref pv, (nuint)i) * vs * vt).StoreUnsafe(ref py, (nuint)i);
        }
        if (maxLanes >= 4 && Vector128.IsHardwareAccelerated)
        {
            var vs = Vector128.Create(s);
            var vt = Vector128.Create(tensorDecode);
            for (; i <= n - 4; i += 4) (Vector128.LoadUnsafe(ref pv, (nuint)i) * vs * vt).StoreUnsafe(ref py, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref py, i) = Unsafe.Add(ref pv, i) * s * tensorDecode;
    }
}
