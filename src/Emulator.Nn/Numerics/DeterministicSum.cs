using System.Runtime.Intrinsics;

namespace Emulator.Nn.Numerics;

/// <summary>
/// Sums in one fixed order on every instruction set and thread count: element i goes to lane i mod 16, each lane adds its
/// elements in increasing i, and the 16 lanes are combined as a balanced tree ((0+8)+(4+12))... via halving (lane j + lane
/// j + 8, then j + 4, j + 2, j + 1). Vector512, two Vector256 or scalar code compute exactly the same float additions.
/// </summary>
public static class DeterministicSum
{
    /// <summary>The sum of the values in the fixed order above (0 for an empty span).</summary>
    public static float Sum(ReadOnlySpan<float> x)
    {
        Span<float> lanes = stackalloc float[16];
        Lanes(x, lanes);
        return Combine(lanes);
    }

    /// <summary>The sum of squares of the values, in the same order (each square rounded to float32 first).</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x)
    {
        Span<float> lanes = stackalloc float[16];
        int i = 0;
        lanes.Clear();
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= x.Length; i += 16) { var v = Vector512.Create(x.Slice(i, 16)); acc += v * v; }
            acc.CopyTo(lanes);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
            for (; i + 16 <= x.Length; i += 16)
            {
                var a = Vector256.Create(x.Slice(i, 8)); var b = Vector256.Create(x.Slice(i + 8, 8));
                lo += a * a; hi += b * b;
            }
            lo.CopyTo(lanes); hi.CopyTo(lanes[8..]);
        }
        else
        {
            for (; i + 16 <= x.Length; i += 16)
                for (int j = 0; j < 16; j++) { float v = x[i + j]; lanes[j] += v * v; }
        }
        for (int j = 0; i < x.Length; i++, j++) { float v = x[i]; lanes[j] += v * v; }
        return Combine(lanes);
    }

    /// <summary>Accumulates x into 16 lanes (lane j gets elements i = j mod 16 in increasing i), starting from zero.</summary>
    public static void Lanes(ReadOnlySpan<float> x, Span<float> lanes)
    {
        lanes[..16].Clear();
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= x.Length; i += 16) acc += Vector512.Create(x.Slice(i, 16));
            acc.CopyTo(lanes);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
            for (; i + 16 <= x.Length; i += 16) { lo += Vector256.Create(x.Slice(i, 8)); hi += Vector256.Create(x.Slice(i + 8, 8)); }
            lo.CopyTo(lanes); hi.CopyTo(lanes[8..]);
        }
        else
        {
            for (; i + 16 <= x.Length; i += 16)
                for (int j = 0; j < 16; j++) lanes[j] += x[i + j];
        }
        for (int j = 0; i < x.Length; i++, j++) lanes[j] += x[i];
    }

    /// <summary>Combines 16 lane sums by halving: j += j + 8, then + 4, + 2, + 1.</summary>
    public static float Combine(Span<float> lanes)
    {
        for (int half = 8; half >= 1; half >>= 1)
            for (int j = 0; j < half; j++) lanes[j] += lanes[j + half];
        return lanes[0];
    }
}
