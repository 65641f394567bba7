using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>
/// An elementwise activation: its forward y = f(x) and its backward gx = g·f′ (from the saved input x or output y), on
/// elements [from, from + count) of the tensors. The cheap ones are <see cref="IElementwiseKernel"/>s over
/// <see cref="IFloatVector{TSelf}"/> (exact IEEE operations: max, min, compare-select, +, ×, ÷); the transcendental ones
/// evaluate in double lanes through <see cref="DoubleMap"/> (<see cref="DoubleMath"/>): the same bits on every instruction
/// set, float32 results rounded from double.
/// </summary>
internal interface IActivation
{
    static abstract string Name { get; }
    static abstract void Forward(Tensor x, Tensor y, int from, int count);
    static abstract void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count);
}

public static partial class Functional
{
    /// <summary>max(x, 0) (<c>F.relu</c>; NaN propagates).</summary>
    public static Tensor Relu(Tensor x) => ActivationNode<ReluAct>.Apply(x);

    /// <summary>min(max(x, 0), 6) (<c>F.relu6</c>).</summary>
    public static Tensor Relu6(Tensor x) => ActivationNode<Relu6Act>.Apply(x);

    /// <summary>
    /// x·Φ(x) (<c>F.gelu</c>): <paramref name="approximate"/> "none" uses the exact Gaussian CDF (erf), "tanh" PyTorch's
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    /// </summary>
    public static Tensor Gelu(Tensor x, string approximate = "none") => approximate switch
    {
        "none" => ActivationNode<GeluAct>.Apply(x),
        "tanh" => ActivationNode<GeluTanhAct>.Apply(x),
        _ => throw new ArgumentException($"gelu: approximate '{approximate}' is not one of 'none', 'tanh'", nameof(approximate)),
    };

    /// <summary>x·σ(x) (<c>F.silu</c>, swish).</summary>
    public static Tensor Silu(Tensor x) => ActivationNode<SiluAct>.Apply(x);

    /// <summary>1 / (1 + e^−x) (<c>torch.sigmoid</c>).</summary>
    public static Tensor Sigmoid(Tensor x) => ActivationNode<SigmoidAct>.Apply(x);

    /// <summary>tanh(x) (<c>torch.tanh</c>).</summary>
    public static Tensor Tanh(Tensor x) => ActivationNode<TanhAct>.Apply(x);

    /// <summary>x·relu6(x + 3)/6 (<c>F.hardswish</c>).</summary>
    public static Tensor Hardswish(Tensor x) => ActivationNode<HardswishAct>.Apply(x);

    private sealed class ActivationNode<T>(Tensor x, Tensor y) : Function where T : struct, IActivation
    {
        private const int Chunk = 8192;

        public override string Name => T.Name + "_backward";

        public static Tensor Apply(Tensor x)
        {
            var y = Tensor.Empty(x.ShapeArray);
            RangeWork.Run((x.Numel + Chunk - 1) / Chunk, Chunk, new Pass(x, y, null, null));
            return new ActivationNode<T>(x, y).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Empty(x.ShapeArray);
            RangeWork.Run((x.Numel + Chunk - 1) / Chunk, Chunk, new Pass(x, y, grad, gx));
            AccumulateGrad(x, gx);
        }

        /// <summary>Chunks [start, end) of the forward (g null) or the backward.</summary>
        private readonly struct Pass(Tensor x, Tensor y, Tensor? g, Tensor? gx) : IRangeBody
        {
            public void Run(int start, int end)
            {
                int from = start * Chunk, count = Math.Min(end * Chunk, x.Numel) - from;
                if (g is null) T.Forward(x, y, from, count);
                else T.Backward(x, y, g, gx!, from, count);
            }
        }
    }

    /// <summary>Applies a kernel made from (input, output) element offsets [from, from + count).</summary>
    private static void RunKernel<TK>(TK kernel, int count) where TK : struct, IElementwiseKernel => Elementwise.Run(ref kernel, count);

