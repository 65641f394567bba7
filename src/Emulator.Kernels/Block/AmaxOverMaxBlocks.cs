using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>
/// The common amax-over-max 1xB block group (B a multiple of 16: NVFP4, blockwise NF4) in Vector512 registers: the amax from
/// B / 16 registers, the group's block scales in one vector encode (as <see cref="ScaleTables.EncodeScales"/>), then per block
/// t = clamp(fl32(x * enc)), the element rounding and fl32(fl32(v * s) * S_dec) straight to the output. Blocks with NaN or
/// ±Inf, and partial blocks, are left to the general per-block path (reported through <c>declined</c>).
/// </summary>
internal static class AmaxOverMaxBlocks
{
    // The element loop touches the input this many elements ahead (the next group), so its reads overlap this group's work.
    private const int PrefetchDistance = BlockDriver.Tile;

    /// <summary>Whether the fast path applies: 1xB blocks with B a multiple of 16, amax-over-max rule, a finite tensor scale,
    /// Vector512.</summary>
    public static bool Applies(BlockCall call) =>
        call.Layout.BlockRows == 1 && call.Format.BlockCols % 16 == 0 && !call.PowerOfTwo && call.MaxLanes >= 16 && Lanes512.IsHardwareAccelerated
        && float.IsFinite(call.TensorScale.Encode) && float.IsFinite(call.TensorScale.Decode);

