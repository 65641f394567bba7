using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>
/// A cheap activation on float lanes (<see cref="IFloatVector{TSelf}"/>: exact IEEE max, min, compare-select, +, ×, ÷, so
/// the same bits on every instruction set): y = f(x) and gx = f′·g from the saved input x or output y.
/// </summary>
internal interface IFloatActivation
{
    static abstract string Name { get; }
    /// <summary>Whether <see cref="Backward"/> reads the output y (else the input x).</summary>
    static abstract bool FromOutput { get; }
    static abstract TV Forward<TV>(TV x) where TV : struct, IFloatVector<TV>;
    static abstract TV Backward<TV>(TV saved, TV g) where TV : struct, IFloatVector<TV>;
}

/// <summary>
/// A transcendental activation evaluated in double lanes (<see cref="IDoubleVector{T}"/> through <see cref="DoubleMap"/>:
/// the same bits on every instruction set, float32 results rounded from double): y = f(x) and gx = f′(x)·g.
/// </summary>
internal interface IDoubleActivation : IDoubleKernel
{
    static abstract string Name { get; }
    static abstract T Derivative<T>(T x) where T : struct, IDoubleVector<T>;
}

public static partial class Functional
{
    /// <summary>max(x, 0) (<c>F.relu</c>; NaN propagates).</summary>
    public static Tensor Relu(Tensor x) => ActivationNode<FloatActivation<ReluOp>>.Apply(x);

    /// <summary>min(max(x, 0), 6) (<c>F.relu6</c>).</summary>
    public static Tensor Relu6(Tensor x) => ActivationNode<FloatActivation<Relu6Op>>.Apply(x);

    /// <summary>x·relu6(x + 3)/6 (<c>F.hardswish</c>).</summary>
    public static Tensor Hardswish(Tensor x) => ActivationNode<FloatActivation<HardswishOp>>.Apply(x);

    /// <summary>
    /// x·Φ(x) (<c>F.gelu</c>): <paramref name="approximate"/> "none" uses the exact Gaussian CDF (erf), "tanh" PyTorch's
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    /// </summary>
    public static Tensor Gelu(Tensor x, string approximate = "none") => approximate switch
    {
        "none" => ActivationNode<DoubleActivation<GeluOp>>.Apply(x),
        "tanh" => ActivationNode<DoubleActivation<GeluTanhOp>>.Apply(x),
        _ => throw new ArgumentException($"gelu: approximate '{approximate}' is not one of 'none', 'tanh'", nameof(approximate)),
    };

    /// <summary>x·σ(x) (<c>F.silu</c>, swish).</summary>
    public static Tensor Silu(Tensor x) => ActivationNode<DoubleActivation<SiluOp>>.Apply(x);

    /// <summary>1 / (1 + e^−x) (<c>torch.sigmoid</c>).</summary>
    public static Tensor Sigmoid(Tensor x) => ActivationNode<DoubleActivation<SigmoidOp>>.Apply(x);

    /// <summary>tanh(x) (<c>torch.tanh</c>).</summary>
    public static Tensor Tanh(Tensor x) => ActivationNode<DoubleActivation<TanhOp>>.Apply(x);

