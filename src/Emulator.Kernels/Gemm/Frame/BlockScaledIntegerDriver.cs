using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The block-scaled GEMM for elements that are small integers times a power of two (E2M1 x 2, E2M3 x 8, INT8; see
/// <see cref="BlockScaledMicroKernel"/>) as a frame kernel over the whole K (the micro-kernel keeps its float32
/// accumulators across every block). A panel: per block, groups of 4 integers (u = n + 128), then the scales times 2^Qa
/// and a per-block scale-safety flag; a B panel: per block, groups of 4 integers, then the column corrections -128 * the
/// block sums, the scales times 2^Qb and the flags.
/// </summary>
internal readonly unsafe struct BlockScaledIntegerDriver : IGemmKernel
{
    private const int MR = BlockScaledMicroKernel.MR, NR = BlockScaledMicroKernel.NR;
    private static readonly double SafeLow = Math.ScaleB(1.0, -50), SafeHigh = Math.ScaleB(1.0, 50);
    private readonly Tables _a, _b;
    private readonly int _blocks, _groups;
    private readonly bool _floatExact, _wide;
    private readonly float _tensorScale;
    private readonly float* _c;
    private readonly int _ldc;

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
    private BlockScaledIntegerDriver(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, bool floatExact,
        bool wide, float* c, int ldc)
    {
        _a = new Tables(a, pa, wide ? 0 : 128);
        _b = new Tables(b, pb, 0);
        _blocks = a.Blocks;
        _groups = wide ? (a.BlockSize + 1) / 2 : (a.BlockSize + 3) / 4;
        _floatExact = floatExact;
        _wide = wide;
        _tensorScale = a.TensorScale * b.TensorScale;
        _c = c;
        _ldc = ldc;
    }

    /// <summary>C = A * B^T (see <see cref="BlockScaledGemm"/>).</summary>
    public static void Run(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, bool floatExact, bool wide,
        float* c, int ldc, int threads) =>
        GemmFrame.Run(new BlockScaledIntegerDriver(a, b, pa, pb, floatExact, wide, c, ldc), a.Rows, b.Rows, a.K, threads);

    public GemmBlocking Blocking => GemmBlockingTable.BlockScaledInteger;

    private long ElementBytes(int width) => (long)_blocks * _groups * width * 4;

    public long PanelBytesA(int kc) => ElementBytes(MR) + (long)_blocks * MR * sizeof(float) + _blocks;

    public long PanelBytesB(int kc) => ElementBytes(NR) + (long)_blocks * NR * (sizeof(int) + sizeof(float)) + _blocks;

    public byte* PackA(byte* dst, int i0, int rows, int p0, int kc)
    {
        float* scales = (float*)(dst + ElementBytes(MR));
        Pack(_a, i0, rows, MR, _groups, _wide, dst, scales, (byte*)(scales + _blocks * MR), null);
        return dst;
    }

    public byte* PackB(byte* dst, int p0, int kc, int j0, int cols)
    {
        int* corr = (int*)(dst + ElementBytes(NR));
        float* scales = (float*)(corr + _blocks * NR);
        Pack(_b, j0, cols, NR, _groups, _wide, dst, scales, (byte*)(scales + _blocks * NR), corr);
        return dst;
    }

    public void Tile(byte* ap, byte* bp, int i0, int j0, int rows, int cols, int p0, int kc)
    {
        float* sa = (float*)(ap + ElementBytes(MR));
        int* corr = (int*)(bp + ElementBytes(NR));
        float* sb = (float*)(corr + _blocks * NR);
        BlockScaledMicroKernel.Run(_blocks, _groups, ap, sa, (byte*)(sa + _blocks * MR), (sbyte*)bp, corr, sb, (byte*)(sb + _blocks * NR),
            _floatExact, _wide, _tensorScale, _c + (long)i0 * _ldc + j0, _ldc, rows, cols);
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
