using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>What the fused block loop writes: element codes or the float32 bits of the quantized values.</summary>
internal interface IBlockOutput
{
    /// <summary>True for codes (no scale multiplied back).</summary>
    static abstract bool Codes { get; }
}

internal struct ValuesOutput : IBlockOutput
{
    public static bool Codes => false;
}

internal struct CodesOutput : IBlockOutput
{
    public static bool Codes => true;
}

/// <summary>The per-block constants of the fused element loop (float32 bit patterns).</summary>
internal readonly record struct BlockFactors(uint Factor, uint Clamp, uint Post, uint Post2);

/// <summary>
/// The two register passes over one row segment of a block: its amax (with NaN/Inf and tiny-element flags) and the fused
/// element step t = clamp(fl32(x * factor), ±max), the element rounding (any rule; random words of the same positions),
/// and for values fl32(fl32(v * post) * post2), written straight to the output.
/// </summary>
internal static class BlockElements
{
    /// <summary>Flag in the returned amax bits: an element with 0 &lt; |x| &lt;= 2^-23 (it could flush to 0 when scaled down).</summary>
    public const uint TinyFlag = 0x8000_0000u;

    /// <summary>The bits of 2^-23: 0 &lt; |x| &lt;= 2^-23 (<see cref="TinyFlag"/>) exactly when (|x| bits) - 1 &lt; this, unsigned.</summary>
    internal const uint TinyLimit = 0x3400_0000u;

    /// <summary>The largest |x| bit pattern of <paramref name="n"/> elements (NaN / Inf patterns exceed 0x7F800000 / equal
    /// it when present: a NaN pattern is larger than every other), ORed with <see cref="TinyFlag"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint AmaxBits(ref uint x, int n, int maxLanes)
    {
        int i = 0;
        uint amax = 0;
        bool tiny = false;
        if (maxLanes >= 16 && Vector512.IsHardwareAccelerated && n >= 16)
        {
            var m = Vector512<uint>.Zero;
            var t = Vector512<uint>.Zero;
            var abs = Vector512.Create(0x7FFF_FFFFu);
            var limit = Vector512.Create(TinyLimit);
            for (; i <= n - 16; i += 16)
            {
                var a = Vector512.LoadUnsafe(ref x, (nuint)i) & abs;
                m = Vector512.Max(m, a);
                t |= Vector512.LessThan(a - Vector512<uint>.One, limit);
            }
            amax = MaxLane(m);
            tiny = t != Vector512<uint>.Zero;
        }
        if (maxLanes >= 8 && Vector256.IsHardwareAccelerated && n - i >= 8)
        {
            var m = Vector256<uint>.Zero;
            var t = Vector256<uint>.Zero;
            var abs = Vector256.Create(0x7FFF_FFFFu);
            var limit = Vector256.Create(TinyLimit);
            for (; i <= n - 8; i += 8)
            {
                var a = Vector256.LoadUnsafe(ref x, (nuint)i) & abs;
                m = Vector256.Max(m, a);
                t |= Vector256.LessThan(a - Vector256<uint>.One, limit);
            }
            amax = Math.Max(amax, MaxLane(m));
            tiny |= t != Vector256<uint>.Zero;
        }
        if (maxLanes >= 4 && Vector128.IsHardwareAccelerated && n - i >= 4)
        {
            var m = Vector128<uint>.Zero;
            var t = Vector128<uint>.Zero;
            var abs = Vector128.Create(0x7FFF_FFFFu);
            var limit = Vector128.Create(TinyLimit);
            for (; i <= n - 4; i += 4)
            {
                var a = Vector128.LoadUnsafe(ref x, (nuint)i) & abs;
                m = Vector128.Max(m, a);
                t |= Vector128.LessThan(a - Vector128<uint>.One, limit);
            }
            amax = Math.Max(amax, MaxLane(m));
            tiny |= t != Vector128<uint>.Zero;
        }
        for (; i < n; i++)
        {
            uint a = Unsafe.Add(ref x, i) & 0x7FFF_FFFFu;
            amax = Math.Max(amax, a);
            tiny |= a - 1 < TinyLimit;
        }
        return tiny ? amax | TinyFlag : amax;
    }

    /// <summary><see cref="AmaxBits"/> of a tile of <paramref name="h"/> rows of 16 elements, <paramref name="stride"/> apart
    /// (Vector512: one register per row, one reduction per tile).</summary>
    public static uint TileAmaxBits16(ref uint x, int h, int stride)
    {
        var abs = Vector512.Create(0x7FFF_FFFFu);
        var m = Vector512<uint>.Zero;
        var t = Vector512<uint>.AllBitsSet;
        for (int r = 0; r < h; r++)
        {
            var a = Vector512.LoadUnsafe(ref x, (nuint)((long)r * stride)) & abs;
            m = Vector512.Max(m, a);
            t = Vector512.Min(t, a - Vector512<uint>.One); // 0 wraps to the largest value
        }
        uint amax = MaxLane(m);
        return Vector512.LessThanAny(t, Vector512.Create(TinyLimit)) ? amax | TinyFlag : amax;
    }

