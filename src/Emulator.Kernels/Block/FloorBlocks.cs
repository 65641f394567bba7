using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>Constants of <see cref="FloorBlocks"/>: the floor rule's exponent range and the scale codes of 2^k.</summary>
internal sealed class FloorConstants
{
    public FloorConstants(BlockCall call)
    {
        var format = call.Format;
        (MinK, MaxK) = format.ScaleExponentRange;
        Bias = 127 + format.ElementMaxExponent;
        ClampBits = call.ClampBits;
        Codes = new uint[MaxK - MinK + 1];
        for (int k = MinK; k <= MaxK; k++) Codes[k - MinK] = call.Scales.ExponentCode(k);
    }

    public int MinK { get; }
    public int MaxK { get; }
    public int Bias { get; }
    public uint ClampBits { get; }
    public uint[] Codes { get; }

    /// <summary>Whether the fast path applies: 1xB blocks (B a multiple of 16) under the floor rule, Vector512.</summary>
    public static bool Applies(BlockCall call) =>
        call.Layout.BlockRows == 1 && call.Format.Rule == Emulator.Formats.ScaleRule.Floor && call.Format.BlockCols % 16 == 0
        && call.MaxLanes >= 16 && Lanes512.IsHardwareAccelerated;
}

/// <summary>
/// The common MX / BFP block in registers (Vector512): amax, the floor exponent k from its float32 exponent bits, then
/// t = clamp(x 2^-k), the element rounding and t 2^k straight to the output. Declines (writing nothing) any block that is
/// not the common case: amax zero, subnormal, NaN or ±Inf; 2^±k outside float32's normal range; or an element that could
/// flush to zero when scaled down. Those run the general per-block path, which gives the same bits.
/// </summary>
internal static class FloorBlocks
{
    /// <summary>Runs a group's blocks (offsets and widths within the group); full blocks in the common case are written (and
    /// their scale codes when encoding), the others are marked in <paramref name="declined"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Group<TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, ref uint random, in TPlan plan, FloorConstants c,
        int bcols, int m, ReadOnlySpan<int> offsets, ReadOnlySpan<int> widths, Span<uint> scaleCodes, Span<bool> declined)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        for (int j = 0; j < m; j++)
        {
            int off = offsets[j];
            uint code = 0;
            bool taken = widths[j] == bcols && Block<TOp, TPlan, TRule, TOut>(ref Unsafe.Add(ref x, off), ref Unsafe.Add(ref destination, off),
                ref Unsafe.Add(ref random, off), bcols, plan, c, out code);
            declined[j] = !taken;
            if (taken && TOut.Codes) scaleCodes[j] = code;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Block<TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, ref uint random, int n, in TPlan plan,
        FloorConstants c, out uint scaleCode)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        var abs = Vector512.Create(0x7FFF_FFFFu);
        var m = Vector512<uint>.Zero;
        var t = Vector512<uint>.AllBitsSet;
        for (int i = 0; i < n; i += 16)
        {
            var a = Vector512.LoadUnsafe(ref x, (nuint)i) & abs;
            m = Vector512.Max(m, a);
            t = Vector512.Min(t, a - Vector512<uint>.One); // 0 wraps to the largest value
        }
        uint amax = BlockElements.MaxLane(m);
        scaleCode = 0;
        if (amax - 0x0080_0000u >= 0x7F00_0000u) return false; // zero, subnormal, NaN or ±Inf
        int k = Math.Clamp((int)(amax >> 23) - c.Bias, c.MinK, c.MaxK);
        if ((uint)(k + 126) > 252u) return false; // 2^-k or 2^k not a float32 normal
        if (k >= 1 && Vector512.LessThanAny(t, Vector512.Create(BlockElements.TinyLimit))) return false;
        scaleCode = c.Codes[k - c.MinK];

        Elements<TOp, TPlan, TRule, TOut>(ref x, ref destination, ref random, n, plan, (uint)(127 - k) << 23, (uint)(127 + k) << 23, c.ClampBits);
        return true;
    }

    // Compiled on its own (not inlined into Group): with the amax and scale code around it, the element op of the longer
    // rules (to-odd) exceeded the JIT's inlining budget and its register operations became calls.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Elements<TOp, TPlan, TRule, TOut>(ref uint x, ref uint destination, ref uint random, int n, in TPlan plan,
        uint factorBits, uint postBits, uint clampBits)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        var factor = Lanes512.Create(factorBits);
        var post = Lanes512.Create(postBits);
        var clamp = Lanes512.Create(clampBits);
        var absL = Lanes512.Create(0x7FFF_FFFF);
        for (int i = 0; i < n; i += 16)
        {
            Lanes512 q = Lanes512.MultiplyF(Lanes512.Load(ref x, (nuint)i), factor);
            Lanes512 qa = q & absL;
            q = Lanes512.Min(qa, clamp) | (q ^ qa);
            Lanes512 r = TRule.IsStochastic ? Lanes512.Load(ref random, (nuint)i) : default;
            Lanes512 y = TOp.ApplyFast<Lanes512, TRule>(q, r, plan, out Lanes512 rare);
            if (Lanes512.Any(rare)) y = BlockElements.Full<Lanes512, TOp, TPlan, TRule>(q, r, plan);
            if (!TOut.Codes) y = Lanes512.MultiplyF(y, post);
            Lanes512.Store(y, ref destination, (nuint)i);
        }
    }
}
