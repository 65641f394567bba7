namespace Emulator.Kernels.Gemm;

/// <summary>
/// Block-scaled GEMM (MX and NVFP4): C (M x N, row-major) = A * B^T with A (M x K) and B (N x K) scaled in blocks along K,
/// by the definition in <see cref="BlockScaledReference"/> (per-block exact sums, scaled by both block scales and rounded
/// once to float32, float32 accumulation in block order, tensor scales last). Elements that are small integers times a power
/// of two (E2M1 x 2, E2M3 x 8, INT8) take the AvxVnni integer path; other element formats (FP8, E3M2) take the float64
/// path of <see cref="BlockScaledDoubleDriver"/> (exact block sums, one exact rounding); formats beyond both use the scalar
/// definition, in parallel. Every path gives the same bits.
/// </summary>
public static class BlockScaledGemm
{
    private const int MR = BlockScaledMicroKernel.MR, NR = BlockScaledMicroKernel.NR;
    private static readonly double SafeLow = Math.ScaleB(1.0, -50), SafeHigh = Math.ScaleB(1.0, 50);

    /// <summary>Computes C = A * B^T.</summary>
    /// <param name="a">Left operand, M x K.</param>
    /// <param name="b">Right operand stored as N x K (each output column's K values contiguous, like a weight matrix).</param>
    /// <param name="c">Output, at least M * N.</param>
    /// <param name="threads">Worker threads, 1..1024.</param>
    public static unsafe void Multiply(BlockScaledMatrix a, BlockScaledMatrix b, Span<float> c, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GemmChecks.Threads(threads);
        if (a.K != b.K) throw new ArgumentException($"b has K = {b.K}; it must equal a.K = {a.K}", nameof(b));
        if (a.BlockSize != b.BlockSize) throw new ArgumentException($"b has block size {b.BlockSize}; it must equal a's {a.BlockSize}", nameof(b));
        int m = a.Rows, n = b.Rows;
        if (c.Length < (long)m * n) throw new ArgumentException($"c has length {c.Length}; it must be at least M*N = {(long)m * n}", nameof(c));
        if (m == 0 || n == 0) return;
        var pa = new BlockElementPlan(a.ElementFormat);
        var pb = new BlockElementPlan(b.ElementFormat);
        fixed (float* pc = c)
        {
            nint cp = (nint)pc;
            if (pa.FitsInt8 && pb.FitsInt8)
            {
                long maxS = (long)a.BlockSize * pa.MaxAbsN * pb.MaxAbsN;
                int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)maxS);
                bool floatExact = bits + a.ScaleFormat.MantissaBits + 1 + b.ScaleFormat.MantissaBits + 1 <= 24;
                GemmPartition.Run(m, n, threads, MR, NR, (r0, r1, c0, c1) => IntegerWorker(a, b, pa, pb, floatExact, (float*)cp, r0, r1, c0, c1));
            }
            else if (BlockScaledDoubleDriver.Mode(a, b, pa, pb) is BlockDoubleMode mode)
                BlockScaledDoubleDriver.Run(a, b, pa, pb, mode, pc, threads);
            else
                GemmPartition.Run(m, n, threads, 1, 1, (r0, r1, c0, c1) =>
                {
                    for (int i = r0; i < r1; i++)
                        for (int j = c0; j < c1; j++) ((float*)cp)[(long)i * n + j] = BlockScaledReference.Element(a, b, pa, pb, i, j);
                });
        }
    }

    private static unsafe void IntegerWorker(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb,
        bool floatExact, float* c, int r0, int r1, int c0, int c1)
    {
        if (r0 >= r1 || c0 >= c1) return;
        int blocks = a.Blocks, groups = (a.BlockSize + 3) / 4, n = b.Rows;
        int stripsA = (r1 - r0 + MR - 1) / MR, stripsB = (c1 - c0 + NR - 1) / NR;
        int aStrip = blocks * groups * MR * 4, bStrip = blocks * groups * NR * 4;
        var packA = new byte[(long)stripsA * aStrip];
        var scaleA = new float[stripsA * blocks * MR];
        var safeA = new byte[stripsA * blocks];
        var packB = new sbyte[(long)stripsB * bStrip];
        var corr = new int[stripsB * blocks * NR];
        var scaleB = new float[stripsB * blocks * NR];
        var safeB = new byte[stripsB * blocks];
        for (int s = 0; s < stripsA; s++)
            Pack(a, pa, r0 + s * MR, Math.Min(MR, r1 - r0 - s * MR), MR, groups, packA.AsSpan(s * aStrip, aStrip), 128,
                scaleA.AsSpan(s * blocks * MR), safeA.AsSpan(s * blocks), default);
        for (int s = 0; s < stripsB; s++)
            Pack(b, pb, c0 + s * NR, Math.Min(NR, c1 - c0 - s * NR), NR, groups, System.Runtime.InteropServices.MemoryMarshal.AsBytes(packB.AsSpan(s * bStrip, bStrip)), 0,
                scaleB.AsSpan(s * blocks * NR), safeB.AsSpan(s * blocks), corr.AsSpan(s * blocks * NR));
        float tensorScale = a.TensorScale * b.TensorScale;
        fixed (byte* pA = packA) fixed (float* sA = scaleA) fixed (byte* fA = safeA)
        fixed (sbyte* pB = packB) fixed (int* cB = corr) fixed (float* sB = scaleB) fixed (byte* fB = safeB)
        {
            for (int sb = 0; sb < stripsB; sb++)
                for (int sa = 0; sa < stripsA; sa++)
                {
                    int i0 = r0 + sa * MR, j0 = c0 + sb * NR;
                    BlockScaledMicroKernel.Run(blocks, groups, pA + (long)sa * aStrip, sA + sa * blocks * MR, fA + sa * blocks,
                        pB + (long)sb * bStrip, cB + sb * blocks * NR, sB + sb * blocks * NR, fB + sb * blocks,
                        floatExact, tensorScale, c + (long)i0 * n + j0, n, Math.Min(MR, r1 - i0), Math.Min(NR, c1 - j0));
                }
        }
    }

    /// <summary>
    /// Packs rows [row0, row0 + rows) of an operand as one strip of <paramref name="width"/> (padded rows: element 0, scale 1):
    /// per block, groups of 4 integers at [(g * width + r) * 4 + t], stored as n + offset; scales times 2^Q; per-block safety
    /// flags; and, when <paramref name="corr"/> is not empty, -128 * the block sum of each row's integers.
    /// </summary>
    private static void Pack(BlockScaledMatrix x, BlockElementPlan plan, int row0, int rows, int width, int groups, Span<byte> dst,
        int offset, Span<float> scales, Span<byte> safe, Span<int> corr)
    {
        int blocks = x.Blocks, bs = x.BlockSize, k = x.K;
        for (int blk = 0; blk < blocks; blk++)
        {
            int k0 = blk * bs, k1 = Math.Min(k, k0 + bs);
            Span<byte> d = dst.Slice(blk * groups * width * 4, groups * width * 4);
            bool allSafe = true;
            for (int r = 0; r < width; r++)
            {
                int sum = 0;
                for (int kk = 0; kk < groups * 4; kk++)
                {
                    int n = 0;
                    if (r < rows && k0 + kk < k1) n = (int)plan.N[x.ElementCodes[(row0 + r) * k + k0 + kk]];
                    sum += n;
                    d[((kk >> 2) * width + r) * 4 + (kk & 3)] = (byte)(n + offset);
                }
                if (!corr.IsEmpty) corr[blk * width + r] = -128 * sum;
                double scale = r < rows ? x.ScaleFormat.Decode(x.ScaleCodes[(row0 + r) * blocks + blk]) * Math.ScaleB(1.0, plan.Q) : 1.0;
                scales[blk * width + r] = (float)scale;
                allSafe &= scale >= SafeLow && scale <= SafeHigh;
            }
            safe[blk] = allSafe ? (byte)1 : (byte)0;
        }
    }
}
