using System.Text.Json;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>
/// Adam (<c>torch.optim.Adam</c>, Kingma and Ba) with optional AMSGrad and L2 weight decay, following PyTorch 1.13's
/// single-tensor update per element, each operation rounded to float32:
/// <code>
/// step = step + 1                                   (float32 scalar per parameter)
/// g = g + wd·p                                      (Adam, when wd != 0; AdamW instead does p = p·(1 − lr·wd))
/// m = m·β1 + (1 − β1)·g
/// v = v·β2 + ((1 − β2)·g)·g
/// vmax = max(vmax, v), used for v below            (AMSGrad)
/// denom = √v / √(1 − β2^step) + eps
/// p = p + (−lr / (1 − β1^step))·m / denom         (the product first, then the division)
/// </code>
/// The bias corrections, step size, 1 − β and 1 − lr·wd are formed in double (Python floats) and rounded to float32 once,
/// as PyTorch passes them to its float32 kernels. State: <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c> and, with AMSGrad,
/// <c>max_exp_avg_sq</c>.
/// </summary>
public class Adam : Optimizer
{
    private static readonly string[] Names = [ParameterState.StepName, "exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
    private const int StepSlot = 0, ExpAvgSlot = 1, ExpAvgSqSlot = 2, MaxExpAvgSqSlot = 3;
    private double _beta1, _beta2, _eps;

    /// <summary>Adam over the parameters (<c>Adam(params, lr, betas, eps, weight_decay, amsgrad)</c>).</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false)
    {
    }

    /// <summary>Adam or, with <paramref name="decoupled"/>, AdamW.</summary>
    private protected Adam(IEnumerable<Tensor> parameters, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(parameters, lr, weightDecay)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Amsgrad = amsgrad;
        Decoupled = decoupled;
    }

    /// <inheritdoc />
    public override string Name => "Adam";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateNames => Names;

    /// <summary>Decay of the first-moment average (<c>betas[0]</c>), in [0, 1).</summary>
    public double Beta1
    {
        get => _beta1;
        set => _beta1 = CheckRange(value, nameof(Beta1), "beta1", 0, 1, highOpen: true);
    }

    /// <summary>Decay of the second-moment average (<c>betas[1]</c>), in [0, 1).</summary>
    public double Beta2
    {
        get => _beta2;
        set => _beta2 = CheckRange(value, nameof(Beta2), "beta2", 0, 1, highOpen: true);
    }

    /// <summary>The term added to the denominator (<c>eps</c>), finite and &gt;= 0.</summary>
    public double Eps
    {
        get => _eps;
        set => _eps = CheckNonNegative(value, nameof(Eps), "eps");
    }

    /// <summary>Whether the AMSGrad variant is used (the maximum of past second moments).</summary>
    public bool Amsgrad { get; set; }

    /// <summary>Whether weight decay is decoupled from the gradient (AdamW).</summary>
    public bool Decoupled { get; }

    /// <inheritdoc />
    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParameterState state)
    {
        var stepTensor = state.GetOrCreate(StepSlot);
        var m = state.GetOrCreate(ExpAvgSlot);
        var v = state.GetOrCreate(ExpAvgSqSlot);
        float step = stepTensor.Data[0] + 1f;
        stepTensor.Data[0] = step;
        double lr = group.Lr, wd = group.WeightDecay;
        double bc1 = 1 - Math.Pow(_beta1, step), bc2 = 1 - Math.Pow(_beta2, step);
        var k = new Kernel
        {
            P = parameter.Buffer, Po = parameter.Offset, G = grad.Buffer, Go = grad.Offset,
            M = m.Buffer, Mo = m.Offset, V = v.Buffer, Vo = v.Offset,
            Beta1 = (float)_beta1, OneMinusBeta1 = (float)(1 - _beta1), Beta2 = (float)_beta2, OneMinusBeta2 = (float)(1 - _beta2),
            NegStepSize = (float)-(lr / bc1), Bc2Sqrt = (float)Math.Sqrt(bc2), Eps = (float)_eps,
        };
        if (wd != 0)
        {
            if (Decoupled) { k.Decay = (float)(1 - lr * wd); k.HasDecay = true; }
            else { k.WeightDecay = (float)wd; k.HasWeightDecay = true; }
        }
        if (Amsgrad)
        {
            var vmax = state.GetOrCreate(MaxExpAvgSqSlot);
            k.VMax = vmax.Buffer;
            k.VMaxo = vmax.Offset;
            k.Amsgrad = true;
        }
        Elementwise.Run(ref k, parameter.Numel);
    }

    /// <inheritdoc />
    protected internal override void WriteHyperparameters(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("betas");
        writer.WriteNumberValue(_beta1);
        writer.WriteNumberValue(_beta2);
        writer.WriteEndArray();
        writer.WriteNumber("eps", _eps);
        writer.WriteBoolean("amsgrad", Amsgrad);
    }

    /// <inheritdoc />
    protected internal override void ReadHyperparameters(JsonElement group)
    {
        if (!group.TryGetProperty("betas", out var betas) || betas.ValueKind != JsonValueKind.Array || betas.GetArrayLength() != 2
            || betas[0].ValueKind != JsonValueKind.Number || betas[1].ValueKind != JsonValueKind.Number)
            throw new InvalidDataException("optimizer param group: 'betas' is missing or not two numbers");
        double eps = ReadNumber(group, "eps");
        bool amsgrad = ReadBool(group, "amsgrad");
        Beta1 = betas[0].GetDouble();
        Beta2 = betas[1].GetDouble();
        Eps = eps;
        Amsgrad = amsgrad;
    }

    private struct Kernel : IElementwiseKernel
    {
        public float[] P, G, M, V, VMax;
        public int Po, Go, Mo, Vo, VMaxo;
        public float Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, NegStepSize, Bc2Sqrt, Eps, WeightDecay, Decay;
        public bool HasWeightDecay, HasDecay, Amsgrad;

        public readonly void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
        {
            var p = TV.Load(P, Po + i);
            var g = TV.Load(G, Go + i);
            if (HasDecay) p *= TV.Splat(Decay);
            if (HasWeightDecay) g += TV.Splat(WeightDecay) * p;
            var m = TV.Load(M, Mo + i) * TV.Splat(Beta1) + TV.Splat(OneMinusBeta1) * g;
            var v = TV.Load(V, Vo + i) * TV.Splat(Beta2) + TV.Splat(OneMinusBeta2) * g * g;
            m.Store(M, Mo + i);
            v.Store(V, Vo + i);
            if (Amsgrad)
            {
                v = TV.Max(TV.Load(VMax, VMaxo + i), v);
                v.Store(VMax, VMaxo + i);
            }
            var denom = TV.Sqrt(v) / TV.Splat(Bc2Sqrt) + TV.Splat(Eps);
            (p + TV.Splat(NegStepSize) * m / denom).Store(P, Po + i);
        }
    }
}
