using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// A convolution whose output channels each read one input channel (groups = in_channels, any channel multiplier) by
    /// direct kernels (<see cref="DepthwiseKernels"/>): per image for the output and the input gradient, per output channel
    /// (its taps summed over images in order) for the weight and bias gradients. The im2col + GEMM path would run one GEMM
    /// with a single row per channel.
    /// </summary>
    private sealed unsafe class DepthwiseConvNode(Tensor x, Tensor w, Tensor? b, ConvGeometry g) : Function
    {
        public override string Name => "convolution_backward";

        public static Tensor Apply(Tensor x, Tensor w, Tensor? b, in ConvGeometry g)
        {
            var y = Tensor.Empty(g.N, g.OutC, g.OH, g.OW);
            RangeWork.Run(g.N, (long)g.OutC * g.P * g.KH * g.KW, new Forward(g, x, w, b, y));
            var node = new DepthwiseConvNode(x, w, b, g);
            return node.Record(y, x, w, b);
        }

        protected internal override void Backward(Tensor grad)
        {
            long work = (long)g.OutC * g.P * g.KH * g.KW;
            if (x.RequiresGrad)
            {
                var dx = Tensor.Empty(x.ShapeArray);
                RangeWork.Run(g.N, work, new InputGradBody(g, w, grad, dx));
                AccumulateGrad(x, dx);
            }
            bool needW = w.RequiresGrad, needB = b is { RequiresGrad: true };
            if (!needW && !needB) return;
            var dw = Tensor.Empty(w.ShapeArray);
            var db = Tensor.Empty(g.OutC);
            RangeWork.Run(g.OutC, work * g.N / g.OutC, new ParameterGradBody(g, x, grad, dw, db));
            if (needW) AccumulateGrad(w, dw);
            if (needB) AccumulateGrad(b!, db);
        }

        /// <summary>Outputs of images [start, end): pad the image, then each output channel from its input channel.</summary>
        private readonly struct Forward(ConvGeometry g, Tensor x, Tensor w, Tensor? b, Tensor y) : IRangeBody
        {
            public void Run(int start, int end)
            {
                float[] padded = TensorPool.Rent(Im2Col.PaddedImageSize(g));
                int plane = (g.H + 2 * g.PH) * (g.W + 2 * g.PW), taps = g.KH * g.KW;
                try
                {
                    fixed (float* px = x.Data, pw = w.Data, py = y.Data, pp = padded)
                        for (int n = start; n < end; n++)
                        {
                            Im2Col.PadImage(g, px + (long)n * g.C * g.InPlane, pp);
                            for (int co = 0; co < g.OutC; co++)
                                DepthwiseKernels.Forward(g, pp + (long)(co / g.OutCG) * plane, pw + co * taps, b is null ? 0f : b.Data[co], b is not null,
                                    py + ((long)n * g.OutC + co) * g.P);
                        }
                }
                finally
                {
                    TensorPool.Return(padded);
                }
            }
        }

        /// <summary>Input gradients of images [start, end): each input channel from its output channels' padded gradients.</summary>
        private readonly struct InputGradBody(ConvGeometry g, Tensor w, Tensor dy, Tensor dx) : IRangeBody
        {
            public void Run(int start, int end)
            {
                var border = DepthwiseKernels.GradBorder(g);
                int m = g.OutCG, taps = g.KH * g.KW;
                var gradGeometry = new ConvGeometry(1, m, g.OH, g.OW, 1, 1, 1, 1, border, 1, 1);
                float[] padded = TensorPool.Rent(Im2Col.PaddedImageSize(gradGeometry));
                try
                {
                    fixed (float* pw = w.Data, pdy = dy.Data, pdx = dx.Data, pp = padded)
                        for (int n = start; n < end; n++)
                            for (int c = 0; c < g.C; c++)
                            {
                                float* planes = pdy + ((long)n * g.OutC + c * m) * g.P;
                                if (g.SH == 1 && g.SW == 1) Im2Col.PadImage(gradGeometry, planes, pp);
                                DepthwiseKernels.InputGrad(g, pp, planes, pw + c * m * taps, m, pdx + ((long)n * g.C + c) * g.InPlane);
                            }
                }
                finally
                {
                    TensorPool.Return(padded);
                }
            }
        }

        /// <summary>Weight and bias gradients of output channels [start, end), each summed over the images in order.</summary>
        private readonly struct ParameterGradBody(ConvGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor db) : IRangeBody
        {
            public void Run(int start, int end)
            {
                var one = new ConvGeometry(1, 1, g.H, g.W, 1, g.KH, g.KW, (g.SH, g.SW), (g.PH, g.PW), (g.DH, g.DW), 1);
                int taps = g.KH * g.KW, width = DepthwiseKernels.GradRowWidth(g), paddedSize = Im2Col.PaddedImageSize(one);
                float[] scratch = TensorPool.Rent(paddedSize + width + g.OH * width + taps * 16);
                try
                {
                    fixed (float* px = x.Data, pdy = dy.Data, pdw = dw.Data, pp = scratch)
                    {
                        float* row = pp + paddedSize, dyRows = row + width, lanes = dyRows + g.OH * width;
                        for (int co = start; co < end; co++)
                        {
                            new Span<float>(lanes, taps * 16).Clear();
                            float bias = 0f;
                            for (int n = 0; n < g.N; n++)
                            {
                                float* dyn = pdy + ((long)n * g.OutC + co) * g.P;
                                bias += DeterministicSum.Sum(new ReadOnlySpan<float>(dyn, g.P));
                                for (int oh = 0; oh < g.OH; oh++) Im2Col.Copy(dyn + oh * g.OW, dyRows + oh * width, g.OW);
                                Im2Col.PadImage(one, px + ((long)n * g.C + co / g.OutCG) * g.InPlane, pp);
                                DepthwiseKernels.WeightGrad(g, pp, dyRows, row, lanes);
                            }
                            for (int t = 0; t < taps; t++) pdw[co * taps + t] = DeterministicSum.Combine(new Span<float>(lanes + t * 16, 16));
                            db.Data[co] = bias;
                        }
                    }
                }
                finally
                {
                    TensorPool.Return(scratch);
                }
            }
        }
    }
}