    /// <summary>An activation's forward and backward on elements [from, from + count).</summary>
    private interface IActivation
    {
        static abstract string Name { get; }
        static abstract void Forward(Tensor x, Tensor y, int from, int count);
        static abstract void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count);
    }

    private sealed class ActivationNode<T>(Tensor x, Tensor y) : Function where T : struct, IActivation
    {
        private const int Chunk = 8192;

        public override string Name => T.Name + "_backward";

        public static Tensor Apply(Tensor x)
        {
            var y = Tensor.Empty(x.ShapeArray);
            RangeWork.Run((x.Numel + Chunk - 1) / Chunk, Chunk, new Chunks(x, y, null, null));
            return new ActivationNode<T>(x, y).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Empty(x.ShapeArray);
            RangeWork.Run((x.Numel + Chunk - 1) / Chunk, Chunk, new Chunks(x, y, grad, gx));
            AccumulateGrad(x, gx);
        }

        /// <summary>Chunks [start, end) of the forward (g null) or the backward.</summary>
        private readonly struct Chunks(Tensor x, Tensor y, Tensor? g, Tensor? gx) : IRangeBody
        {
            public void Run(int start, int end)
            {
                int from = start * Chunk, count = Math.Min(end * Chunk, x.Numel) - from;
                if (g is null) T.Forward(x, y, from, count);
                else T.Backward(x, y, g, gx!, from, count);
            }
        }
    }

    /// <summary>An <see cref="IFloatActivation"/> run by <see cref="Elementwise"/>.</summary>
    private struct FloatActivation<TOp> : IActivation where TOp : struct, IFloatActivation
    {
        public static string Name => TOp.Name;

        public static void Forward(Tensor x, Tensor y, int from, int count)
        {
            var k = new Map(x.Buffer, x.Offset + from, y.Buffer, y.Offset + from);
            Elementwise.Run(ref k, count);
        }

        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count)
        {
            var saved = TOp.FromOutput ? y : x;
            var k = new Grad(saved.Buffer, saved.Offset + from, g.Buffer, g.Offset + from, gx.Buffer, gx.Offset + from);
            Elementwise.Run(ref k, count);
        }

        private readonly struct Map(float[] x, int xo, float[] y, int yo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV> => TOp.Forward(TV.Load(x, xo + i)).Store(y, yo + i);
        }

        private readonly struct Grad(float[] v, int vo, float[] g, int go, float[] gx, int gxo) : IElementwiseKernel
        {
            public void Apply<TV>(int i) where TV : struct, IFloatVector<TV> =>
                TOp.Backward(TV.Load(v, vo + i), TV.Load(g, go + i)).Store(gx, gxo + i);
        }
    }

    /// <summary>An <see cref="IDoubleActivation"/> run by <see cref="DoubleMap"/>; the backward multiplies f′(x) by g in float32.</summary>
    private struct DoubleActivation<TOp> : IActivation where TOp : struct, IDoubleActivation
    {
        public static string Name => TOp.Name;

        public static void Forward(Tensor x, Tensor y, int from, int count) =>
            DoubleMap.Apply<TOp>(x.Data.Slice(from, count), y.Data.Slice(from, count));

        public static void Backward(Tensor x, Tensor y, Tensor g, Tensor gx, int from, int count)
        {
            var d = gx.Data.Slice(from, count);
            DoubleMap.Apply<Derivative>(x.Data.Slice(from, count), d);
            TensorPrimitives.Multiply(d, g.Data.Slice(from, count), d);
        }

        private struct Derivative : IDoubleKernel
        {
            public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => TOp.Derivative(x);
        }
    }

    private struct ReluOp : IFloatActivation
    {
        public static string Name => "relu";
        public static bool FromOutput => true;
        public static TV Forward<TV>(TV x) where TV : struct, IFloatVector<TV> => TV.Max(x, TV.Splat(0f));
        // PyTorch's threshold_backward on the output: y <= 0 ? 0 : g
        public static TV Backward<TV>(TV y, TV g) where TV : struct, IFloatVector<TV> =>
            TV.Select(TV.LessThanOrEqual(y, TV.Splat(0f)), TV.Splat(0f), g);
    }

    private struct Relu6Op : IFloatActivation
    {
        public static string Name => "relu6";
        public static bool FromOutput => false;
        public static TV Forward<TV>(TV x) where TV : struct, IFloatVector<TV> => TV.Min(TV.Max(x, TV.Splat(0f)), TV.Splat(6f));
        // PyTorch's hardtanh_backward: x <= 0 or x >= 6 ? 0 : g
        public static TV Backward<TV>(TV x, TV g) where TV : struct, IFloatVector<TV> =>
            TV.Select(TV.LessThanOrEqual(x, TV.Splat(0f)), TV.Splat(0f), TV.Select(TV.GreaterThanOrEqual(x, TV.Splat(6f)), TV.Splat(0f), g));
    }

    private struct HardswishOp : IFloatActivation
    {
        public static string Name => "hardswish";
        public static bool FromOutput => false;
        // x * min(max(x + 3, 0), 6) / 6, in PyTorch's operation order
        public static TV Forward<TV>(TV x) where TV : struct, IFloatVector<TV> =>
            x * TV.Min(TV.Max(x + TV.Splat(3f), TV.Splat(0f)), TV.Splat(6f)) / TV.Splat(6f);
        // PyTorch's hardswish_backward: x < -3 ? 0 : x <= 3 ? g * (x / 3 + 0.5) : g
        public static TV Backward<TV>(TV x, TV g) where TV : struct, IFloatVector<TV> =>
            TV.Select(TV.LessThan(x, TV.Splat(-3f)), TV.Splat(0f),
                TV.Select(TV.LessThanOrEqual(x, TV.Splat(3f)), g * (x / TV.Splat(3f) + TV.Splat(0.5f)), g));
    }

    private struct SigmoidOp : IDoubleActivation
    {
        public static string Name => "sigmoid";
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Sigmoid(x);
        public static T Derivative<T>(T x) where T : struct, IDoubleVector<T>
        {
            var s = DoubleMath.Sigmoid(x);
            return s * (T.Splat(1) - s);
        }
    }

    private struct TanhOp : IDoubleActivation
    {
        public static string Name => "tanh";
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Tanh(x);
        public static T Derivative<T>(T x) where T : struct, IDoubleVector<T>
        {
            var t = DoubleMath.Tanh(x);
            return T.Splat(1) - t * t;
        }
    }

    private struct SiluOp : IDoubleActivation
    {
        public static string Name => "silu";
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => x * DoubleMath.Sigmoid(x);
        // σ(x)·(1 + x·(1 − σ(x)))
        public static T Derivative<T>(T x) where T : struct, IDoubleVector<T>
        {
            var s = DoubleMath.Sigmoid(x);
            return s * (T.Splat(1) + x * (T.Splat(1) - s));
        }
    }

    private struct GeluOp : IDoubleActivation
    {
        public static string Name => "gelu";
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> => x * Gaussian.Cdf(x);
        // Φ(x) + x·φ(x)
        public static T Derivative<T>(T x) where T : struct, IDoubleVector<T> => Gaussian.Cdf(x) + x * Gaussian.Pdf(x);
    }

    /// <summary>PyTorch's tanh approximation 0.5·x·(1 + tanh(β(x + κx³))), β = √(2/π), κ = 0.044715 (in double).</summary>
    private struct GeluTanhOp : IDoubleActivation
    {
        private const double Beta = 0.79788456080286536, Kappa = 0.044715;

        public static string Name => "gelu_tanh";
        public static T Invoke<T>(T x) where T : struct, IDoubleVector<T> =>
            T.Splat(0.5) * x * (T.Splat(1) + DoubleMath.Tanh(T.Splat(Beta) * (x + T.Splat(Kappa) * (x * x * x))));
        // 0.5·(1 + t) + 0.5·x·(1 − t²)·β·(1 + 3κx²), t = tanh(β(x + κx³))
        public static T Derivative<T>(T x) where T : struct, IDoubleVector<T>
        {
            var x2 = x * x;
            var t = DoubleMath.Tanh(T.Splat(Beta) * (x + T.Splat(Kappa) * (x2 * x)));
            return T.Splat(0.5) * (T.Splat(1) + t) + T.Splat(0.5) * x * (T.Splat(1) - t * t) * T.Splat(Beta) * (T.Splat(1) + T.Splat(3 * Kappa) * x2);
        }
    }
}
