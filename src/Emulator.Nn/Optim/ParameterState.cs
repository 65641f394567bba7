using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>
/// The optimizer state of one parameter (an entry of PyTorch's <c>optimizer.state</c>): named tensors such as
/// <c>momentum_buffer</c> (SGD) or <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (Adam). An
/// entry is absent until the first step that updates the parameter creates it. Entries can be read and replaced (a
/// replacement must have the parameter's shape, or shape [] for <c>step</c>); the optimizer updates whatever tensor is
/// in place, so a caller may keep the state in its own storage or round it to another number format between steps.
/// </summary>
public sealed class ParameterState
{
    private readonly string[] _names;
    private readonly Tensor?[] _tensors;

    internal ParameterState(Tensor parameter, string[] names)
    {
        Parameter = parameter;
        _names = names;
        _tensors = new Tensor?[names.Length];
    }

    /// <summary>The parameter this state belongs to.</summary>
    public Tensor Parameter { get; }

    /// <summary>The entry names this optimizer uses, in state-dict order (present or not).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The entries present, in state-dict order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Entries
    {
        get
        {
            for (int i = 0; i < _names.Length; i++)
                if (_tensors[i] is { } t) yield return (_names[i], t);
        }
    }

    /// <summary>Whether no entry is present (the parameter was never updated).</summary>
    public bool IsEmpty => Array.TrueForAll(_tensors, t => t is null);

    /// <summary>Whether the entry is present.</summary>
    public bool Contains(string name) => _tensors[Slot(name)] is not null;

    /// <summary>The entry, or null when absent. Setting replaces it (null removes it); the tensor is kept out of every
    /// dispose scope.</summary>
    public Tensor? this[string name]
    {
        get => _tensors[Slot(name)];
        set => Set(Slot(name), value);
    }

    internal Tensor? Get(int slot) => _tensors[slot];

    internal Tensor GetOrCreate(int slot)
    {
        if (_tensors[slot] is { } t) return t;
        var created = _names[slot] == StepName ? Tensor.Persistent() : Tensor.Persistent(Parameter.ShapeArray);
        _tensors[slot] = created;
        return created;
    }

    internal void Set(int slot, Tensor? value)
    {
        if (value is not null)
        {
            var expected = _names[slot] == StepName ? [] : Parameter.Shape;
            if (!ShapeMath.Equal(value.Shape, expected))
                throw new ArgumentException($"optimizer state '{_names[slot]}' must have shape {ShapeMath.Format(expected)}, not {ShapeMath.Format(value.Shape)}", nameof(value));
            value.Keep();
        }
        _tensors[slot] = value;
    }

    /// <summary>Removes every entry (the next step starts this parameter afresh).</summary>
    public void Clear() => Array.Clear(_tensors);

    private int Slot(string name)
    {
        int i = Array.IndexOf(_names, name);
        if (i < 0) throw new ArgumentException($"optimizer state has no entry '{name}' (valid: {string.Join(", ", _names)})", nameof(name));
        return i;
    }

    /// <summary>The name of the step counter entry (a float32 scalar, as PyTorch stores it).</summary>
    public const string StepName = "step";
}
