using System.Numerics;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The definition of the block-scaled dot product, element by element and exactly: for each block b along K,
/// S_b = sum of element products (exact, as integers N_a N_b 2^(Qa+Qb)); t_b = float32(S_b * X_A * X_B) rounded once from the
/// exact value (NaN if a scale or an element is NaN/Inf, then following IEEE double arithmetic); acc = acc + t_b in float32
/// from +0 in block order; C = acc * float32(T_A * T_B) with the tensor decode scales T.
/// </summary>
public static class BlockScaledReference
{
    /// <summary>Element (i, j) of A * B^T by the definition (slow, exact; the reference for the fast paths).</summary>
    public static float Element(BlockScaledMatrix a, BlockScaledMatrix b, int i, int j)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Element(a, b, new BlockElementPlan(a.ElementFormat), new BlockElementPlan(b.ElementFormat), i, j);
    }

    internal static float Element(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, int i, int j)
    {
        float acc = 0f;
        for (int blk = 0; blk < a.Blocks; blk++) acc += BlockTerm(a, b, pa, pb, i, j, blk);
        return acc * (a.TensorScale * b.TensorScale);
    }

    /// <summary>t_b of output (i, j) for block <paramref name="blk"/>: float32(S_b * X_A * X_B) by the definition.</summary>
    internal static float BlockTerm(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, int i, int j, int blk)
    {
        int k0 = blk * a.BlockSize, k1 = Math.Min(a.K, k0 + a.BlockSize);
        double sa = a.ScaleFormat.Decode(a.ScaleCodes[i * a.Blocks + blk]);
        double sb = b.ScaleFormat.Decode(b.ScaleCodes[j * b.Blocks + blk]);
        bool finite = double.IsFinite(sa) && double.IsFinite(sb);
        for (int k = k0; k < k1; k++)
            finite &= pa.Finite[a.ElementCodes[i * a.K + k]] && pb.Finite[b.ElementCodes[j * b.K + k]];
        if (!finite)
        {
            double s = 0;
            for (int k = k0; k < k1; k++) s += pa.Values[a.ElementCodes[i * a.K + k]] * pb.Values[b.ElementCodes[j * b.K + k]];
            return (float)(s * sa * sb);
        }
        Int128 exact = 0;
        for (int k = k0; k < k1; k++) exact += (Int128)pa.N[a.ElementCodes[i * a.K + k]] * pb.N[b.ElementCodes[j * b.K + k]];
        return Term(exact, pa.Q + pb.Q, sa, sb);
    }

    /// <summary>float32(S * 2^q * sa * sb) rounded once (nearest-even) from the exact value; sa, sb finite and >= 0.</summary>
    internal static float Term(Int128 s, int q, double sa, double sb)
    {
        if (s == 0 || sa == 0 || sb == 0) return 0f;
        var (ma, ea) = Emulator.Formats.BinarySplit.Decompose(sa);
        var (mb, eb) = Emulator.Formats.BinarySplit.Decompose(sb);
        int za = BitOperations.TrailingZeroCount(ma), zb = BitOperations.TrailingZeroCount(mb);
        ma >>= za; mb >>= zb;
        Int128 product = s * (Int128)ma * (Int128)mb;
        // Round to odd at 53 bits, then one rounding to float32 (53 >= 24 + 2 keeps it correct).
        return (float)Math.ScaleB(RoundToOdd53(product), q + ea + za + eb + zb);
    }

    private static double RoundToOdd53(Int128 x)
    {
        bool negative = x < 0;
        UInt128 u = negative ? (UInt128)(-x) : (UInt128)x;
        int bits = 128 - (int)UInt128.LeadingZeroCount(u);
        double r;
        if (bits <= 53) r = (double)(ulong)u;
        else
        {
            int d = bits - 53;
            ulong top = (ulong)(u >> d);
            if ((u & (((UInt128)1 << d) - 1)) != 0) top |= 1;
            r = Math.ScaleB((double)top, d);
        }
        return negative ? -r : r;
    }
}
