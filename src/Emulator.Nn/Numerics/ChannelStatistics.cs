using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Per-channel reductions of an [N, C, inner] tensor in one fixed order (batch norm's statistics and gradients): in each
/// row (n, c) of <c>inner</c> elements, element i goes to lane i mod 32 (lanes add in increasing i; two 16-lane vectors
/// keep two sums in flight), the 32 lanes are folded to 16 (lane j + lane j + 16) and combined as
/// <see cref="DeterministicSum.Combine"/>; row results are added in increasing n. Vector512, Vector256 and scalar code
/// perform the same float operations.
/// </summary>
internal static class ChannelStatistics
{
    /// <summary>Σ over n and k of x[n, c, k].</summary>
    public static float Sum(ReadOnlySpan<float> x, int n, int channels, int inner, int c) =>
        Rows<SumOnly>(x, 0f, x, 0f, n, channels, inner, c).Sum;

    /// <summary>Σ over n and k of (a[n, c, k] − ca)·(b[n, c, k] − cb).</summary>
    public static float CenteredDot(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb, int n, int channels, int inner, int c) =>
        Rows<DotOnly>(a, ca, b, cb, n, channels, inner, c).Dot;

    /// <summary>Both Σ a and Σ (a − ca)·(b − cb) in one pass (each with the bits of the separate sums).</summary>
    public static (float Sum, float Dot) SumAndCenteredDot(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb, int n, int channels, int inner, int c) =>
        Rows<SumAndDot>(a, ca, b, cb, n, channels, inner, c);

    /// <summary>Σ a[i]·b[i] of one row in the same 32-lane order (each product rounded, then added).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Row<DotOnly>(a, 0f, b, 0f).Dot;

    private interface IMode
    {
        static abstract bool Sum { get; }
        static abstract bool Dot { get; }
    }

    private struct SumOnly : IMode
    {
        public static bool Sum => true;
        public static bool Dot => false;
    }

    private struct DotOnly : IMode
    {
        public static bool Sum => false;
        public static bool Dot => true;
    }

    private struct SumAndDot : IMode
    {
        public static bool Sum => true;
        public static bool Dot => true;
    }

    private static (float Sum, float Dot) Rows<TMode>(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb, int n, int channels, int inner, int c)
        where TMode : struct, IMode
    {
        float s = 0f, d = 0f;
        for (int i = 0; i < n; i++)
        {
            int o = (i * channels + c) * inner;
            var (rs, rd) = Row<TMode>(a.Slice(o, inner), ca, b.Slice(o, inner), cb);
            s += rs;
            d += rd;
        }
        return (s, d);
    }

    /// <summary>One row: Σ a[i] and Σ (a[i] − ca)·(b[i] − cb) over 32 lanes (subtract, subtract, multiply, add, each rounded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float Sum, float Dot) Row<TMode>(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb) where TMode : struct, IMode
    {
        Span<float> sums = stackalloc float[32], dots = stackalloc float[32];
        sums.Clear();
        dots.Clear();
        int i = 0, len = a.Length;
        b = b[..len];
        ref float ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, d0 = default, d1 = default, va = Vector512.Create(ca), vb = Vector512.Create(cb);
            for (; i + 32 <= len; i += 32)
            {
                var x0 = Vector512.LoadUnsafe(ref ra, (nuint)i);
                var x1 = Vector512.LoadUnsafe(ref ra, (nuint)(i + 16));
                if (TMode.Sum) { s0 += x0; s1 += x1; }
                if (TMode.Dot)
                {
                    d0 += (x0 - va) * (Vector512.LoadUnsafe(ref rb, (nuint)i) - vb);
                    d1 += (x1 - va) * (Vector512.LoadUnsafe(ref rb, (nuint)(i + 16)) - vb);
                }
            }
            s0.CopyTo(sums); s1.CopyTo(sums[16..]);
            d0.CopyTo(dots); d1.CopyTo(dots[16..]);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(ca), vb = Vector256.Create(cb);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, d0 = default, d1 = default, d2 = default, d3 = default;
            for (; i + 32 <= len; i += 32)
            {
                var x0 = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref ra, (nuint)(i + 8));
                var x2 = Vector256.LoadUnsafe(ref ra, (nuint)(i + 16));
                var x3 = Vector256.LoadUnsafe(ref ra, (nuint)(i + 24));
                if (TMode.Sum) { s0 += x0; s1 += x1; s2 += x2; s3 += x3; }
                if (TMode.Dot)
                {
                    d0 += (x0 - va) * (Vector256.LoadUnsafe(ref rb, (nuint)i) - vb);
                    d1 += (x1 - va) * (Vector256.LoadUnsafe(ref rb, (nuint)(i + 8)) - vb);
                    d2 += (x2 - va) * (Vector256.LoadUnsafe(ref rb, (nuint)(i + 16)) - vb);
                    d3 += (x3 - va) * (Vector256.LoadUnsafe(ref rb, (nuint)(i + 24)) - vb);
                }
            }
            s0.CopyTo(sums); s1.CopyTo(sums[8..]); s2.CopyTo(sums[16..]); s3.CopyTo(sums[24..]);
            d0.CopyTo(dots); d1.CopyTo(dots[8..]); d2.CopyTo(dots[16..]); d3.CopyTo(dots[24..]);
        }
        else
        {
            for (; i + 32 <= len; i += 32)
                for (int j = 0; j < 32; j++)
                {
                    if (TMode.Sum) sums[j] += a[i + j];
                    if (TMode.Dot) dots[j] += (a[i + j] - ca) * (b[i + j] - cb);
                }
        }
        for (int j = 0; i < len; i++, j++)
        {
            if (TMode.Sum) sums[j] += a[i];
            if (TMode.Dot) dots[j] += (a[i] - ca) * (b[i] - cb);
        }
        return (TMode.Sum ? Fold(sums) : 0f, TMode.Dot ? Fold(dots) : 0f);
    }

    /// <summary>32 lanes to one: lane j += lane j + 16, then <see cref="DeterministicSum.Combine"/>.</summary>
    private static float Fold(Span<float> lanes)
    {
        for (int j = 0; j < 16; j++) lanes[j] += lanes[j + 16];
        return DeterministicSum.Combine(lanes);
    }
}
