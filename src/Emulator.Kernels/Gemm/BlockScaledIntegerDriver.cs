using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The loops of the block-scaled GEMM for elements that are small integers times a power of two (E2M1 x 2, E2M3 x 8,
/// INT8; see <see cref="BlockScaledMicroKernel"/>). B is packed once for all K (NR-wide strips: per block, groups of 4
/// integers, the column correction -128 * block sum, scales times 2^Qb and a scale-safety flag) and shared by the workers;
/// each worker packs MC-row blocks of A (u = n + 128) for all K and runs the micro-kernel over every B strip of its columns.
/// </summary>
internal static unsafe class BlockScaledIntegerDriver
{
    private const int MR = BlockScaledMicroKernel.MR, NR = BlockScaledMicroKernel.NR, MC = 96;
    private static readonly double SafeLow = Math.ScaleB(1.0, -50), SafeHigh = Math.ScaleB(1.0, 50);

    /// <summary>Code tables of one operand: packed element bytes (n + offset), integers n, scales times 2^Q and their safety.</summary>
    private sealed class Tables
    {
        public Tables(BlockScaledMatrix x, BlockElementPlan plan, int offset)
        {
            X = x;
            Offset = (byte)offset;
            Bytes = new byte[plan.N.Length];
            Values = new int[plan.N.Length];
            for (int code = 0; code < Bytes.Length; code++) { Values[code] = (int)plan.N[code]; Bytes[code] = (byte)(plan.N[code] + offset); }
            Scales = new float[x.ScaleFormat.CodeCount];
            Safe = new bool[Scales.Length];
            for (uint code = 0; code < Scales.Length; code++)
            {
                double scale = x.ScaleFormat.Decode(code) * Math.ScaleB(1.0, plan.Q);
                Scales[code] = (float)scale;
                Safe[code] = scale >= SafeLow && scale <= SafeHigh;
            }
        }

        public BlockScaledMatrix X { get; }
        public byte Offset { get; }
        public byte[] Bytes { get; }
        public int[] Values { get; }
        public float[] Scales { get; }
        public bool[] Safe { get; }
    }

    /// <summary>C = A * B^T; <paramref name="wide"/>: int16 elements in pairs (vpdpwssd, no offset) instead of u8 x s8 quads.</summary>
    public static void Run(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, bool floatExact, bool wide,
        float* c, int threads)
    {
        int m = a.Rows, n = b.Rows, blocks = a.Blocks, groups = wide ? (a.BlockSize + 1) / 2 : (a.BlockSize + 3) / 4;
        int strips = (n + NR - 1) / NR;
        long stripBytes = (long)blocks * groups * NR * 4;
        var ta = new Tables(a, pa, wide ? 0 : 128);
        var tb = new Tables(b, pb, 0);
        byte* packB = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(64, strips * stripBytes), 64);
        int* corr = (int*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, strips * blocks * NR) * sizeof(int)), 64);
        float* scaleB = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, strips * blocks * NR) * sizeof(float)), 64);
        byte* safeB = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, strips * blocks));
        try
        {
            nint pB = (nint)packB, cB = (nint)corr, sB = (nint)scaleB, fB = (nint)safeB, pc = (nint)c;
            GemmPartition.ForStrips(strips, threads, s =>
                Pack(tb, s * NR, Math.Min(NR, n - s * NR), NR, groups, wide, (byte*)pB + s * stripBytes,
                    (float*)sB + (long)s * blocks * NR, (byte*)fB + (long)s * blocks, (int*)cB + (long)s * blocks * NR));
            float tensorScale = a.TensorScale * b.TensorScale;
            GemmPartition.Run(m, n, threads, MR, NR, (r0, r1, c0, c1) =>
                Worker(ta, blocks, groups, wide, (byte*)pB, stripBytes, (int*)cB, (float*)sB, (byte*)fB, floatExact, tensorScale, (float*)pc, n, r0, r1, c0, c1));
        }
        finally
        {
            NativeMemory.AlignedFree(packB);
            NativeMemory.AlignedFree(corr);
            NativeMemory.AlignedFree(scaleB);
            NativeMemory.Free(safeB);
        }
    }

    private static void Worker(Tables ta, int blocks, int groups, bool wide, byte* packB, long stripBytes, int* corr, float* scaleB, byte* safeB,
        bool floatExact, float tensorScale, float* c, int ldc, int r0, int r1, int c0, int c1)
    {
        if (r0 >= r1 || c0 >= c1) return;
        long aStrip = (long)blocks * groups * MR * 4;
        const int stripsA = MC / MR;
        byte* packA = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(64, stripsA * aStrip), 64);
        float* scaleA = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, stripsA * blocks * MR) * sizeof(float)), 64);
        byte* safeA = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, stripsA * blocks));
        try
        {
            for (int ic = r0; ic < r1; ic += MC)
            {
                int mc = Math.Min(MC, r1 - ic);
                for (int ir = 0, s = 0; ir < mc; ir += MR, s++)
                    Pack(ta, ic + ir, Math.Min(MR, mc - ir), MR, groups, wide, packA + s * aStrip, scaleA + (long)s * blocks * MR, safeA + s * blocks, null);
                for (int jr = c0; jr < c1; jr += NR)
                {
                    int strip = jr / NR;
                    for (int ir = 0, s = 0; ir < mc; ir += MR, s++)
                    {
                        int i0 = ic + ir;
                        BlockScaledMicroKernel.Run(blocks, groups, packA + s * aStrip, scaleA + (long)s * blocks * MR, safeA + s * blocks,
                            (sbyte*)(packB + strip * stripBytes), corr + (long)strip * blocks * NR, scaleB + (long)strip * blocks * NR,
                            safeB + (long)strip * blocks, floatExact, wide, tensorScale, c + (long)i0 * ldc + jr, ldc, Math.Min(MR, r1 - i0), Math.Min(NR, c1 - jr));
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packA);
            NativeMemory.AlignedFree(scaleA);
            NativeMemory.Free(safeA);
        }
    }

    /// <summary>
    /// The int16 form of <see cref="Pack"/>: per block, pairs of signed integers at [(g * width + r) * 2 + t], no offset and
    /// no correction (corr, if given, is 0).
    /// </summary>
    private static void PackWide(Tables t, int row0, int rows, int width, int groups, short* dst, float* scales, byte* safe, int* corr)
    {
        var x = t.X;
        int blocks = x.Blocks, bs = x.BlockSize, k = x.K;
        fixed (byte* codes = x.ElementCodes) fixed (byte* scaleCodes = x.ScaleCodes) fixed (int* values = t.Values)
        {
            for (int blk = 0; blk < blocks; blk++)
            {
                int k0 = blk * bs, len = Math.Min(k, k0 + bs) - k0;
                short* d = dst + (long)blk * groups * width * 2;
                bool allSafe = true;
                for (int r = 0; r < width; r++)
                {
                    byte* src = codes + (long)(row0 + r) * k + k0;
                    for (int kk = 0; kk < groups * 2; kk++)
                        d[((kk >> 1) * width + r) * 2 + (kk & 1)] = r < rows && kk < len ? (short)values[src[kk]] : (short)0;
                    if (r < rows)
                    {
                        byte sc = scaleCodes[(long)(row0 + r) * blocks + blk];
                        scales[blk * width + r] = t.Scales[sc];
                        allSafe &= t.Safe[sc];
                    }
                    else scales[blk * width + r] = 1f;
                    if (corr != null) corr[blk * width + r] = 0;
                }
                safe[blk] = allSafe ? (byte)1 : (byte)0;
            }
        }
    }

    /// <summary>
    /// Packs rows [row0, row0 + rows) of an operand as one strip of <paramref name="width"/> for all blocks (padded rows:
    /// element 0, scale 1): per block, groups of 4 at [(g * width + r) * 4 + t]; scales times 2^Q; per-block safety flags;
    /// and, when <paramref name="corr"/> is not null, -128 * the block sum of each row's integers.
    /// </summary>
    private static void Pack(Tables t, int row0, int rows, int width, int groups, bool wide, byte* dst, float* scales, byte* safe, int* corr)
    {
        if (wide) { PackWide(t, row0, rows, width, groups, (short*)dst, scales, safe, corr); return; }
        var x = t.X;
        int blocks = x.Blocks, bs = x.BlockSize, k = x.K;
        byte pad = t.Offset;
        // Formats of at most 16 codes (E2M1) look up 16 elements at once with a byte shuffle, of at most 64 (E2M3) with
        // vpermb.
        bool shuffle = Ssse3.IsSupported && t.Bytes.Length <= 16, permute = !shuffle && Avx512Vbmi.IsSupported && t.Bytes.Length <= 64;
        Vector512<byte> byteTable = default, valueTable = default;
        if (shuffle || permute)
        {
            Span<byte> bt = stackalloc byte[64], vt = stackalloc byte[64];
            for (int code = 0; code < t.Bytes.Length; code++) { bt[code] = t.Bytes[code]; vt[code] = (byte)(t.Values[code] ^ 0x80); }
            byteTable = Vector512.Create((ReadOnlySpan<byte>)bt);
            valueTable = Vector512.Create((ReadOnlySpan<byte>)vt);
        }
        fixed (byte* codes = x.ElementCodes) fixed (byte* scaleCodes = x.ScaleCodes)
        fixed (byte* bytes = t.Bytes) fixed (int* values = t.Values)
        {
            for (int blk = 0; blk < blocks; blk++)
            {
                int k0 = blk * bs, len = Math.Min(k, k0 + bs) - k0;
                byte* d = dst + (long)blk * groups * width * 4;
                bool allSafe = true;
                for (int r = 0; r < width; r++)
                {
                    int sum = 0;
                    if (r < rows)
                    {
                        byte* src = codes + (long)(row0 + r) * k + k0;
                        int kk0 = 0;
                        if (shuffle || permute)
                            for (; kk0 + 16 <= len; kk0 += 16)
                            {
                                var c = Vector128.Load(src + kk0);
                                Vector128<byte> e8, v8;
                                if (shuffle) { e8 = Ssse3.Shuffle(byteTable.GetLower().GetLower(), c); v8 = Ssse3.Shuffle(valueTable.GetLower().GetLower(), c); }
                                else
                                {
                                    e8 = Avx512Vbmi.PermuteVar64x8(byteTable, c.ToVector256Unsafe().ToVector512Unsafe()).GetLower().GetLower();
                                    v8 = Avx512Vbmi.PermuteVar64x8(valueTable, c.ToVector256Unsafe().ToVector512Unsafe()).GetLower().GetLower();
                                }
                                var e = e8.AsUInt32();
                                uint* du = (uint*)d + (kk0 >> 2) * width + r;
                                du[0] = e.GetElement(0); du[width] = e.GetElement(1); du[2 * width] = e.GetElement(2); du[3 * width] = e.GetElement(3);
                                // Sum of the 16 signed values: bytes v + 128 summed by psadbw, less 16 * 128.
                                var sad = Sse2.SumAbsoluteDifferences(v8, Vector128<byte>.Zero);
                                sum += sad.GetElement(0) + sad.GetElement(4) - 16 * 128;
                            }
                        for (int kk = kk0; kk < len; kk++)
                        {
                            byte code = src[kk];
                            sum += values[code];
                            d[((kk >> 2) * width + r) * 4 + (kk & 3)] = bytes[code];
                        }
                        for (int kk = len; kk < groups * 4; kk++) d[((kk >> 2) * width + r) * 4 + (kk & 3)] = pad;
                        byte sc = scaleCodes[(long)(row0 + r) * blocks + blk];
                        scales[blk * width + r] = t.Scales[sc];
                        allSafe &= t.Safe[sc];
                    }
                    else
                    {
                        for (int kk = 0; kk < groups * 4; kk++) d[((kk >> 2) * width + r) * 4 + (kk & 3)] = pad;
                        scales[blk * width + r] = 1f;
                    }
                    if (corr != null) corr[blk * width + r] = -128 * sum;
                }
                safe[blk] = allSafe ? (byte)1 : (byte)0;
            }
        }
    }
}
