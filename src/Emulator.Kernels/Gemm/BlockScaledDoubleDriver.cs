using System.Runtime.InteropServices;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The loops of the block-scaled GEMM for elements that do not fit int8 (see <see cref="BlockScaledDoubleKernel"/>): B is
/// packed once (all K, NR-wide strips of float64 integers, scales times 2^Qb, per-block finiteness flags) and shared by the
/// workers; each worker packs MC-row blocks of A for a chunk of blocks (about 256 elements of K) and keeps the float32
/// accumulators in C between chunks (storing and reloading a float32 is exact, so the block order of the definition holds).
/// </summary>
internal static unsafe class BlockScaledDoubleDriver
{
    private const int MR = BlockScaledDoubleKernel.MR, NR = BlockScaledDoubleKernel.NR, MC = 96;

    /// <summary>Which mode the formats allow, or null (use the scalar definition).</summary>
    public static BlockDoubleMode? Mode(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb)
    {
        double product = (double)pa.MaxAbsN * pb.MaxAbsN;
        bool plain = product * a.BlockSize < Math.ScaleB(1.0, 53);
        // Split mode: every h is a multiple of 2^32 and their sum below 2^84 (53 bits of multiples of 2^32): exact.
        if (!plain && product * a.BlockSize >= Math.ScaleB(1.0, 84)) return null;
        // Every packed scale (X * 2^Q) and every product S * X_A * X_B must stay far inside the float64 normal range.
        var (loA, hiA) = ScaleRange(a.ScaleFormat);
        var (loB, hiB) = ScaleRange(b.ScaleFormat);
        int low = pa.Q + pb.Q + loA + loB, high = pa.Q + pb.Q + hiA + hiB + 64 + 11;
        if (pa.Q + loA < -1000 || pb.Q + loB < -1000 || pa.Q + hiA > 1000 || pb.Q + hiB > 1000 || low < -1000 || high > 1000) return null;
        if (!plain) return BlockDoubleMode.Split;
        // S * X is exact in float64 when S's bits plus both scale significands fit 53 bits.
        int sBits = Math.ILogB(product * a.BlockSize) + 1;
        return sBits + a.ScaleFormat.MantissaBits + 1 + b.ScaleFormat.MantissaBits + 1 <= 53 ? BlockDoubleMode.PlainExact : BlockDoubleMode.Plain;
    }

    private static (int Low, int High) ScaleRange(Emulator.Formats.ScalarFormat f)
    {
        int lo = 0, hi = 0;
        for (uint code = 0; code < f.CodeCount; code++)
        {
            double v = Math.Abs(f.Decode(code));
            if (!double.IsFinite(v) || v == 0) continue;
            lo = Math.Min(lo, Math.ILogB(v));
            hi = Math.Max(hi, Math.ILogB(v) + 1);
        }
        return (lo, hi);
    }

    private sealed class Definition(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb) : BlockScaledDoubleKernel.IFallback
    {
        public float BlockTerm(int i, int j, int blk) => BlockScaledReference.BlockTerm(a, b, pa, pb, i, j, blk);
    }

    /// <summary>Tables of one operand: element integers as float64 and scales times 2^Q.</summary>
    private sealed class Tables
    {
        public Tables(BlockScaledMatrix x, BlockElementPlan plan)
        {
            X = x; Plan = plan;
            Elements = new double[plan.N.Length];
            for (int code = 0; code < Elements.Length; code++) Elements[code] = plan.N[code];
            Scales = new double[x.ScaleFormat.CodeCount];
            for (uint code = 0; code < Scales.Length; code++) Scales[code] = x.ScaleFormat.Decode(code) * Math.ScaleB(1.0, plan.Q);
        }

        public BlockScaledMatrix X { get; }
        public BlockElementPlan Plan { get; }
        public double[] Elements { get; }
        public double[] Scales { get; }
    }

