using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (<c>F.conv2d</c>, cross-correlation as in PyTorch): input [N, C, H, W] (or unbatched [C, H, W]),
    /// weight [OutC, C / groups, KH, KW], bias [OutC] or null; output [N, OutC, OH, OW] with
    /// OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1) / stride⌋ + 1. Stride, padding and dilation are an int or (h, w).
    /// Computed per image as im2col + <see cref="Emulator.Kernels.Gemm.Sgemm"/> (Y = W · col, straight into NCHW; the bias is the GEMM's
    /// initial C), backward as dW = dY · colᵀ and dX = col2im(Wᵀ · dY); images run in parallel, the weight gradient is
    /// summed over fixed blocks of images in a fixed order, so the bits never depend on the thread count.
    /// </summary>
    /// <exception cref="ArgumentException">Ranks, channel counts, groups or hyperparameters do not fit (the message names
    /// the op, the shapes and the valid range).</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, int groups = 1) => Conv2dWith(ConvAlgorithm.Auto, input, weight, bias, stride, padding, dilation, groups);

    /// <summary>How a convolution is computed (benchmarks and tests choose; <see cref="Auto"/> is the faster one).</summary>
    internal enum ConvAlgorithm
    {
        /// <summary>Direct kernels when every output channel reads one input channel and there are several channels, else im2col.</summary>
        Auto,
        /// <summary>im2col + GEMM.</summary>
        Im2Col,
        /// <summary>Direct kernels (only when every output channel reads one input channel).</summary>
        Direct,
    }

    /// <summary><see cref="Conv2d(Tensor, Tensor, Tensor?, Size2?, Size2?, Size2?, int)"/> with a chosen algorithm.</summary>
    internal static Tensor Conv2dWith(ConvAlgorithm algorithm, Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null,
        Size2? padding = null, Size2? dilation = null, int groups = 1)
    {
        const string op = "conv2d";
        if (input.Rank == 3)
        {
            var y = Conv2dWith(algorithm, input.Reshape(1, input.Size(0), input.Size(1), input.Size(2)), weight, bias, stride, padding, dilation, groups);
            return y.Reshape(y.Size(1), y.Size(2), y.Size(3));
        }
        if (input.Rank != 4)
            throw new ArgumentException($"{op}: input must be [N, C, H, W] or [C, H, W]; got {ShapeMath.Format(input.Shape)}", nameof(input));
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: weight must be [out_channels, in_channels / groups, kH, kW]; got {ShapeMath.Format(weight.Shape)}", nameof(weight));
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: groups must be >= 1");
        int c = input.Size(1), outC = weight.Size(0);
        if (weight.Size(1) * groups != c)
            throw new ArgumentException($"{op}: given groups={groups}, weight of size {ShapeMath.Format(weight.Shape)} expects input {ShapeMath.Format(input.Shape)} to have {weight.Size(1) * groups} channels, but it has {c}", nameof(input));
        if (outC % groups != 0)
            throw new ArgumentException($"{op}: out_channels {outC} (weight {ShapeMath.Format(weight.Shape)}) must be divisible by groups={groups}", nameof(weight));
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != outC))
            throw new ArgumentException($"{op}: bias must be [{outC}]; got {ShapeMath.Format(bias.Shape)}", nameof(bias));
        var s = (stride ?? 1).AtLeast(1, op, nameof(stride));
        var p = (padding ?? 0).AtLeast(0, op, nameof(padding));
        var d = (dilation ?? 1).AtLeast(1, op, nameof(dilation));
        if (weight.Size(2) < 1 || weight.Size(3) < 1)
            throw new ArgumentException($"{op}: kernel size must be >= 1; weight is {ShapeMath.Format(weight.Shape)}", nameof(weight));
        var g = new ConvGeometry(input.Size(0), c, input.Size(2), input.Size(3), outC, weight.Size(2), weight.Size(3), s, p, d, groups);
        if (g.OH < 1 || g.OW < 1)
            throw new ArgumentException($"{op}: input {ShapeMath.Format(input.Shape)} with padding {p} is smaller than the dilated kernel ({d.H * (g.KH - 1) + 1} x {d.W * (g.KW - 1) + 1})", nameof(input));
        bool direct = algorithm switch
        {
            ConvAlgorithm.Direct when g.CG != 1 => throw new ArgumentException($"{op}: the direct kernels need one input channel per group (groups = {g.C}); got groups={groups}", nameof(groups)),
            ConvAlgorithm.Direct => true,
            ConvAlgorithm.Auto => g.CG == 1 && g.C > 1,
            _ => false,
        };
        return direct ? DepthwiseConvNode.Apply(input, weight, bias, g) : ConvNode.Apply(input, weight, bias, g);
    }

    private sealed unsafe class ConvNode(Tensor x, Tensor w, Tensor? b, ConvGeometry g, int chunk) : Function
    {
        /// <summary>Weight-gradient blocks at most (each sums its chunks in order; fixed by the shapes, never by threads).</summary>
        private const int WeightGradBlocks = 16;

        /// <summary>Bytes of a chunk's column matrix aimed for (it stays in a core's L2 cache between im2col and GEMM).</summary>
        private const int ChunkColumnBytes = 384 << 10;

        public override string Name => "convolution_backward";

        public static Tensor Apply(Tensor x, Tensor w, Tensor? b, in ConvGeometry g)
        {
            // images per GEMM: enough that the GEMM's columns (chunk·P) are many, few enough that the columns stay in cache
            int chunk = (int)Math.Clamp(ChunkColumnBytes / ((long)g.ColRows * g.P * sizeof(float)), 1, Math.Max(1, g.N));
            var y = Tensor.Empty(g.N, g.OutC, g.OH, g.OW);
            int chunks = (g.N + chunk - 1) / chunk;
            RangeWork.Run(chunks, WorkPerImage(g) * chunk, new Forward(g, chunk, x, w, b, y, GemmThreads(chunks)));
            var node = new ConvNode(x, w, b, g, chunk);
            return node.Record(y, x, w, b);
        }

        /// <summary>Multiply-adds of one image (the split threshold of <see cref="RangeWork"/>).</summary>
        private static long WorkPerImage(in ConvGeometry g) => (long)g.OutC * g.K * g.P;

        /// <summary>GEMMs run on one thread when work items are split among the threads, else on all of them.</summary>
        private static int GemmThreads(int items) => items >= NnSettings.Threads ? 1 : NnSettings.Threads;

        protected internal override void Backward(Tensor grad)
        {
            bool needW = w.RequiresGrad, needB = b is { RequiresGrad: true };
            var dx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
            int chunks = (g.N + chunk - 1) / chunk, blocks = Math.Min(chunks, WeightGradBlocks), wSize = g.OutC * g.K;
            float[]? partials = needW || needB ? TensorPool.Rent(blocks * (wSize + g.OutC)) : null;
            try
            {
                if (dx is not null || partials is not null)
                    RangeWork.Run(blocks, WorkPerImage(g) * 2 * g.N / blocks,
                        new BackwardBlocks(g, chunk, x, w, grad, dx, partials, needW, needB, blocks, GemmThreads(blocks)));
                if (dx is not null) AccumulateGrad(x, dx);
                if (needW) AccumulateGrad(w, SumBlocks(partials!, blocks, 0, wSize, wSize + g.OutC, w.ShapeArray));
                if (needB) AccumulateGrad(b!, SumBlocks(partials!, blocks, wSize, g.OutC, wSize + g.OutC, [g.OutC]));
            }
            finally
            {
                if (partials is not null) TensorPool.Return(partials);
            }
        }

        /// <summary>The sum over blocks, in block order, of each block's slice [offset, offset + length).</summary>
        private static Tensor SumBlocks(float[] partials, int blocks, int offset, int length, int stride, int[] shape)
        {
            var t = Tensor.Empty(shape);
            var dst = t.Data;
            partials.AsSpan(offset, length).CopyTo(dst);
            for (int k = 1; k < blocks; k++)
                System.Numerics.Tensors.TensorPrimitives.Add(dst, partials.AsSpan(k * stride + offset, length), dst);
            return t;
        }

        /// <summary>Pooled scratch of one worker: padded images, a column matrix (with slack) and a chunk's output or
        /// gradient rows.</summary>
        private readonly struct Scratch : IDisposable
        {
            public readonly float[] Padded, Columns, Rows;

            public Scratch(in ConvGeometry g, int chunk, bool columns, bool rows)
            {
                Padded = TensorPool.Rent(chunk * Im2Col.PaddedImageSize(g));
                Columns = TensorPool.Rent(columns ? g.ColRows * chunk * g.P + 2 * Im2Col.Slack(g) : 1);
                Rows = TensorPool.Rent(rows ? g.OutC * chunk * g.P : 1);
            }

            public void Dispose()
            {
                TensorPool.Return(Padded);
                TensorPool.Return(Columns);
                TensorPool.Return(Rows);
            }
        }

        /// <summary>The column matrix of images [n0, n0 + count) (row stride count·P) into <paramref name="col"/>.</summary>
        private static void Columns(in ConvGeometry g, float* x, int n0, int count, float* padded, float* col)
        {
            int image = g.C * g.InPlane, paddedSize = Im2Col.PaddedImageSize(g);
            for (int t = 0; t < count; t++)
            {
                float* xp = padded + (long)t * paddedSize;
                Im2Col.PadImage(g, x + (long)(n0 + t) * image, xp);
                Im2Col.Gather(g, xp, col + (long)t * g.P, count * g.P);
            }
        }

        /// <summary>Forward over chunks [start, end): im2col of the chunk, one GEMM per group (C starts as the bias:
        /// c = fma(1, Σ, bias), one rounding), written to NCHW (straight when the chunk is one image).</summary>
        private readonly struct Forward(ConvGeometry g, int chunk, Tensor x, Tensor w, Tensor? b, Tensor y, int gemmThreads) : IRangeBody
        {
            public void Run(int start, int end)
            {
                bool direct = g.IsPointwise && chunk == 1;
                using var scratch = new Scratch(g, chunk, !direct, chunk > 1);
                fixed (float* px = x.Data, py = y.Data, pw = w.Data, padded = scratch.Padded, columns = scratch.Columns, rows = scratch.Rows)
                {
                    float* colBase = columns + Im2Col.Slack(g);
                    int p = g.P, k = g.K, ocg = g.OutCG;
                    for (int ch = start; ch < end; ch++)
                    {
                        int n0 = ch * chunk, count = Math.Min(chunk, g.N - n0), ld = count * p;
                        float* col = direct ? px + (long)n0 * g.C * g.InPlane : colBase;
                        if (!direct) Columns(g, px, n0, count, padded, col);
                        float* c = count == 1 ? py + (long)n0 * g.OutC * p : rows;
                        float beta = 0f;
                        if (b is not null)
                        {
                            var bias = b.Data;
                            for (int co = 0; co < g.OutC; co++) new Span<float>(c + (long)co * ld, ld).Fill(bias[co]);
                            beta = 1f;
                        }
                        for (int gi = 0; gi < g.Groups; gi++)
                            Gemm(false, false, ocg, ld, k, 1f, new ReadOnlySpan<float>(pw + gi * ocg * k, ocg * k),
                                new ReadOnlySpan<float>(col + (long)gi * k * ld, k * ld), beta, new Span<float>(c + (long)gi * ocg * ld, ocg * ld), gemmThreads);
                        if (count > 1)
                            for (int t = 0; t < count; t++)
                                for (int co = 0; co < g.OutC; co++)
                                    Im2Col.Copy(rows + (long)co * ld + t * p, py + ((long)(n0 + t) * g.OutC + co) * p, p);
                    }
                }
            }
        }

        /// <summary>
        /// Backward over weight-gradient blocks [start, end): block k covers chunks [C·k/B, C·(k+1)/B) and accumulates its own
        /// dW (dY_chunk · col_chunkᵀ, chunks in order) and bias sums (images in order); dX of each image is
        /// col2im(Wᵀ · dY_chunk).
        /// </summary>
        private readonly struct BackwardBlocks(ConvGeometry g, int chunk, Tensor x, Tensor w, Tensor dy, Tensor? dx, float[]? partials,
            bool needW, bool needB, int blocks, int gemmThreads) : IRangeBody
        {
            public void Run(int start, int end)
            {
                int p = g.P, k = g.K, ocg = g.OutCG, image = g.C * g.InPlane, wSize = g.OutC * k;
                int chunks = (g.N + chunk - 1) / chunk;
                bool directW = g.IsPointwise && chunk == 1, directX = g.IsPointwise && chunk == 1;
                using var scratch = new Scratch(g, chunk, needW && !directW || dx is not null && !directX, chunk > 1);
                float[]? dcolBuffer = dx is not null && !directX ? TensorPool.Rent(g.ColRows * chunk * p + 2 * Im2Col.Slack(g)) : null;
                try
                {
                    fixed (float* px = x.Data, pdy = dy.Data, pw = w.Data, padded = scratch.Padded, columns = scratch.Columns, rows = scratch.Rows)
                    fixed (float* pdx = dx is null ? default : dx.Data, dcolBase = dcolBuffer, pPartials = partials)
                    {
                        float* colBase = columns + Im2Col.Slack(g);
                        float* dcol = dcolBase + Im2Col.Slack(g);
                        for (int blk = start; blk < end; blk++)
                        {
                            float* dW = pPartials + (long)blk * (wSize + g.OutC), dB = dW + wSize;
                            if (needB) new Span<float>(dB, g.OutC).Clear();
                            int c0 = (int)((long)chunks * blk / blocks), c1 = (int)((long)chunks * (blk + 1) / blocks);
                            for (int ch = c0; ch < c1; ch++)
                            {
                                int n0 = ch * chunk, count = Math.Min(chunk, g.N - n0), ld = count * p;
                                // the chunk's output gradient as [OutC, count·P] rows
                                float* dyc = pdy + (long)n0 * g.OutC * p;
                                if (count > 1)
                                {
                                    for (int t = 0; t < count; t++)
                                        for (int co = 0; co < g.OutC; co++)
                                            Im2Col.Copy(pdy + ((long)(n0 + t) * g.OutC + co) * p, rows + (long)co * ld + t * p, p);
                                    dyc = rows;
                                }
                                if (needB)
                                    for (int t = 0; t < count; t++)
                                        for (int co = 0; co < g.OutC; co++)
                                            dB[co] += DeterministicSum.Sum(new ReadOnlySpan<float>(pdy + ((long)(n0 + t) * g.OutC + co) * p, p));
                                if (needW)
                                {
                                    float* col = directW ? px + (long)n0 * image : colBase;
                                    if (!directW) Columns(g, px, n0, count, padded, col);
                                    float beta = ch == c0 ? 0f : 1f;
                                    for (int gi = 0; gi < g.Groups; gi++)
                                        Gemm(false, true, ocg, k, ld, 1f, new ReadOnlySpan<float>(dyc + (long)gi * ocg * ld, ocg * ld),
                                            new ReadOnlySpan<float>(col + (long)gi * k * ld, k * ld), beta, new Span<float>(dW + gi * ocg * k, ocg * k), gemmThreads);
                                }
                                if (pdx is not null)
                                {
                                    float* target = directX ? pdx + (long)n0 * image : dcol;
                                    for (int gi = 0; gi < g.Groups; gi++)
                                        Gemm(true, false, k, ld, ocg, 1f, new ReadOnlySpan<float>(pw + gi * ocg * k, ocg * k),
                                            new ReadOnlySpan<float>(dyc + (long)gi * ocg * ld, ocg * ld), 0f, new Span<float>(target + (long)gi * k * ld, k * ld), gemmThreads);
                                    if (!directX)
                                        for (int t = 0; t < count; t++) Im2Col.Scatter(g, dcol + (long)t * p, ld, pdx + (long)(n0 + t) * image);
                                }
                            }
                        }
                    }
                }
                finally
                {
                    if (dcolBuffer is not null) TensorPool.Return(dcolBuffer);
                }
            }
        }
    }
}
