using System.Text.Json;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>
/// The base of the optimizers (PyTorch's <c>torch.optim.Optimizer</c>): parameter groups, per-parameter state, a
/// <see cref="Step"/> that updates every parameter that has a gradient, and a state dict. Parameters are numbered across
/// groups in order (the keys of PyTorch's <c>state_dict()['state']</c>); a parameter without a gradient is skipped and its
/// state is left as it was. A step allocates no managed memory after the first one (which creates the state).
/// </summary>
public abstract partial class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly List<Tensor> _parameters = [];
    private readonly List<ParameterState> _states = [];
    private readonly HashSet<Tensor> _known = new(ReferenceEqualityComparer.Instance);

    /// <summary>An optimizer over one group of parameters.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double lr, double weightDecay)
    {
        CheckNonNegative(lr, nameof(lr), "learning rate");
        CheckNonNegative(weightDecay, nameof(weightDecay), "weight decay");
        DefaultLr = lr;
        DefaultWeightDecay = weightDecay;
        AddParamGroup(parameters);
    }

    /// <summary>The optimizer's name as PyTorch spells its class (<c>SGD</c>, <c>Adam</c>, <c>AdamW</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The names of the per-parameter state entries, in state-dict order.</summary>
    public abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The learning rate new groups get when none is given.</summary>
    public double DefaultLr { get; }

    /// <summary>The weight decay new groups get when none is given.</summary>
    public double DefaultWeightDecay { get; }

    /// <summary>The parameter groups (<c>param_groups</c>).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Every parameter, numbered across groups in order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>The state of every parameter, by the parameter's index.</summary>
    public IReadOnlyList<ParameterState> States => _states;

    /// <summary>The learning rate of the first group; setting it sets every group's.</summary>
    public double LearningRate
    {
        get => _groups[0].Lr;
        set
        {
            CheckNonNegative(value, nameof(value), "learning rate");
            foreach (var g in _groups) g.Lr = value;
        }
    }

    /// <summary>Set once a schedule has taken the groups' current rates as their initial ones.</summary>
    internal bool HasScheduler { get; set; }

    /// <summary>Adds a group (<c>add_param_group</c>); lr and weight decay default to the optimizer's.</summary>
    public ParamGroup AddParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        if (list.Length == 0) throw new ArgumentException($"{Name}: a parameter group needs at least one parameter", nameof(parameters));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < list.Length; i++)
        {
            var p = list[i] ?? throw new ArgumentException($"{Name}: parameter {i} of the group is null", nameof(parameters));
            if (!p.IsLeaf) throw new ArgumentException($"{Name}: can't optimize a non-leaf tensor (parameter {i} of the group{NameOf(p)}, grad_fn={p.GradFn!.Name})", nameof(parameters));
            if (!seen.Add(p)) throw new ArgumentException($"{Name}: parameter {i} of the group{NameOf(p)} appears twice in the group", nameof(parameters));
            if (_known.Contains(p)) throw new ArgumentException($"{Name}: parameter {i} of the group{NameOf(p)} is already in another group", nameof(parameters));
        }
        var group = new ParamGroup(list, _parameters.Count, lr ?? DefaultLr, weightDecay ?? DefaultWeightDecay);
        var names = StateNames.ToArray();
        foreach (var p in list)
        {
            _known.Add(p);
            _parameters.Add(p);
            _states.Add(new ParameterState(p, names));
        }
        _groups.Add(group);
        return group;
    }

    /// <summary>The state of a parameter of this optimizer.</summary>
    public ParameterState State(Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        for (int i = 0; i < _parameters.Count; i++)
            if (ReferenceEquals(_parameters[i], parameter)) return _states[i];
        throw new ArgumentException($"{Name}: the tensor{NameOf(parameter)} is not a parameter of this optimizer", nameof(parameter));
    }

    /// <summary>Updates every parameter that has a gradient (<c>step()</c>).</summary>
    public void Step()
    {
        for (int g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            var ps = group.Parameters;
            for (int j = 0; j < ps.Count; j++)
            {
                var p = ps[j];
                if (p.Grad is not { } grad) continue;
                if (!ShapeMath.Equal(grad.Shape, p.Shape))
                    throw new InvalidOperationException($"{Name}.Step: parameter {group.FirstIndex + j}{NameOf(p)} has shape {ShapeMath.Format(p.Shape)} but its gradient has shape {ShapeMath.Format(grad.Shape)}");
                Update(group, p, grad, _states[group.FirstIndex + j]);
            }
        }
    }

    /// <summary>Updates one parameter in place from its gradient and state.</summary>
    protected abstract void Update(ParamGroup group, Tensor parameter, Tensor grad, ParameterState state);

    /// <summary>Clears every parameter's gradient (<c>zero_grad</c>): to null by default (the next backward allocates a
    /// fresh one), or to zeros in place with <paramref name="setToNone"/> = false (no allocation).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (setToNone) p.Grad = null;
            else p.Grad?.Data.Clear();
        }
    }

    /// <summary>Writes the optimizer-wide hyperparameters as JSON properties (<c>"momentum": 0.9</c>, ...).</summary>
    protected internal abstract void WriteHyperparameters(Utf8JsonWriter writer);

    /// <summary>Reads the optimizer-wide hyperparameters from a saved group object (the inverse of
    /// <see cref="WriteHyperparameters"/>); missing keys throw <see cref="InvalidDataException"/>.</summary>
    protected internal abstract void ReadHyperparameters(JsonElement group);

    /// <summary>The full name of a state entry in a state dict: <c>state.{index}.{name}</c>.</summary>
    public static string StateKey(int index, string name) => $"state.{index}.{name}";

    /// <summary>Reads a number property of a saved hyperparameter object.</summary>
    protected static double ReadNumber(JsonElement group, string key) =>
        group.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : throw new InvalidDataException($"optimizer param group: '{key}' is missing or not a number");

    /// <summary>Reads a boolean property of a saved hyperparameter object.</summary>
    protected static bool ReadBool(JsonElement group, string key) =>
        group.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new InvalidDataException($"optimizer param group: '{key}' is missing or not a boolean");

    internal static double CheckNonNegative(double value, string name, string what) =>
        double.IsFinite(value) && value >= 0 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{what} must be finite and >= 0");

    internal static double CheckRange(double value, string name, string what, double low, double high, bool highOpen) =>
        double.IsFinite(value) && value >= low && (highOpen ? value < high : value <= high) ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{what} must be in [{low}, {high}{(highOpen ? ")" : "]")}");

    private static string NameOf(Tensor p) => p.Name is null ? "" : $" '{p.Name}'";
}
