namespace Emulator.Nn.Modules;

/// <summary>Modules run in order; children are named "0", "1", ... as in PyTorch's <c>nn.Sequential</c>.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>A sequence of the given modules.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var l in layers) Append(l);
    }

    /// <summary>Adds a module at the end (named by its index).</summary>
    public Sequential Append(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The layer at an index.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var l in _layers) x = l.Call(x);
        return x;
    }
}