    /// <summary><see cref="Row"/> over a tile of <paramref name="h"/> rows of 16 elements (Vector512); random words of row r
    /// start at r * <paramref name="randomStride"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile16<TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, int h, int stride, ref uint random, int randomStride,
        in TPlan plan, in BlockFactors f)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        Lanes512 factor = Lanes512.Create(f.Factor), clamp = Lanes512.Create(f.Clamp), abs = Lanes512.Create(0x7FFF_FFFF);
        Lanes512 post = Lanes512.Create(f.Post), post2 = Lanes512.Create(f.Post2);
        for (int row = 0; row < h; row++)
        {
            nuint i = (nuint)((long)row * stride);
            Lanes512 q = Lanes512.MultiplyF(Lanes512.Load(ref x, i), factor);
            Lanes512 qa = q & abs;
            q = Lanes512.Min(qa, clamp) | (q ^ qa);
            Lanes512 r = TRule.IsStochastic ? Lanes512.Load(ref random, (nuint)(row * randomStride)) : default;
            Lanes512 y = TOp.ApplyFast<Lanes512, TRule>(q, r, plan, out Lanes512 rare);
            if (Lanes512.Any(rare)) y = Full<Lanes512, TOp, TPlan, TRule>(q, r, plan);
            if (!TOut.Codes) y = Lanes512.MultiplyF(Lanes512.MultiplyF(y, post), post2);
            Lanes512.Store(y, ref destination, i);
        }
    }

    /// <summary>The largest lane of <paramref name="v"/> (a horizontal max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MaxLane(Vector512<uint> v)
    {
        var h = Vector256.Max(v.GetLower(), v.GetUpper());
        return MaxLane(Vector128.Max(h.GetLower(), h.GetUpper()));
    }

    /// <summary>The largest lane of <paramref name="v"/> (a horizontal max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MaxLane(Vector256<uint> v) => MaxLane(Vector128.Max(v.GetLower(), v.GetUpper()));

    /// <summary>The largest lane of <paramref name="v"/> (a horizontal max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MaxLane(Vector128<uint> v)
    {
        v = Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(2u, 3u, 0u, 1u)));
        v = Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(1u, 0u, 3u, 2u)));
        return v.ToScalar();
    }

    /// <summary>The fused element step over <paramref name="n"/> elements, widest registers first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row<TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, int n, ref uint random, in TPlan plan,
        in BlockFactors f, int maxLanes)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        int i = 0;
        if (maxLanes >= 16 && Lanes512.IsHardwareAccelerated && n >= 16)
            i = Segment<Lanes512, TOp, TPlan, TRule, TOut>(ref x, ref destination, i, n, ref random, plan, f);
        if (maxLanes >= 8 && Lanes256.IsHardwareAccelerated && i + 8 <= n)
            i = Segment<Lanes256, TOp, TPlan, TRule, TOut>(ref x, ref destination, i, n, ref random, plan, f);
        if (maxLanes >= 4 && Lanes128.IsHardwareAccelerated && i + 4 <= n)
            i = Segment<Lanes128, TOp, TPlan, TRule, TOut>(ref x, ref destination, i, n, ref random, plan, f);
        if (i < n) Segment<Lanes1, TOp, TPlan, TRule, TOut>(ref x, ref destination, i, n, ref random, plan, f);
    }

    // Not inlined: each width gets its own inlining budget, so the element kernel's register operations stay inline.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Segment<TV, TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, int i, int n, ref uint random, in TPlan plan,
        in BlockFactors f)
        where TV : struct, ILanes<TV> where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule
        where TOut : struct, IBlockOutput
    {
        TV factor = TV.Create(f.Factor), clamp = TV.Create(f.Clamp), abs = TV.Create(0x7FFF_FFFF);
        TV post = TV.Create(f.Post), post2 = TV.Create(f.Post2);
        for (; i + TV.Count <= n; i += TV.Count)
        {
            TV q = TV.MultiplyF(TV.Load(ref x, (nuint)i), factor);
            TV qa = q & abs;
            q = TV.Min(qa, clamp) | (q ^ qa); // clamp(q, -max, max) on the magnitude bits (q has no NaN here)
            TV r = TRule.IsStochastic ? TV.Load(ref random, (nuint)i) : default;
            TV y = TOp.ApplyFast<TV, TRule>(q, r, plan, out TV rare);
            if (TV.Any(rare)) y = Full<TV, TOp, TPlan, TRule>(q, r, plan);
            if (!TOut.Codes) y = TV.MultiplyF(TV.MultiplyF(y, post), post2);
            TV.Store(y, ref destination, (nuint)i);
        }
        return i;
    }

    /// <summary>The element op's full path (kept out of line so the register loops calling it keep their inlining budget).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TV Full<TV, TOp, TPlan, TRule>(TV q, TV r, in TPlan plan)
        where TV : struct, ILanes<TV> where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule =>
        TOp.Apply<TV, TRule>(q, r, plan);
}
