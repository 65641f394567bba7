using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>
/// An elementwise activation: its forward y = f(x) and its backward gx = g·f′ (from the saved input x or output y). The
/// cheap ones run through <see cref="VectorMap"/> (exact IEEE operations: max, min, compare-select, +, ×, ÷); the
/// transcendental ones evaluate in double lanes through <see cref="DoubleMap"/> (<see cref="DoubleMath"/>: the same bits
/// on every instruction set, and float32 results rounded from double).
/// </summary>
internal interface IActivation
{
    static abstract string Name { get; }
    static abstract void Forward(ReadOnlySpan<float> x, Span<float> y);
    static abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx);
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
                if (g is null) T.Forward(x.Data.Slice(from, count), y.Data.Slice(from, count));
                else T.Backward(x.Data.Slice(from, count), y.Data.Slice(from, count), g.Data.Slice(from, count), gx!.Data.Slice(from, count));
            }
        }
    }

    private struct ReluAct : IActivation, IVectorUnary, IVectorBinary
    {
        public static string Name => "relu";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => VectorMap.Apply<ReluAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            VectorMap.Apply<ReluAct>(y, g, gx);

        public static float Invoke(float x) => MathF.Max(x, 0f);
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

        // backward mask on the output (PyTorch's threshold_backward): y <= 0 ? 0 : g
        public static float Invoke(float y, float g) => y <= 0f ? 0f : g;
        public static Vector512<float> Invoke(Vector512<float> y, Vector512<float> g) =>
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512<float>.Zero), Vector512<float>.Zero, g);
        public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> g) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256<float>.Zero), Vector256<float>.Zero, g);
    }

    private struct Relu6Act : IActivation, IVectorUnary, IVectorBinary
    {
        public static string Name => "relu6";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => VectorMap.Apply<Relu6Act>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            VectorMap.Apply<Relu6Act>(x, g, gx);

        public static float Invoke(float x) => MathF.Min(MathF.Max(x, 0f), 6f);
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Min(Vector512.Max(x, Vector512<float>.Zero), Vector512.Create(6f));
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(x, Vector256<float>.Zero), Vector256.Create(6f));

        // backward mask on the input (PyTorch's hardtanh_backward): x <= 0 or x >= 6 ? 0 : g
        public static float Invoke(float x, float g) => x <= 0f || x >= 6f ? 0f : g;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> g) =>
            Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero) | Vector512.GreaterThanOrEqual(x, Vector512.Create(6f)), Vector512<float>.Zero, g);
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> g) =>
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero) | Vector256.GreaterThanOrEqual(x, Vector256.Create(6f)), Vector256<float>.Zero, g);
    }

    private struct HardswishAct : IActivation, IVectorUnary, IVectorBinary
    {
        public static string Name => "hardswish";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => VectorMap.Apply<HardswishAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            VectorMap.Apply<HardswishAct>(x, g, gx);

        // x * min(max(x + 3, 0), 6) / 6, in PyTorch's operation order
        public static float Invoke(float x) => x * MathF.Min(MathF.Max(x + 3f, 0f), 6f) / 6f;
        public static Vector512<float> Invoke(Vector512<float> x) =>
            x * Vector512.Min(Vector512.Max(x + Vector512.Create(3f), Vector512<float>.Zero), Vector512.Create(6f)) / Vector512.Create(6f);
        public static Vector256<float> Invoke(Vector256<float> x) =>
            x * Vector256.Min(Vector256.Max(x + Vector256.Create(3f), Vector256<float>.Zero), Vector256.Create(6f)) / Vector256.Create(6f);

        // x < -3 ? 0 : x <= 3 ? g * (x / 3 + 0.5) : g (PyTorch's hardswish_backward)
        public static float Invoke(float x, float g) => x < -3f ? 0f : x <= 3f ? g * (x / 3f + 0.5f) : g;
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> g)
        {
            var mid = g * (x / Vector512.Create(3f) + Vector512.Create(0.5f));
            var r = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512.Create(3f)), mid, g);
            return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-3f)), Vector512<float>.Zero, r);
        }
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> g)
        {
            var mid = g * (x / Vector256.Create(3f) + Vector256.Create(0.5f));
            var r = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256.Create(3f)), mid, g);
            return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-3f)), Vector256<float>.Zero, r);
        }
    }

    private struct SigmoidAct : IActivation, IDoubleKernel
    {
        public static string Name => "sigmoid";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => DoubleMap.Apply<SigmoidAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
        {
            for (int i = 0; i < x.Length; i++) gx[i] = g[i] * (1f - y[i]) * y[i];
        }
        public static T Invoke<T>(T x) where T : struct, ILanes<T> => DoubleMath.Sigmoid(x);
    }

    private struct TanhAct : IActivation, IDoubleKernel
    {
        public static string Name => "tanh";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => DoubleMap.Apply<TanhAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
        {
            for (int i = 0; i < x.Length; i++) gx[i] = g[i] * (1f - y[i] * y[i]);
        }
        public static T Invoke<T>(T x) where T : struct, ILanes<T> => DoubleMath.Tanh(x);
    }

    /// <summary>Backward of the activations whose derivative is a function of x alone: gx = g·f′(x), f′ in double.</summary>
    private static void TimesDerivative<TDerivative>(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gx) where TDerivative : struct, IDoubleKernel
    {
        DoubleMap.Apply<TDerivative>(x, gx);
        TensorPrimitives.Multiply(gx, g, gx);
    }

    private struct SiluAct : IActivation, IDoubleKernel
    {
        public static string Name => "silu";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => DoubleMap.Apply<SiluAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            TimesDerivative<Derivative>(x, g, gx);
        public static T Invoke<T>(T x) where T : struct, ILanes<T> => x * DoubleMath.Sigmoid(x);

        /// <summary>σ(x)·(1 + x·(1 − σ(x))).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, ILanes<T>
            {
                var s = DoubleMath.Sigmoid(x);
                return s * (T.Create(1) + x * (T.Create(1) - s));
            }
        }
    }

    private struct GeluAct : IActivation, IDoubleKernel
    {
        public static string Name => "gelu";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => DoubleMap.Apply<GeluAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            TimesDerivative<Derivative>(x, g, gx);
        public static T Invoke<T>(T x) where T : struct, ILanes<T> => x * Gaussian.Cdf(x);

        /// <summary>Φ(x) + x·φ(x).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, ILanes<T> => Gaussian.Cdf(x) + x * Gaussian.Pdf(x);
        }
    }

    /// <summary>PyTorch's tanh approximation 0.5·x·(1 + tanh(β(x + κx³))), β = √(2/π), κ = 0.044715 (in double).</summary>
    private struct GeluTanhAct : IActivation, IDoubleKernel
    {
        private const double Beta = 0.79788456080286536, Kappa = 0.044715;

        public static string Name => "gelu_tanh";
        public static void Forward(ReadOnlySpan<float> x, Span<float> y) => DoubleMap.Apply<GeluTanhAct>(x, y);
        public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx) =>
            TimesDerivative<Derivative>(x, g, gx);
        public static T Invoke<T>(T x) where T : struct, ILanes<T> =>
            T.Create(0.5) * x * (T.Create(1) + DoubleMath.Tanh(T.Create(Beta) * (x + T.Create(Kappa) * (x * x * x))));

        /// <summary>0.5·(1 + t) + 0.5·x·(1 − t²)·β·(1 + 3κx²), t = tanh(β(x + κx³)).</summary>
        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, ILanes<T>
            {
                var x2 = x * x;
                var t = DoubleMath.Tanh(T.Create(Beta) * (x + T.Create(Kappa) * (x2 * x)));
                var left = T.Create(0.5) * (T.Create(1) + t);
                var right = T.Create(0.5) * x * (T.Create(1) - t * t) * T.Create(Beta) * (T.Create(1) + T.Create(3 * Kappa) * x2);
                return left + right;
            }
        }
    }
}
