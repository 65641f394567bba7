
namespace Emulator.Kernels.Gemm;

/// <summary>
/// The block-scaled GEMM for elements that do not fit int8 (see <see cref="BlockScaledDoubleKernel"/>) as a frame kernel:
/// K in chunks of whole blocks (about 256 elements), with the float32 accumulators kept in C between chunks (storing and
/// reloading a float32 is exact, so the block order of the definition holds). A panel of a chunk holds the element
/// integers as float64, then the scales times 2^Q, the largest |N| of each row's block and per-block finiteness flags.
/// </summary>
internal readonly unsafe struct BlockScaledDoubleDriver : IGemmKernel
{
    private const int MR = BlockScaledDoubleKernel.MR, NR = BlockScaledDoubleKernel.NR;
    private readonly Tables _a, _b;
    private readonly Definition _definition;
    private readonly BlockDoubleMode _mode;
    private readonly int _bs;
    private readonly float _tensorScale;
    private readonly float* _c;
    private readonly int _ldc;
    private readonly GemmBlocking _blocking;

    private BlockScaledDoubleDriver(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, BlockDoubleMode mode, float* c, int ldc)
    {
        _a = new Tables(a, pa);
        _b = new Tables(b, pb);
        _definition = new Definition(a, b, pa, pb);
        _mode = mode;
        _bs = a.BlockSize;
        _tensorScale = a.TensorScale * b.TensorScale;
        _c = c;
        _ldc = ldc;
        _blocking = GemmBlockingTable.BlockScaledDouble with { KC = Math.Max(1, 256 / _bs) * _bs };
    }

    /// <summary>C = A * B^T (see <see cref="BlockScaledGemm"/>).</summary>
    public static void Run(BlockScaledMatrix a, BlockScaledMatrix b, BlockElementPlan pa, BlockElementPlan pb, BlockDoubleMode mode, float* c,
        int ldc, int threads) =>
        GemmFrame.Run(new BlockScaledDoubleDriver(a, b, pa, pb, mode, c, ldc), a.Rows, b.Rows, a.Blocks * a.BlockSize, threads);

    public GemmBlocking Blocking => _blocking;

    private int Blocks(int kc) => kc / _bs;

    public long PanelBytesA(int kc) => Blocks(kc) * ((long)_bs * MR + 2 * MR) * sizeof(double) + Blocks(kc);

    public long PanelBytesB(int kc) => Blocks(kc) * ((long)_bs * NR + 2 * NR) * sizeof(double) + Blocks(kc);

    public byte* PackA(byte* dst, int i0, int rows, int p0, int kc)
    {
        int cb = Blocks(kc);
        double* scales = (double*)dst + (long)cb * _bs * MR;
        Pack(_a, i0, rows, MR, p0 / _bs, p0 / _bs + cb, (double*)dst, scales, scales + cb * MR, (byte*)(scales + 2 * cb * MR));
        return dst;
    }

    public byte* PackB(byte* dst, int p0, int kc, int j0, int cols)
    {
        int cb = Blocks(kc);
        double* scales = (double*)dst + (long)cb * _bs * NR;
        Pack(_b, j0, cols, NR, p0 / _bs, p0 / _bs + cb, (double*)dst, scales, scales + cb * NR, (byte*)(scales + 2 * cb * NR));
        return dst;
    }

    public void Tile(byte* ap, byte* bp, int i0, int j0, int rows, int cols, int p0, int kc)
    {
        int cb = Blocks(kc);
        double* sa = (double*)ap + (long)cb * _bs * MR, sb = (double*)bp + (long)cb * _bs * NR;
        BlockScaledDoubleKernel.Run(_definition, cb, p0 / _bs, _bs, (double*)ap, sa, sa + cb * MR, (byte*)(sa + 2 * cb * MR),
            (double*)bp, sb, sb + cb * NR, (byte*)(sb + 2 * cb * NR), _mode, p0 == 0, p0 + kc >= _a.X.Blocks * _bs, _tensorScale,
            _c + (long)i0 * _ldc + j0, _ldc, i0, j0, rows, cols);
    }

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
