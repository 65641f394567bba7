namespace Emulator.Nn.Modules;

/// <summary>The storage type a state-dict entry is written as (tensors compute in float32).</summary>
public enum StateDType
{
    /// <summary>float32 (parameters, running statistics).</summary>
    Float32,
    /// <summary>int64, as PyTorch stores counters such as <c>num_batches_tracked</c> (held exactly in float32 below 2^24).</summary>
    Int64,
}

/// <summary>
/// The base of every layer (PyTorch's <c>nn.Module</c>): named parameters, buffers and children registered in order, a
/// train/eval flag, and a state dict whose names are PyTorch's (<c>features.0.weight</c>, <c>bn1.running_mean</c>).
/// Parameters and buffers live outside every <see cref="DisposeScope"/>.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor, StateDType DType)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>Whether the module is in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Runs the module.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Runs the module with its hooks (PyTorch's <c>module(x)</c>): each forward pre-hook may replace the input, then
    /// <see cref="Forward"/>, then each forward hook may replace the output. Composite modules call their children
    /// through <c>Call</c> so hooks (quantizers of a QuantSim, for instance) see every layer.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        foreach (var hook in ForwardPreHooks) input = hook(this, input);
        var output = Forward(input);
        foreach (var hook in ForwardHooks) output = hook(this, output);
        return output;
    }

    /// <summary>Functions applied to the input before <see cref="Forward"/> (<c>register_forward_pre_hook</c>).</summary>
    public List<Func<Module, Tensor, Tensor>> ForwardPreHooks { get; } = [];

    /// <summary>Functions applied to the output after <see cref="Forward"/> (<c>register_forward_hook</c>).</summary>
    public List<Func<Module, Tensor, Tensor>> ForwardHooks { get; } = [];

    /// <summary>
    /// A function applied to a parameter each time the module reads it for its computation (by name, e.g. "weight"):
    /// the hook a weight quantizer uses. Null: parameters are used as they are.
    /// </summary>
    public Func<string, Tensor, Tensor>? ParameterHook { get; set; }

    /// <summary>The value of a parameter as the computation should use it (after <see cref="ParameterHook"/>).</summary>
    protected Tensor UseParameter(string name, Tensor parameter) => ParameterHook is null ? parameter : ParameterHook(name, parameter);

    /// <summary>Sets training mode on this module and every descendant (<c>train()</c>).</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, c) in _children) c.Train(on);
        return this;
    }

    /// <summary>Sets evaluation mode (<c>eval()</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Registers a parameter: a persistent tensor that requires grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        if (value.GradFn is not null) throw new ArgumentException($"parameter '{name}' must be a leaf tensor", nameof(value));
        value.Keep();
        value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a buffer: persistent state saved in the state dict but not trained (running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor value, StateDType dtype = StateDType.Float32)
    {
        CheckName(name);
        value.Keep();
        _buffers.Add((name, value, dtype));
        return value;
    }

    /// <summary>Registers a child module under a name (an index for Sequential: "0", "1", ...).</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"module member name '{name}' must be non-empty and contain no '.'", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"module member '{name}' is already registered", nameof(name));
    }

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>This module and every descendant with dotted names ("" for this one), depth first.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (n, c) in _children)
            foreach (var x in c.NamedModules(prefix.Length == 0 ? n : prefix + "." + n)) yield return x;
    }

    /// <summary>Every parameter with its dotted name, in registration order (own first, then children's).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (n, p) in _parameters) yield return (Join(prefix, n), p);
        foreach (var (n, c) in _children)
            foreach (var x in c.NamedParameters(Join(prefix, n))) yield return x;
    }

    /// <summary>Every parameter (for optimizers).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name and storage type.</summary>
    public IEnumerable<(string Name, Tensor Buffer, StateDType DType)> NamedBuffers(string prefix = "")
    {
        foreach (var (n, b, d) in _buffers) yield return (Join(prefix, n), b, d);
        foreach (var (n, c) in _children)
            foreach (var x in c.NamedBuffers(Join(prefix, n))) yield return x;
    }

    /// <summary>
    /// The state dict in PyTorch's order (per module: its parameters, then its buffers, then each child's entries), names
    /// dotted as PyTorch writes them. The tensors are the live ones (not copies).
    /// </summary>
    public IEnumerable<(string Name, Tensor Tensor, StateDType DType)> StateDict(string prefix = "")
    {
        foreach (var (n, p) in _parameters) yield return (Join(prefix, n), p, StateDType.Float32);
        foreach (var (n, b, d) in _buffers) yield return (Join(prefix, n), b, d);
        foreach (var (n, c) in _children)
            foreach (var x in c.StateDict(Join(prefix, n))) yield return x;
    }

    /// <summary>Sets every parameter's gradient to null (<c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