    public static void Run(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, BlockDoubleMode mode, float* c, int threads)
    {
        int m = a.Rows, n = b.Rows, blocks = a.Blocks, bs = a.BlockSize;
        int strips = (n + NR - 1) / NR;
        long stripLength = (long)blocks * bs * NR;
        var tb = new Tables(b, pb);
        var ta = new Tables(a, pa);
        double* packB = (double*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, strips * stripLength) * sizeof(double)), 64);
        double* scaleB = (double*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, strips * blocks * NR) * sizeof(double)), 64);
        double* maxB = (double*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, strips * blocks * NR) * sizeof(double)), 64);
        byte* finB = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, strips * blocks));
        try
        {
            nint pB = (nint)packB, sB = (nint)scaleB, mB = (nint)maxB, fB = (nint)finB, pc = (nint)c;
            GemmPartition.ForStrips(strips, threads, s =>
                Pack(tb, s * NR, Math.Min(NR, n - s * NR), NR, 0, blocks, (double*)pB + s * stripLength,
                    (double*)sB + (long)s * blocks * NR, (double*)mB + (long)s * blocks * NR, (byte*)fB + (long)s * blocks));
            var definition = new Definition(a, b, pa, pb);
            float tensorScale = a.TensorScale * b.TensorScale;
            GemmPartition.Run(m, n, threads, MR, NR, (r0, r1, c0, c1) =>
                Worker(ta, definition, (double*)pB, stripLength, (double*)sB, (double*)mB, (byte*)fB, mode, tensorScale, (float*)pc, n, r0, r1, c0, c1));
        }
        finally
        {
            NativeMemory.AlignedFree(packB);
            NativeMemory.AlignedFree(scaleB);
            NativeMemory.AlignedFree(maxB);
            NativeMemory.Free(finB);
        }
    }

    private static void Worker(Tables ta, Definition definition, double* packB, long stripLength, double* scaleB, double* maxB, byte* finB, BlockDoubleMode mode,
        float tensorScale, float* c, int ldc, int r0, int r1, int c0, int c1)
    {
        if (r0 >= r1 || c0 >= c1) return;
        var a = ta.X;
        int blocks = a.Blocks, bs = a.BlockSize, chunk = Math.Max(1, 256 / bs);
        int stripsA = MC / MR;
        double* packA = (double*)NativeMemory.AlignedAlloc((nuint)((long)MC * chunk * bs * sizeof(double)), 64);
        double* scaleA = (double*)NativeMemory.AlignedAlloc((nuint)(MC * chunk * sizeof(double)), 64);
        double* maxA = (double*)NativeMemory.AlignedAlloc((nuint)(MC * chunk * sizeof(double)), 64);
        byte* finA = (byte*)NativeMemory.Alloc((nuint)(stripsA * chunk));
        try
        {
            for (int cb0 = 0; cb0 == 0 || cb0 < blocks; cb0 += chunk)
            {
                int cb = Math.Min(chunk, blocks - cb0);
                bool first = cb0 == 0, last = cb0 + chunk >= blocks;
                for (int ic = r0; ic < r1; ic += MC)
                {
                    int mc = Math.Min(MC, r1 - ic);
                    for (int ir = 0, s = 0; ir < mc; ir += MR, s++)
                        Pack(ta, ic + ir, Math.Min(MR, mc - ir), MR, cb0, cb0 + cb, packA + (long)s * cb * bs * MR, scaleA + s * cb * MR, maxA + s * cb * MR, finA + s * cb);
                    for (int jr = c0; jr < c1; jr += NR)
                    {
                        int strip = jr / NR;
                        double* bp = packB + strip * stripLength + (long)cb0 * bs * NR;
                        double* sbp = scaleB + ((long)strip * blocks + cb0) * NR;
                        double* mbp = maxB + ((long)strip * blocks + cb0) * NR;
                        byte* fbp = finB + (long)strip * blocks + cb0;
                        for (int ir = 0, s = 0; ir < mc; ir += MR, s++)
                        {
                            int i0 = ic + ir;
                            BlockScaledDoubleKernel.Run(definition, cb, cb0, bs, packA + (long)s * cb * bs * MR, scaleA + s * cb * MR, maxA + s * cb * MR, finA + s * cb,
                                bp, sbp, mbp, fbp, mode, first, last, tensorScale, c + (long)i0 * ldc + jr, ldc, i0, jr,
                                Math.Min(MR, r1 - i0), Math.Min(NR, c1 - jr));
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
            NativeMemory.AlignedFree(scaleA);
            NativeMemory.AlignedFree(maxA);
            NativeMemory.Free(finA);
        }
    }

    /// <summary>
    /// Packs rows [row0, row0 + rows) and blocks [blk0, blk1) as one strip of <paramref name="width"/>: element integers at
    /// dst[((blk - blk0) * bs + kk) * width + r] (padding 0), scales times 2^Q at scales[(blk - blk0) * width + r] (padding
    /// 0), the largest |N| of each row's block at maxima[(blk - blk0) * width + r], and per block whether every element and
    /// scale of the strip is finite.
    /// </summary>
    private static void Pack(Tables t, int row0, int rows, int width, int blk0, int blk1, double* dst, double* scales, double* maxima, byte* fin)
    {
        var x = t.X;
        int bs = x.BlockSize, k = x.K, blocks = x.Blocks;
        bool[] finite = t.Plan.Finite;
        for (int blk = blk0; blk < blk1; blk++)
        {
            int k0 = blk * bs, k1 = Math.Min(k, k0 + bs);
            double* d = dst + (long)(blk - blk0) * bs * width;
            bool allFinite = true;
            for (int r = 0; r < width; r++)
            {
                if (r >= rows)
                {
                    for (int kk = 0; kk < bs; kk++) d[kk * width + r] = 0;
                    scales[(blk - blk0) * width + r] = 0;
                    maxima[(blk - blk0) * width + r] = 0;
                    continue;
                }
                double scale = t.Scales[x.ScaleCodes[(long)(row0 + r) * blocks + blk]];
                scales[(blk - blk0) * width + r] = scale;
                allFinite &= double.IsFinite(scale);
                double max = 0;
                int len = k1 - k0;
                fixed (byte* src = &x.ElementCodes[(long)(row0 + r) * k + k0])
                fixed (double* elements = t.Elements)
                fixed (bool* fine = finite)
                {
                    bool rowFinite = true;
                    for (int kk = 0; kk < len; kk++)
                    {
                        byte code = src[kk];
                        double v = elements[code];
                        rowFinite &= fine[code];
                        d[kk * width + r] = v;
                        max = Math.Max(max, Math.Abs(v));
                    }
                    allFinite &= rowFinite;
                }
                for (int kk = len; kk < bs; kk++) d[kk * width + r] = 0;
                maxima[(blk - blk0) * width + r] = max;
            }
            fin[blk - blk0] = allFinite ? (byte)1 : (byte)0;
        }
    }
}
