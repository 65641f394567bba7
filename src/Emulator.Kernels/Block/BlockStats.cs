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
