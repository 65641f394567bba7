namespace Emulator.Nn.Optim;

/// <summary>
/// A group of parameters sharing a learning rate and weight decay (one entry of PyTorch's <c>optimizer.param_groups</c>).
/// The other hyperparameters (momentum, betas, eps, ...) belong to the optimizer. Schedulers set <see cref="Lr"/> from
/// <see cref="InitialLr"/>.
/// </summary>
public sealed class ParamGroup
{
    private double _lr;
    private double _weightDecay;

    internal ParamGroup(Tensor[] parameters, int firstIndex, double lr, double weightDecay)
    {
        Parameters = parameters;
        FirstIndex = firstIndex;
        Lr = lr;
        InitialLr = lr;
        WeightDecay = weightDecay;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The optimizer-wide index of the first parameter (indices number parameters across groups in order, as the
    /// keys of PyTorch's optimizer state dict).</summary>
    public int FirstIndex { get; }

    /// <summary>The current learning rate (<c>lr</c>), finite and &gt;= 0.</summary>
    public double Lr
    {
        get => _lr;
        set => _lr = Optimizer.CheckNonNegative(value, nameof(Lr), "learning rate");
    }

    /// <summary>The learning rate the group started with (<c>initial_lr</c>): the base value schedules scale.</summary>
    public double InitialLr { get; internal set; }

    /// <summary>The weight decay (<c>weight_decay</c>), finite and &gt;= 0.</summary>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = Optimizer.CheckNonNegative(value, nameof(WeightDecay), "weight decay");
    }
}