    private struct ReluAct : IActivation
    {
        public static string Name => "relu";
        public static void Forward(Tensor x, Tensor y, int from, int count) =>
            RunKernel(new Map(x.Buffer, x.Offset + from, y.Buffer, y.Offset + from), count);
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) =>
            RunKernel(new Mask(y.Buffer, y.Offset + from, g.Buffer, g.Offset + from, gx.Buffer, gx.Offset + from), count);

        /// <summary>max(x, 0).</summary>
        private readonly struct Map(float[] x, int xo, float[] y, int yo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV> => TV.Max(TV.Load(x, xo + i), TV.Splat(0f)).Store(y, yo + i);
        }

        /// <summary>y &lt;= 0 ? 0 : g on the output (PyTorch's threshold_backward).</summary>
        private readonly struct Mask(float[] y, int yo, float[] g, int go, float[] gx, int gxo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV> =>
                TV.Select(TV.LessThanOrEqual(TV.Load(y, yo + i), TV.Splat(0f)), TV.Splat(0f), TV.Load(g, go + i)).Store(gx, gxo + i);
        }
    }

    private struct Relu6Act : IActivation
    {
        public static string Name => "relu6";
        public static void Forward(Tensor x, Tensor y, int from, int count) =>
            RunKernel(new Map(x.Buffer, x.Offset + from, y.Buffer, y.Offset + from), count);
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) =>
            RunKernel(new Mask(x.Buffer, x.Offset + from, g.Buffer, g.Offset + from, gx.Buffer, gx.Offset + from), count);

        /// <summary>min(max(x, 0), 6).</summary>
        private readonly struct Map(float[] x, int xo, float[] y, int yo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV> =>
                TV.Min(TV.Max(TV.Load(x, xo + i), TV.Splat(0f)), TV.Splat(6f)).Store(y, yo + i);
        }

        /// <summary>x &lt;= 0 or x &gt;= 6 ? 0 : g on the input (PyTorch's hardtanh_backward).</summary>
        private readonly struct Mask(float[] x, int xo, float[] g, int go, float[] gx, int gxo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
            {
                var v = TV.Load(x, xo + i);
                var inside = TV.Select(TV.GreaterThanOrEqual(v, TV.Splat(6f)), TV.Splat(0f), TV.Load(g, go + i));
                TV.Select(TV.LessThanOrEqual(v, TV.Splat(0f)), TV.Splat(0f), inside).Store(gx, gxo + i);
            }
        }
    }

    private struct HardswishAct : IActivation
    {
        public static string Name => "hardswish";
        public static void Forward(Tensor x, Tensor y, int from, int count) =>
            RunKernel(new Map(x.Buffer, x.Offset + from, y.Buffer, y.Offset + from), count);
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) =>
            RunKernel(new Derivative(x.Buffer, x.Offset + from, g.Buffer, g.Offset + from, gx.Buffer, gx.Offset + from), count);

        /// <summary>x·min(max(x + 3, 0), 6)/6, in PyTorch's operation order.</summary>
        private readonly struct Map(float[] x, int xo, float[] y, int yo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
            {
                var v = TV.Load(x, xo + i);
                (v * TV.Min(TV.Max(v + TV.Splat(3f), TV.Splat(0f)), TV.Splat(6f)) / TV.Splat(6f)).Store(y, yo + i);
            }
        }

        /// <summary>x &lt; −3 ? 0 : x &lt;= 3 ? g·(x/3 + 0.5) : g (PyTorch's hardswish_backward).</summary>
        private readonly struct Derivative(float[] x, int xo, float[] g, int go, float[] gx, int gxo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
            {
                var v = TV.Load(x, xo + i);
                var gv = TV.Load(g, go + i);
                var r = TV.Select(TV.LessThanOrEqual(v, TV.Splat(3f)), gv * (v / TV.Splat(3f) + TV.Splat(0.5f)), gv);
                TV.Select(TV.LessThan(v, TV.Splat(-3f)), TV.Splat(0f), r).Store(gx, gxo + i);
            }
        }
    }

    private struct SigmoidAct : IActivation, IDoubleKernel
    {
        public static string Name => "sigmoid";
        public static void Forward(Tensor x, Tensor y, int from, int count) => DoubleMap.Apply<SigmoidAct>(x.Data.Slice(from, count), y.Data.Slice(from, count));
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count)
        {
            ReadOnlySpan<float> ys = y.Data.Slice(from, count), gs = g.Data.Slice(from, count);
            var d = gx.Data.Slice(from, count);
            for (int i = 0; i < d.Length; i++) d[i] = gs[i] * (1f - ys[i]) * ys[i];
        }
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Sigmoid(x);
    }

    private struct TanhAct : IActivation, IDoubleKernel
    {
        public static string Name => "tanh";
        public static void Forward(Tensor x, Tensor y, int from, int count) => DoubleMap.Apply<TanhAct>(x.Data.Slice(from, count), y.Data.Slice(from, count));
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count)
        {
            ReadOnlySpan<float> ys = y.Data.Slice(from, count), gs = g.Data.Slice(from, count);
            var d = gx.Data.Slice(from, count);
            for (int i = 0; i < d.Length; i++) d[i] = gs[i] * (1f - ys[i] * ys[i]);
        }
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Tanh(x);
    }

    /// <summary>Backward of the activations whose derivative is a function of x alone: gx = g·f′(x), f′ in double.</summary>
    private static void TimesDerivative<TDerivative>(Tensor x, Tensor g, Tensor gx, int from, int count) where TDerivative : struct, IDoubleKernel
    {
        var d = gx.Data.Slice(from, count);
        DoubleMap.Apply<TDerivative>(x.Data.Slice(from, count), d);
        TensorPrimitives.Multiply(d, g.Data.Slice(from, count), d);
    }

    private struct SiluAct : IActivation, IDoubleKernel
    {
        public static string Name => "silu";
        public static void Forward(Tensor x, Tensor y, int from, int count) => DoubleMap.Apply<SiluAct>(x.Data.Slice(from, count), y.Data.Slice(from, count));
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) => TimesDerivative<Derivative>(x, g, gx, from, count);
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => x * DoubleMath.Sigmoid(x);

        /// <summary>σ(x)·(1 + x·(1 − σ(x))).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, IDoubleVector<T>
            {
                var s = DoubleMath.Sigmoid(x);
                return s * (T.Splat(1) + x * (T.Splat(1) - s));
            }
        }
    }

    private struct GeluAct : IActivation, IDoubleKernel
    {
        public static string Name => "gelu";
        public static void Forward(Tensor x, Tensor y, int from, int count) => DoubleMap.Apply<GeluAct>(x.Data.Slice(from, count), y.Data.Slice(from, count));
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) => TimesDerivative<Derivative>(x, g, gx, from, count);
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => x * Gaussian.Cdf(x);

        /// <summary>Φ(x) + x·φ(x).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => Gaussian.Cdf(x) + x * Gaussian.Pdf(x);
        }
    }

    /// <summary>PyTorch's tanh approximation 0.5·x·(1 + tanh(β(x + κx³))), β = √(2/π), κ = 0.044715 (in double).</summary>
    private struct GeluTanhAct : IActivation, IDoubleKernel
    {
        private const double Beta = 0.79788456080286536, Kappa = 0.044715;

        public static string Name => "gelu_tanh";
        public static void Forward(Tensor x, Tensor y, int from, int count) => DoubleMap.Apply<GeluTanhAct>(x.Data.Slice(from, count), y.Data.Slice(from, count));
        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count) => TimesDerivative<Derivative>(x, g, gx, from, count);
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> =>
            T.Splat(0.5) * x * (T.Splat(1) + DoubleMath.Tanh(T.Splat(Beta) * (x + T.Splat(Kappa) * (x * x * x))));

        /// <summary>0.5·(1 + t) + 0.5·x·(1 − t²)·β·(1 + 3κx²), t = tanh(β(x + κx³)).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, IDoubleVector<T>
            {
                var x2 = x * x;
                var t = DoubleMath.Tanh(T.Splat(Beta) * (x + T.Splat(Kappa) * (x2 * x)));
                var left = T.Splat(0.5) * (T.Splat(1) + t);
                var right = T.Splat(0.5) * x * (T.Splat(1) - t * t) * T.Splat(Beta) * (T.Splat(1) + T.Splat(3 * Kappa) * x2);
                return left + right;
            }
        }
    }
}
