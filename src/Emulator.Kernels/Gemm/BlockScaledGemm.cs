namespace Emulator.Kernels.Gemm;

/// <summary>
/// Block-scaled GEMM (MX and NVFP4): C (M x N, row-major) = A * B^T with A (M x K) and B (N x K) scaled in blocks along K,
/// by the definition in <see cref="BlockScaledReference"/> (per-block exact sums, scaled by both block scales and rounded
/// once to float32, float32 accumulation in block order, tensor scales last). Elements that are small integers times a power
/// of two (E2M1 x 2, E2M3 x 8, INT8) take the AvxVnni integer path (E3M2 x 16 its int16 form); other element formats (FP8, E3M2) take the float64
/// path of <see cref="BlockScaledDoubleDriver"/> (exact block sums, one exact rounding); formats beyond both use the scalar
/// definition, in parallel. Every path gives the same bits.
/// </summary>
public static class BlockScaledGemm
{
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
            bool int8 = pa.FitsInt8 && pb.FitsInt8;
            // Elements up to int16 (E3M2 x 16) take vpdpwssd when block sums fit int32 and the wide kernel is there.
            bool int16 = !int8 && System.Runtime.Intrinsics.X86.AvxVnni.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated
                && pa.MaxAbsN <= short.MaxValue && pb.MaxAbsN <= short.MaxValue && (double)a.BlockSize * pa.MaxAbsN * pb.MaxAbsN < int.MaxValue;
            if (int8 || int16)
            {
                long maxS = (long)a.BlockSize * pa.MaxAbsN * pb.MaxAbsN;
                int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)maxS);
                // float(S) * sa * sb is exact when its significand fits 24 bits: a power-of-two scale adds no bits.
                bool floatExact = bits + SignificandBits(a.ScaleFormat) + SignificandBits(b.ScaleFormat) <= 24;
                BlockScaledIntegerDriver.Run(a, b, pa, pb, floatExact, int16, pc, threads);
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

    private static int SignificandBits(Emulator.Formats.FloatFormat f) => f.MantissaBits == 0 ? 0 : f.MantissaBits + 1;
}
