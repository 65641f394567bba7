namespace Emulator.Kernels.Gemm;

/// <summary>
/// Block-scaled GEMM (MX and NVFP4): C (m x n, row-major) = A * B^T with A (m x k) and B (n x k) scaled in blocks along K,
/// by the definition in <see cref="BlockScaledReference"/> (per-block exact sums, scaled by both block scales and rounded
/// once to float32, float32 accumulation in block order, tensor scales last). Elements that are small integers times a power
/// of two (E2M1 x 2, E2M3 x 8, INT8) take the AvxVnni integer path (E3M2 x 16 its int16 form); other element formats (FP8, E3M2) take the float64
/// path of <see cref="BlockScaledDoubleDriver"/> (exact block sums, one exact rounding); formats beyond both use the scalar
/// definition, in parallel. Every path gives the same bits.
/// </summary>
public static class BlockScaledGemm
{
    /// <summary>
    /// C (m x n, row-major, ldc) = op(A) op(B) with op(A) = A (m x k) and op(B) = B^T: block scales run along K, so A is
    /// stored m x k and B n x k (each output column's K values contiguous, like a weight matrix); the flags must say so
    /// (transA = None, transB = Transposed) and m, n, k must match the operands.
    /// </summary>
    /// <param name="transA">Must be <see cref="Transpose.None"/>.</param>
    /// <param name="transB">Must be <see cref="Transpose.Transposed"/>.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Rows of B (columns of C).</param>
    /// <param name="k">The reduction length (K of both operands).</param>
    /// <param name="a">Left operand, m x k.</param>
    /// <param name="b">Right operand stored as n x k.</param>
    /// <param name="c">Output.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="options">Threads (the bits never depend on them).</param>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k, BlockScaledMatrix a, BlockScaledMatrix b, Span<float> c,
        int ldc, GemmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        GemmChecks.Dimensions(m, n, k);
        int threads = GemmOptions.ThreadsFor(options, "BlockScaledGemm.Multiply");
        if (transA != Transpose.None)
            throw new ArgumentException($"transA is {transA}; block-scaled A is stored m x k (scales along K), so it must be None", nameof(transA));
        if (transB != Transpose.Transposed)
            throw new ArgumentException($"transB is {transB}; block-scaled B is stored n x k (scales along K), so it must be Transposed", nameof(transB));
        if (a.Rows != m || a.K != k) throw new ArgumentException($"a is {a.Rows} x {a.K}; it must be m x k = {m} x {k}", nameof(a));
        if (b.Rows != n || b.K != k) throw new ArgumentException($"b is {b.Rows} x {b.K}; it must be n x k = {n} x {k}", nameof(b));
        if (a.BlockSize != b.BlockSize) throw new ArgumentException($"b has block size {b.BlockSize}; it must equal a's {a.BlockSize}", nameof(b));
        GemmChecks.Operand(nameof(c), c.Length, m, n, Transpose.None, ldc, nameof(ldc));
        if (m == 0 || n == 0) return;
        Run(a, b, c, ldc, threads);
    }

    /// <summary>C (a.Rows x b.Rows, dense row-major) = A * B^T, as the full overload with m, n, k taken from the operands.</summary>
    public static void Multiply(BlockScaledMatrix a, BlockScaledMatrix b, Span<float> c, GemmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.K != b.K) throw new ArgumentException($"b has K = {b.K}; it must equal a.K = {a.K}", nameof(b));
        Multiply(Transpose.None, Transpose.Transposed, a.Rows, b.Rows, a.K, a, b, c, Math.Max(1, b.Rows), options);
    }

    private static unsafe void Run(BlockScaledMatrix a, BlockScaledMatrix b, Span<float> c, int ldc, int threads)
    {
        int m = a.Rows, n = b.Rows;
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
                BlockScaledIntegerDriver.Run(a, b, pa, pb, floatExact, int16, pc, ldc, threads);
            }
            else if (BlockScaledDoubleDriver.Mode(a, b, pa, pb) is BlockDoubleMode mode)
                BlockScaledDoubleDriver.Run(a, b, pa, pb, mode, pc, ldc, threads);
            else
                GemmPartition.Run(m, n, threads, 1, 1, (r0, r1, c0, c1) =>
                {
                    for (int i = r0; i < r1; i++)
                        for (int j = c0; j < c1; j++) ((float*)cp)[(long)i * ldc + j] = BlockScaledReference.Element(a, b, pa, pb, i, j);
                });
        }
    }

    private static int SignificandBits(Emulator.Formats.FloatFormat f) => f.MantissaBits == 0 ? 0 : f.MantissaBits + 1;
}
