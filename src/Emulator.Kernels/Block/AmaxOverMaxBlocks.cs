using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
    /// <summary>Whether the fast path applies: 1xB blocks with B a multiple of 16, amax-over-max rule, a finite tensor scale,
    /// Vector512.</summary>
    public static bool Applies(BlockCall call) =>
        call.Layout.BlockRows == 1 && call.Format.BlockCols % 16 == 0 && !call.PowerOfTwo && call.MaxLanes >= 16 && Lanes512.IsHardwareAccelerated
        && float.IsFinite(call.TensorScale.Encode) && float.IsFinite(call.TensorScale.Decode);

    /// <summary>Runs the group's full finite blocks; sets declined[j] for the others (nothing written for them).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Group<TOp, TPlan, TRule, TOut>(BlockCall call, in TPlan plan, ref uint x, ref uint destination, ref uint random,
        Span<uint> scaleCodes, int m, ReadOnlySpan<int> offsets, ReadOnlySpan<int> widths, Span<float> d, Span<uint> codes, Span<bool> declined)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        var abs = Vector512.Create(0x7FFF_FFFFu);
        int bcols = call.Format.BlockCols;
        float mult = call.TensorScale.Encode * call.InverseElementMax, scaleMax = call.ScaleMax;
        for (int j = 0; j < m; j++)
        {
            uint amax = uint.MaxValue;
            if (widths[j] == bcols)
            {
                ref uint xb = ref Unsafe.Add(ref x, offsets[j]);
                var a = Vector512.LoadUnsafe(ref xb) & abs;
                for (int i = 16; i < bcols; i += 16) a = Vector512.Max(a, Vector512.LoadUnsafe(ref xb, (nuint)i) & abs);
                var h = Vector256.Max(a.GetLower(), a.GetUpper());
                var q = Vector128.Max(h.GetLower(), h.GetUpper());
                q = Vector128.Max(q, Vector128.Shuffle(q, Vector128.Create(2u, 3u, 0u, 1u)));
                q = Vector128.Max(q, Vector128.Shuffle(q, Vector128.Create(1u, 0u, 3u, 2u)));
                amax = q.ToScalar();
            }
            bool decline = amax >= 0x7F80_0000u; // NaN, ±Inf or a partial block
            declined[j] = decline;
            d[j] = decline ? 0f : Math.Clamp(MathF.Min(BitConverter.UInt32BitsToSingle(amax) * mult, float.MaxValue), -scaleMax, scaleMax);
        }
        call.Scales.EncodeScales(d[..m], codes[..m], call.MaxLanes);

        // The factors first (d[j] is reused for them), so the element loop does not wait on each block's division.
        float[] values = call.CodeValues, factors = call.CodeFactors;
        bool perCode = factors.Length > 0;
        float tsDecode = call.TensorScale.Decode;
        for (int j = 0; j < m; j++)
        {
            if (declined[j]) continue;
            uint code = codes[j];
            float factor;
            if (perCode) factor = factors[code];
            else
            {
                // Wide scales (float32): the factor as BlockCall builds its per-code table.
                float sv = (float)call.Scales.Decode(code);
                float product = sv * tsDecode;
                factor = float.IsNaN(sv) ? float.NaN : product == 0f ? float.MaxValue : MathF.Min(1f / product, float.MaxValue);
            }
            if (float.IsNaN(factor)) declined[j] = true;
            else if (TOut.Codes) scaleCodes[j] = code;
            d[j] = factor;
        }

        var clamp = Lanes512.Create(call.ClampBits);
        var absL = Lanes512.Create(0x7FFF_FFFF);
        var post2 = Lanes512.Create(BitConverter.SingleToUInt32Bits(tsDecode));
        for (int j = 0; j < m; j++)
        {
            if (declined[j]) continue;
            var f = Lanes512.Create(BitConverter.SingleToUInt32Bits(d[j]));
            var s = TOut.Codes ? default
                : Lanes512.Create(BitConverter.SingleToUInt32Bits(perCode ? values[codes[j]] : (float)call.Scales.Decode(codes[j])));
            for (int k = 0; k < bcols; k += 16)
            {
                nuint i = (nuint)(offsets[j] + k);
                Lanes512 t = Lanes512.MultiplyF(Lanes512.Load(ref x, i), f);
                Lanes512 ta = t & absL;
                t = Lanes512.Min(ta, clamp) | (t ^ ta);
                Lanes512 r = TRule.IsStochastic ? Lanes512.Load(ref random, i) : default;
                Lanes512 y = TOp.ApplyFast<Lanes512, TRule>(t, r, plan, out Lanes512 rare);
                if (Lanes512.Any(rare)) y = Full<TOp, TPlan, TRule>(t, r, plan);
                if (!TOut.Codes) y = Lanes512.MultiplyF(Lanes512.MultiplyF(y, s), post2);
                Lanes512.Store(y, ref destination, i);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Lanes512 Full<TOp, TPlan, TRule>(Lanes512 q, Lanes512 r, in TPlan plan)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule =>
        TOp.Apply<Lanes512, TRule>(q, r, plan);
}
