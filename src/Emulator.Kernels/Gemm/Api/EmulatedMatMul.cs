using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The one call behind <c>emu matmul</c>: C (m x n, ldc) = op(A) op(B) for float32 A and B under <see cref="GemmOptions"/>
/// (input formats, accumulator, order, output format, threads). The inputs are quantized by the vectorized kernels (the
/// bits of the formats' scalar reference) and the product runs on the fast GEMM kernels:
/// <list type="bullet">
/// <item>quire: posit codes, <see cref="PositGemm"/> (one exact dot product per output, rounded once);</item>
/// <item>both inputs 1xB block formats with float scales and the same block size (MX, NVFP4), native accumulation: both
/// encoded with their blocks along K (<see cref="BlockKernels.Encode"/>; B transposed first), then
/// <see cref="BlockScaledGemm"/>: per-block exact dot products, scaled and accumulated in float32 in block order
/// (<see cref="BlockScaledReference"/>'s definition);</item>
/// <item>native float32 accumulation otherwise: an input in a scalar format of at most 16 bits is encoded to codes and
/// decoded while SGEMM packs its panels (code operands), any other input is quantized to float32 values; C is
/// <see cref="Sgemm"/>'s product of the quantized values, bit for bit;</item>
/// <item>an emulated accumulator (or a named order): quantized values, <see cref="EmulatedAccumulatorGemm"/>.</item>
/// </list>
/// An input format's values must be float32 values (so products stay exact). The output format, if any, rounds C last
/// (random words keyed by the dense row-major index in C).
/// </summary>
public static class EmulatedMatMul
{
    /// <summary>Computes C = op(A) op(B) (op(A) m x k, op(B) k x n, row-major with leading dimensions).</summary>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b,
        int ldb, Span<float> c, int ldc, GemmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        GemmChecks.Dimensions(m, n, k);
        options.Validate();
        GemmChecks.Operand(nameof(a), a.Length, m, k, transA, lda, nameof(lda));
        GemmChecks.Operand(nameof(b), b.Length, k, n, transB, ldb, nameof(ldb));
        GemmChecks.Operand(nameof(c), c.Length, m, n, Transpose.None, ldc, nameof(ldc));
        if (m == 0 || n == 0) return;
        ReadOnlySpan<float> ad = DenseMatrix.Of(a, lda, transA, m, k), bd = DenseMatrix.Of(b, ldb, transB, k, n);
        float[]? buffer = ldc == n ? null : new float[(long)m * n];
        Span<float> cd = buffer ?? c[..(m * n)];
        var kernel = new KernelOptions { Threads = options.Threads };
        RoundingOptions ra = options.InputRounding, rb = ra with { Stream = ra.Stream + 1 };
        LowPrecisionAdder? adder = options.CreateAdder();
        if (options.Quire) MultiplyWithQuire(ad, bd, cd, m, n, k, options, kernel);
        else if (adder is null && BlockOperands(options) is var (fa, fb))
        {
            var ma = EncodeBlocks(ad, m, k, fa, ra, kernel);
            var mb = EncodeBlocks(Transposed(bd, k, n), n, k, fb, rb, kernel);
            BlockScaledGemm.Multiply(Transpose.None, Transpose.Transposed, m, n, k, ma, mb, cd, n, GemmOptions.WithThreads(options.Threads));
        }
        else if (adder is null)
        {
            Input ia = Prepare(ad, m, k, options.AFormat, ra, kernel, "aFormat", codes: true);
            Input ib = Prepare(bd, k, n, options.BFormat, rb, kernel, "bFormat", codes: true);
            FloatProduct(ia, ib, cd, m, n, k, options.Threads);
        }
        else
        {
            float[] av = Prepare(ad, m, k, options.AFormat, ra, kernel, "aFormat", codes: false).Values.ToArray();
            float[] bv = Prepare(bd, k, n, options.BFormat, rb, kernel, "bFormat", codes: false).Values.ToArray();
            float[] result = buffer ?? new float[(long)m * n];
            EmulatedAccumulatorGemm.MultiplyArrays(av, bv, result, m, n, k, adder, options.Order ?? AccumulationOrder.Sequential, options.Threads);
            if (buffer is null) result.CopyTo(cd);
        }
        if (options.OutputFormat is { } output) QuantizeKernels.Quantize(cd, cd, output, options.OutputRounding, kernel);
        if (buffer is not null) DenseMatrix.Store<float>(buffer, c, ldc, m, n);
    }

    /// <summary>C (m x n) = A (m x k) B (k x n) for dense row-major float32 matrices.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, GemmOptions options) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, a, Math.Max(1, k), b, Math.Max(1, n), c, Math.Max(1, n), options);

    private static float[] Transposed(ReadOnlySpan<float> x, int rows, int cols) => DenseMatrix.Copy(x, cols, Transpose.Transposed, cols, rows);

    /// <summary>One quantized input: float32 values, or codes (bytes or ushorts) with their decode table.</summary>
    private ref struct Input
    {
        public ReadOnlySpan<float> Values;
        public byte[]? Bytes;
        public ushort[]? Shorts;
        public float[]? Table;
    }

    /// <summary>Quantizes a dense rows x cols input to its format (as given when the format is null).</summary>
    private static Input Prepare(ReadOnlySpan<float> x, int rows, int cols, NumberFormat? format, in RoundingOptions rounding,
        in KernelOptions kernel, string parameter, bool codes)
    {
        switch (format)
        {
            case null:
                return new Input { Values = x };
            case BlockFormat block:
            {
                // Blocks run along K: the rows of A, the columns of B (quantized as B^T).
                bool isB = parameter == "bFormat";
                float[] source = isB ? Transposed(x, rows, cols) : x.ToArray();
                BlockKernels.Quantize(source, isB ? [cols, rows] : [rows, cols], source, block, rounding, kernel);
                return new Input { Values = isB ? Transposed(source, cols, rows) : source };
            }
            case ScalarFormat scalar when scalar.Bits <= 16:
            {
                float[] table = LowPrecisionGemm.DecodeTable(scalar, parameter); // rejects values that are not float32 up front
                if (codes && scalar.Bits <= 8)
                {
                    var c8 = new byte[x.Length];
                    if (QuantizeKernels.Encode(x, c8, scalar, rounding, kernel) == 0) return new Input { Bytes = c8, Table = table };
                }
                else if (codes)
                {
                    var c16 = new ushort[x.Length];
                    if (QuantizeKernels.Encode(x, c16, scalar, rounding, kernel) == 0) return new Input { Shorts = c16, Table = table };
                }
                // NaN inputs without a NaN code (or an emulated accumulator): the quantized values themselves.
                var y = new float[x.Length];
                QuantizeKernels.Quantize(x, y, scalar, rounding, kernel);
                return new Input { Values = y };
            }
            case ScalarFormat wide:
            {
                var y = new float[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    double v = wide.Quantize((double)x[i], rounding, i);
                    if (double.IsFinite(v) && (double)(float)v != v)
                        throw new ArgumentException($"format '{wide.Name}' gives value {v:R}, which is not a float32 value; choose a format whose values are float32 values", parameter);
                    y[i] = (float)v;
                }
                return new Input { Values = y };
            }
            default:
                throw new ArgumentException($"format '{format.Name}' is a {format.Kind} format; inputs take scalar or 1xB block formats", parameter);
        }
    }

    /// <summary>SGEMM's product of two inputs, each read as codes (decoded while packing) or as float32 values.</summary>
    private static unsafe void FloatProduct(Input a, Input b, Span<float> c, int m, int n, int k, int threads)
    {
        fixed (float* pav = a.Values) fixed (byte* pa8 = a.Bytes) fixed (ushort* pa16 = a.Shorts) fixed (float* pta = a.Table)
        fixed (float* pbv = b.Values) fixed (byte* pb8 = b.Bytes) fixed (ushort* pb16 = b.Shorts) fixed (float* ptb = b.Table)
        fixed (float* pc = c)
        {
            var bf = new StridedFloatOperand(pbv, Math.Max(1, n), Transpose.None);
            if (a.Bytes is not null) WithB(new CodeOperand<byte>(pa8, Math.Max(1, k), pta), b, bf, pb8, pb16, ptb, pc, m, n, k, threads);
            else if (a.Shorts is not null) WithB(new CodeOperand<ushort>(pa16, Math.Max(1, k), pta), b, bf, pb8, pb16, ptb, pc, m, n, k, threads);
            else WithB(new StridedFloatOperand(pav, Math.Max(1, k), Transpose.None), b, bf, pb8, pb16, ptb, pc, m, n, k, threads);
        }
    }

    private static unsafe void WithB<TA>(TA a, Input b, StridedFloatOperand bf, byte* pb8, ushort* pb16, float* ptb, float* c, int m, int n, int k,
        int threads) where TA : struct, IFloatOperand
    {
        int ldb = Math.Max(1, n);
        if (b.Bytes is not null) LowPrecisionGemm.Run(a, new CodeOperand<byte>(pb8, ldb, ptb), c, ldb, m, n, k, threads);
        else if (b.Shorts is not null) LowPrecisionGemm.Run(a, new CodeOperand<ushort>(pb16, ldb, ptb), c, ldb, m, n, k, threads);
        else LowPrecisionGemm.Run(a, bf, c, ldb, m, n, k, threads);
    }

    /// <summary>The two block formats when both inputs take the block-scaled GEMM (1xB, float scales, elements and scales of
    /// at most 8 bits, the same block size), else null.</summary>
    private static (BlockFormat A, BlockFormat B)? BlockOperands(GemmOptions options) =>
        options.AFormat is BlockFormat fa && options.BFormat is BlockFormat fb && BlockGemmReady(fa) && BlockGemmReady(fb)
        && fa.BlockCols == fb.BlockCols ? (fa, fb) : null;

    private static bool BlockGemmReady(BlockFormat f) =>
        f.BlockRows == 1 && f.Element.Bits <= 8 && !f.ScaleIsExponent && f.Scale is FloatFormat { Bits: <= 8 };

    /// <summary>A dense rows x k input encoded in 1xB blocks along its rows, as a block-scaled GEMM operand.</summary>
    private static BlockScaledMatrix EncodeBlocks(ReadOnlySpan<float> x, int rows, int k, BlockFormat format, in RoundingOptions rounding,
        in KernelOptions kernel)
    {
        var elements = new uint[x.Length];
        var scales = new uint[format.ScaleCount([rows, k])];
        TensorScale ts = BlockKernels.Encode(x, [rows, k], elements, scales, format, rounding, kernel);
        return new BlockScaledMatrix(format.Element, (FloatFormat)format.Scale, format.BlockCols, rows, k, Bytes(elements), Bytes(scales), ts.Decode);
    }

    private static byte[] Bytes(uint[] codes)
    {
        var b = new byte[codes.Length];
        for (int i = 0; i < codes.Length; i++) b[i] = (byte)codes[i];
        return b;
    }

    private static void MultiplyWithQuire(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, GemmOptions options,
        in KernelOptions kernel)
    {
        var posit = (PositFormat)options.AFormat!;
        var ac = new uint[a.Length];
        var bc = new uint[b.Length];
        QuantizeKernels.Encode(a, ac, posit, options.InputRounding, kernel);
        QuantizeKernels.Encode(b, bc, posit, options.InputRounding with { Stream = options.InputRounding.Stream + 1 }, kernel);
        var cc = new uint[(long)m * n];
        PositGemm.Multiply(posit, ac, bc, cc, m, n, k, GemmOptions.WithThreads(options.Threads));
        QuantizeKernels.Decode(cc, c, posit, kernel);
    }
}