    /// <summary>Runs the group's full finite blocks; sets declined[j] for the others (nothing written for them) and returns
    /// whether there are any. <paramref name="post"/> is scratch of at least <paramref name="m"/> words.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static unsafe bool Group<TOp, TPlan, TRule, TOut>(BlockCall call, in TPlan plan, ref uint x, ref uint destination, ref uint random,
        Span<uint> scaleCodes, int m, ReadOnlySpan<int> offsets, ReadOnlySpan<int> widths, Span<float> d, Span<uint> codes, Span<bool> declined,
        Span<uint> post)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        var abs = Vector512.Create(0x7FFF_FFFFu);
        int bcols = call.Format.BlockCols;
        float mult = call.TensorScale.Encode * call.InverseElementMax, scaleMax = call.ScaleMax;
        int j0 = 0;
        if (bcols == 16 && Avx512F.IsSupported)
        {
            // Runs of 16 full 1x16 blocks: one transposed max-tree gives the 16 block amaxes in one register.
            var multV = Vector512.Create(mult);
            var scaleMaxV = Vector512.Create(scaleMax);
            var finiteMax = Vector512.Create(float.MaxValue);
            var inf = Vector512.Create(0x7F80_0000u);
            for (; j0 + 16 <= m && offsets[j0 + 15] - offsets[j0] == 240 && widths[j0 + 15] == 16; j0 += 16)
            {
                var amaxes = Amax16x16(ref Unsafe.Add(ref x, offsets[j0]));
                var decline = Vector512.GreaterThanOrEqual(amaxes, inf);
                // amax * mult, then min(., FLT_MAX) and the clamp to scaleMax (the product is >= 0 and not NaN here).
                var dv = Avx512F.Min(Avx512F.Min(Avx512F.Multiply(amaxes.AsSingle(), multV), finiteMax), scaleMaxV);
                dv = Vector512.ConditionalSelect(decline, Vector512<uint>.Zero, dv.AsUInt32()).AsSingle();
                dv.StoreUnsafe(ref d[j0]);
                if (decline == Vector512<uint>.Zero) declined.Slice(j0, 16).Clear();
                else
                    for (int k = 0; k < 16; k++) declined[j0 + k] = decline.GetElement(k) != 0;
            }
        }
        for (int j = j0; j < m; j++)
        {
            uint amax = uint.MaxValue;
            if (widths[j] == bcols)
            {
                ref uint xb = ref Unsafe.Add(ref x, offsets[j]);
                var a = Vector512.LoadUnsafe(ref xb) & abs;
                for (int i = 16; i < bcols; i += 16) a = Vector512.Max(a, Vector512.LoadUnsafe(ref xb, (nuint)i) & abs);
                amax = BlockElements.MaxLane(a);
            }
            bool decline = amax >= 0x7F80_0000u; // NaN, ±Inf or a partial block
            declined[j] = decline;
            d[j] = decline ? 0f : BlockCall.ScaleInput(BitConverter.UInt32BitsToSingle(amax), mult, scaleMax);
        }
        call.Scales.EncodeScales(d[..m], codes[..m], call.MaxLanes);

        // The factors first (d[j] is reused for them), so the element loop does not wait on each block's division; for values
        // also each block's scale value (bits in post[j]).
        float[] values = call.CodeValues, factors = call.CodeFactors;
        bool perCode = factors.Length > 0;
        float tsDecode = call.TensorScale.Decode;
        bool any = false;
        int j1 = 0;
        if (perCode && Avx2.IsSupported)
        {
            // 16 blocks at a time: gathered factors and values; a run with a declined block or a NaN factor goes on below.
            fixed (float* pf = factors, pv = values)
                for (; j1 + 16 <= m; j1 += 16)
                {
                    if (Vector128.LoadUnsafe(ref Unsafe.As<bool, byte>(ref declined[j1])) != Vector128<byte>.Zero) break;
                    var c = Vector512.LoadUnsafe(ref codes[j1]);
                    var fv = Gather(pf, c);
                    if (!Vector512.EqualsAll(fv, fv)) break;
                    fv.StoreUnsafe(ref d[j1]);
                    if (TOut.Codes) c.StoreUnsafe(ref scaleCodes[j1]);
                    else Gather(pv, c).AsUInt32().StoreUnsafe(ref post[j1]);
                }
        }
        for (int j = j1; j < m; j++)
        {
            if (declined[j]) { any = true; continue; }
            uint code = codes[j];
            float factor, value;
            if (perCode)
            {
                factor = factors[code];
                value = values[code];
            }
            else
            {
                // Wide scales (float32): the factor as BlockCall builds its per-code table.
                float sv = (float)call.Scales.Decode(code);
                factor = BlockCall.ElementFactor(sv, tsDecode);
                value = sv;
            }
            if (float.IsNaN(factor))
            {
                declined[j] = true;
                any = true;
                continue;
            }
            if (TOut.Codes) scaleCodes[j] = code;
            else post[j] = BitConverter.SingleToUInt32Bits(value);
            d[j] = factor;
        }
        Elements<TOp, TPlan, TRule, TOut>(plan, ref x, ref destination, ref random, m, bcols, call.ClampBits, BitConverter.SingleToUInt32Bits(tsDecode),
            ref MemoryMarshal.GetReference(offsets), ref MemoryMarshal.GetReference(d), ref MemoryMarshal.GetReference(post),
            ref MemoryMarshal.GetReference(declined));
        return any;
    }

    // The element loops of the group's accepted blocks, compiled on their own so the element kernel stays inline.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Elements<TOp, TPlan, TRule, TOut>(in TPlan plan, ref uint x, ref uint destination, ref uint random, int m, int bcols,
        uint clampBits, uint tsDecodeBits, ref int offsets, ref float factors, ref uint post, ref bool declined)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        var clamp = Lanes512.Create(clampBits);
        var absL = Lanes512.Create(0x7FFF_FFFF);
        var post2 = Lanes512.Create(tsDecodeBits);
        for (int j = 0; j < m; j++)
        {
            if (Unsafe.Add(ref declined, j)) continue;
            var f = Lanes512.Create(BitConverter.SingleToUInt32Bits(Unsafe.Add(ref factors, j)));
            var s = TOut.Codes ? default : Lanes512.Create(Unsafe.Add(ref post, j));
            int o = Unsafe.Add(ref offsets, j);
            for (int k = 0; k < bcols; k += 16)
            {
                nuint i = (nuint)(o + k);
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref x, i + PrefetchDistance)));
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref destination, i + PrefetchDistance)));
                }
                Lanes512 t = Lanes512.MultiplyF(Lanes512.Load(ref x, i), f);
                Lanes512 ta = t & absL;
                t = Lanes512.Min(ta, clamp) | (t ^ ta);
                Lanes512 r = TRule.IsStochastic ? Lanes512.Load(ref random, i) : default;
                Lanes512 y = TOp.ApplyFast<Lanes512, TRule>(t, r, plan, out Lanes512 rare);
                if (rare.V != Vector512<uint>.Zero) y = BlockElements.Full<Lanes512, TOp, TPlan, TRule>(t, r, plan);
                if (!TOut.Codes) y = Lanes512.MultiplyF(Lanes512.MultiplyF(y, s), post2);
                Lanes512.Store(y, ref destination, i);
            }
        }
    }

    /// <summary>The amax bit patterns (|x| as unsigned) of 16 consecutive 1x16 blocks at <paramref name="x"/>, lane j for block
    /// j: a transposed max-tree in which each level folds pairs of registers in half (two-source permutes), so 16 registers
    /// of 16 elements become one register of 16 block maxima in 15 maxima and 30 permutes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> Amax16x16(ref uint x)
    {
        var abs = Vector512.Create(0x7FFF_FFFFu);
        // Level 1: block 2p's 8 partial maxima in lanes 0-7, block 2p+1's in 8-15.
        var lo1 = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        var hi1 = lo1 + Vector512.Create(8u);
        var w0 = Fold(Vector512.LoadUnsafe(ref x, 0) & abs, Vector512.LoadUnsafe(ref x, 16) & abs, lo1, hi1);
        var w1 = Fold(Vector512.LoadUnsafe(ref x, 32) & abs, Vector512.LoadUnsafe(ref x, 48) & abs, lo1, hi1);
        var w2 = Fold(Vector512.LoadUnsafe(ref x, 64) & abs, Vector512.LoadUnsafe(ref x, 80) & abs, lo1, hi1);
        var w3 = Fold(Vector512.LoadUnsafe(ref x, 96) & abs, Vector512.LoadUnsafe(ref x, 112) & abs, lo1, hi1);
        var w4 = Fold(Vector512.LoadUnsafe(ref x, 128) & abs, Vector512.LoadUnsafe(ref x, 144) & abs, lo1, hi1);
        var w5 = Fold(Vector512.LoadUnsafe(ref x, 160) & abs, Vector512.LoadUnsafe(ref x, 176) & abs, lo1, hi1);
        var w6 = Fold(Vector512.LoadUnsafe(ref x, 192) & abs, Vector512.LoadUnsafe(ref x, 208) & abs, lo1, hi1);
        var w7 = Fold(Vector512.LoadUnsafe(ref x, 224) & abs, Vector512.LoadUnsafe(ref x, 240) & abs, lo1, hi1);
        // Level 2: 4 lanes per block, 4 blocks per register.
        var lo2 = Vector512.Create(0u, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
        var hi2 = lo2 + Vector512.Create(4u);
        var u0 = Fold(w0, w1, lo2, hi2);
        var u1 = Fold(w2, w3, lo2, hi2);
        var u2 = Fold(w4, w5, lo2, hi2);
        var u3 = Fold(w6, w7, lo2, hi2);
        // Level 3: 2 lanes per block, 8 blocks per register.
        var lo3 = Vector512.Create(0u, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
        var hi3 = lo3 + Vector512.Create(2u);
        var t0 = Fold(u0, u1, lo3, hi3);
        var t1 = Fold(u2, u3, lo3, hi3);
        // Level 4: lane j holds block j's maximum.
        var lo4 = Vector512.Create(0u, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        return Fold(t0, t1, lo4, lo4 + Vector512<uint>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Gather(float* table, Vector512<uint> index) =>
        Vector512.Create(Avx2.GatherVector256(table, index.GetLower().AsInt32(), 4), Avx2.GatherVector256(table, index.GetUpper().AsInt32(), 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Fold(Vector512<uint> a, Vector512<uint> b, Vector512<uint> lo, Vector512<uint> hi) =>
        Vector512.Max(Avx512F.PermuteVar16x32x2(a, lo, b), Avx512F.PermuteVar16x32x2(a, hi, b));
}
