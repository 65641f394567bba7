using System.Text.Json;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, with PyTorch's update
/// (<c>torch.optim.SGD</c>), per element in this order, each operation rounded to float32:
/// <code>
/// d = g + wd·p                       (when wd != 0)
/// buf = d                            (first step)
/// buf = momentum·buf + (1 − dampening)·d   (later steps; when momentum != 0)
/// d = d + momentum·buf (Nesterov), else d = buf
/// p = p − lr·d
/// </code>
/// Hyperparameters are held as doubles (Python floats) and rounded to float32 where PyTorch passes them to a float32
/// kernel; 1 − dampening is formed in double first. State: <c>momentum_buffer</c> (when momentum != 0).
/// </summary>
public sealed class Sgd : Optimizer
{
    private static readonly string[] Names = ["momentum_buffer"];
    private double _momentum;
    private double _dampening;
    private bool _nesterov;

    /// <summary>SGD over the parameters (<c>SGD(params, lr, momentum, dampening, weight_decay, nesterov)</c>).</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, lr, weightDecay)
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <inheritdoc />
    public override string Name => "SGD";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateNames => Names;

    /// <summary>The momentum factor, finite and &gt;= 0 (0: plain SGD, no buffer).</summary>
    public double Momentum
    {
        get => _momentum;
        set
        {
            CheckNonNegative(value, nameof(Momentum), "momentum");
            if (_nesterov && value <= 0) throw new ArgumentOutOfRangeException(nameof(Momentum), value, "Nesterov momentum requires momentum > 0");
            _momentum = value;
        }
    }

    /// <summary>The dampening of the momentum, in [0, 1].</summary>
    public double Dampening
    {
        get => _dampening;
        set
        {
            CheckRange(value, nameof(Dampening), "dampening", 0, 1, highOpen: false);
            if (_nesterov && value != 0) throw new ArgumentOutOfRangeException(nameof(Dampening), value, "Nesterov momentum requires dampening = 0");
            _dampening = value;
        }
    }

    /// <summary>Whether the update uses Nesterov momentum (requires momentum &gt; 0 and dampening = 0).</summary>
    public bool Nesterov
    {
        get => _nesterov;
        set
        {
            if (value && (_momentum <= 0 || _dampening != 0))
                throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening = 0 (momentum {_momentum}, dampening {_dampening})", nameof(Nesterov));
            _nesterov = value;
        }
    }

    /// <inheritdoc />
    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParameterState state)
    {
        var k = new Kernel
        {
            P = parameter.Buffer, Po = parameter.Offset, G = grad.Buffer, Go = grad.Offset,
            Lr = (float)group.Lr, WeightDecay = (float)group.WeightDecay, HasWeightDecay = group.WeightDecay != 0,
        };
        if (_momentum != 0)
        {
            var buffer = state.Get(0);
            k.First = buffer is null;
            buffer ??= state.GetOrCreate(0);
            k.B = buffer.Buffer;
            k.Bo = buffer.Offset;
            k.HasMomentum = true;
            k.Momentum = (float)_momentum;
            k.OneMinusDampening = (float)(1 - _dampening);
            k.Nesterov = _nesterov;
        }
        Elementwise.Run(ref k, parameter.Numel);
    }

    /// <inheritdoc />
    protected internal override void WriteHyperparameters(Utf8JsonWriter writer)
    {
        writer.WriteNumber("momentum", _momentum);
        writer.WriteNumber("dampening", _dampening);
        writer.WriteBoolean("nesterov", _nesterov);
    }

    /// <inheritdoc />
    protected internal override void ReadHyperparameters(JsonElement group)
    {
        double momentum = ReadNumber(group, "momentum"), dampening = ReadNumber(group, "dampening");
        bool nesterov = ReadBool(group, "nesterov");
        _nesterov = false;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    private struct Kernel : IElementwiseKernel
    {
        public float[] P, G, B;
        public int Po, Go, Bo;
        public float Lr, WeightDecay, Momentum, OneMinusDampening;
        public bool HasWeightDecay, HasMomentum, First, Nesterov;

        public readonly void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
        {
            var p = TV.Load(P, Po + i);
            var d = TV.Load(G, Go + i);
            if (HasWeightDecay) d += TV.Splat(WeightDecay) * p;
            if (HasMomentum)
            {
                var buf = First ? d : TV.Load(B, Bo + i) * TV.Splat(Momentum) + TV.Splat(OneMinusDampening) * d;
                buf.Store(B, Bo + i);
                d = Nesterov ? d + TV.Splat(Momentum) * buf : buf;
            }
            (p - TV.Splat(Lr) * d).Store(P, Po + i);
        }
    }
}
