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
        Size2? dilation = null, int groups = 1)
    {
        const string op = "conv2d";
        if (input.Rank == 3)
        {
            var y = Conv2d(input.Reshape(1, input.Size(0), input.Size(1), input.Size(2)), weight, bias, stride, padding, dilation, groups);
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
        return ConvNode.Apply(input, weight, bias, g);
    }

    private sealed unsafe class ConvNode(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Function
    {
        /// <summary>Images per weight-gradient block at most this many blocks (fixed by N alone, never by threads).</summary>
        private const int WeightGradBlocks = 16;

        public override string Name => "convolution_backward";

        public static Tensor Apply(Tensor x, Tensor w, Tensor? b, in ConvGeometry g)
        {
            var y = Tensor.Empty(g.N, g.OutC, g.OH, g.OW);
            RangeWork.Run(g.N, WorkPerImage(g), new Forward(g, x, w, b, y, GemmThreads(g.N)));
            var node = new ConvNode(x, w, b, g);
            return b is null ? node.Record(y, x, w) : node.Record(y, x, w, b);
        }

        /// <summary>Multiply-adds of one image (the split threshold of <see cref="RangeWork"/>).</summary>
        private static long WorkPerImage(in ConvGeometry g) => (long)g.OutC * g.K * g.P;

        /// <summary>GEMMs run on one thread when images are split among the threads, else on all of them.</summary>
        private static int GemmThreads(int items) => items >= NnSettings.Threads ? 1 : NnSettings.Threads;

        protected internal override void Backward(Tensor grad)
        {
            bool needW = w.RequiresGrad, needB = b is { RequiresGrad: true };
            var dx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
            int blocks = Math.Min(g.N, WeightGradBlocks), wSize = g.OutC * g.K;
            float[]? partials = needW || needB ? TensorPool.Rent(blocks * (wSize + g.OutC)) : null;
            try
            {
                if (dx is not null || partials is not null)
                    RangeWork.Run(blocks, WorkPerImage(g) * 2 * g.N / blocks,
                        new BackwardBlocks(g, x, w, grad, dx, partials, needW, needB, blocks, GemmThreads(blocks)));
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

        /// <summary>Forward over images [start, end): im2col into a pooled buffer, then one GEMM per group into NCHW.</summary>
        private readonly struct Forward(ConvGeometry g, Tensor x, Tensor w, Tensor? b, Tensor y, int gemmThreads) : IRangeBody
        {
            public void Run(int start, int end)
            {
                float[]? colBuffer = g.IsPointwise ? null : TensorPool.Rent(g.ColRows * g.P);
                try
                {
                    fixed (float* px = x.Data, pcol = colBuffer)
                    {
                        int p = g.P, k = g.K, ocg = g.OutCG, image = g.C * g.InPlane;
                        for (int n = start; n < end; n++)
                        {
                            float* col = px + (long)n * image;
                            if (!g.IsPointwise) { Im2Col.Gather(g, col, pcol); col = pcol; }
                            var yn = y.Data.Slice(n * g.OutC * p, g.OutC * p);
                            float beta = 0f;
                            if (b is not null)
                            {
                                var bias = b.Data;
                                for (int co = 0; co < g.OutC; co++) yn.Slice(co * p, p).Fill(bias[co]);
                                beta = 1f; // C starts as the bias: c = fma(1, Σ, bias), one rounding
                            }
                            for (int gi = 0; gi < g.Groups; gi++)
                                Gemm(false, false, ocg, p, k, 1f, w.Data.Slice(gi * ocg * k, ocg * k), new ReadOnlySpan<float>(col + (long)gi * k * p, k * p),
                                    beta, yn.Slice(gi * ocg * p, ocg * p), gemmThreads);
                        }
                    }
                }
                finally
                {
                    if (colBuffer is not null) TensorPool.Return(colBuffer);
                }
            }
        }

        /// <summary>
        /// Backward over weight-gradient blocks [start, end): block k covers images [N·k/B, N·(k+1)/B) and accumulates its
        /// own dW (dY_n · col_nᵀ, images in order) and bias sums; dX of each image is col2im(Wᵀ · dY_n).
        /// </summary>
        private readonly struct BackwardBlocks(ConvGeometry g, Tensor x, Tensor w, Tensor dy, Tensor? dx, float[]? partials,
            bool needW, bool needB, int blocks, int gemmThreads) : IRangeBody
        {
            public void Run(int start, int end)
            {
                int p = g.P, k = g.K, ocg = g.OutCG, image = g.C * g.InPlane, wSize = g.OutC * k;
                float[]? colBuffer = needW && !g.IsPointwise ? TensorPool.Rent(g.ColRows * p) : null;
                float[]? dcolBuffer = dx is not null && !g.IsPointwise ? TensorPool.Rent(g.ColRows * p) : null;
                try
                {
                    fixed (float* px = x.Data, pcol = colBuffer, pdcol = dcolBuffer)
                    fixed (float* pdx = dx is null ? default : dx.Data)
                    {
                        for (int blk = start; blk < end; blk++)
                        {
                            var dW = partials is null ? default : partials.AsSpan(blk * (wSize + g.OutC), wSize);
                            var dB = partials is null ? default : partials.AsSpan(blk * (wSize + g.OutC) + wSize, g.OutC);
                            dB.Clear();
                            int n0 = (int)((long)g.N * blk / blocks), n1 = (int)((long)g.N * (blk + 1) / blocks);
                            for (int n = n0; n < n1; n++)
                            {
                                var dyn = dy.Data.Slice(n * g.OutC * p, g.OutC * p);
                                if (needB)
                                    for (int co = 0; co < g.OutC; co++) dB[co] += DeterministicSum.Sum(dyn.Slice(co * p, p));
                                if (needW)
                                {
                                    float* col = px + (long)n * image;
                                    if (!g.IsPointwise) { Im2Col.Gather(g, col, pcol); col = pcol; }
                                    float beta = n == n0 ? 0f : 1f;
                                    for (int gi = 0; gi < g.Groups; gi++)
                                        Gemm(false, true, ocg, k, p, 1f, dyn.Slice(gi * ocg * p, ocg * p), new ReadOnlySpan<float>(col + (long)gi * k * p, k * p),
                                            beta, dW.Slice(gi * ocg * k, ocg * k), gemmThreads);
                                }
                                if (pdx is not null)
                                {
                                    float* dxn = pdx + (long)n * image, dcol = g.IsPointwise ? dxn : pdcol;
                                    for (int gi = 0; gi < g.Groups; gi++)
                                        Gemm(true, false, k, p, ocg, 1f, w.Data.Slice(gi * ocg * k, ocg * k), dyn.Slice(gi * ocg * p, ocg * p),
                                            0f, new Span<float>(dcol + (long)gi * k * p, k * p), gemmThreads);
                                    if (!g.IsPointwise) Im2Col.Scatter(g, dcol, dxn);
                                }
                            }
                        }
                    }
                }
                finally
                {
                    if (colBuffer is not null) TensorPool.Return(colBuffer);
                    if (dcolBuffer is not null) TensorPool.Return(dcolBuffer);
                }
            }
        }
    }
}
