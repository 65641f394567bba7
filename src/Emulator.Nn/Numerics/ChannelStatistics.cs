using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Per-channel reductions of an [N, C, inner] tensor in one fixed order (batch norm's statistics and gradients): each
/// row (n, c) of <c>inner</c> elements is reduced over 16 lanes as in <see cref="DeterministicSum"/>, and the row results
/// are added in increasing n. Vector512, Vector256 and scalar code perform the same float operations.
/// </summary>
internal static class ChannelStatistics
{
    /// <summary>Σ over n and k of x[n, c, k].</summary>
    public static float Sum(ReadOnlySpan<float> x, int n, int channels, int inner, int c)
    {
        float s = 0f;
        for (int i = 0; i < n; i++) s += DeterministicSum.Sum(x.Slice((i * channels + c) * inner, inner));
        return s;
    }

    /// <summary>Σ over n and k of (a[n, c, k] − ca)·(b[n, c, k] − cb).</summary>
    public static float CenteredDot(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb, int n, int channels, int inner, int c)
    {
        float s = 0f;
        for (int i = 0; i < n; i++)
        {
            int o = (i * channels + c) * inner;
            s += CenteredDot(a.Slice(o, inner), ca, b.Slice(o, inner), cb);
        }
        return s;
    }

    /// <summary>Σ (a[i] − ca)·(b[i] − cb): element i goes to lane i mod 16 (subtract, subtract, multiply, add, each rounded),
    /// lanes combined as <see cref="DeterministicSum.Combine"/>.</summary>
    public static float CenteredDot(ReadOnlySpan<float> a, float ca, ReadOnlySpan<float> b, float cb)
    {
        Span<float> lanes = stackalloc float[16];
        lanes.Clear();
        int i = 0, len = a.Length;
        b = b[..len];
        ref float ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b);
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            Vector512<float> va = Vector512.Create(ca), vb = Vector512.Create(cb);
            for (; i + 16 <= len; i += 16)
                acc += (Vector512.LoadUnsafe(ref ra, (nuint)i) - va) * (Vector512.LoadUnsafe(ref rb, (nuint)i) - vb);
            acc.CopyTo(lanes);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero, va = Vector256.Create(ca), vb = Vector256.Create(cb);
            for (; i + 16 <= len; i += 16)
            {
                lo += (Vector256.LoadUnsafe(ref ra, (nuint)i) - va) * (Vector256.LoadUnsafe(ref rb, (nuint)i) - vb);
                hi += (Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)) - va) * (Vector256.LoadUnsafe(ref rb, (nuint)(i + 8)) - vb);
            }
            lo.CopyTo(lanes);
            hi.CopyTo(lanes[8..]);
        }
        else
        {
            for (; i + 16 <= len; i += 16)
                for (int j = 0; j < 16; j++) lanes[j] += (a[i + j] - ca) * (b[i + j] - cb);
        }
        for (int j = 0; i < len; i++, j++) lanes[j] += (a[i] - ca) * (b[i] - cb);
        return DeterministicSum.Combine(lanes);
    }
}
