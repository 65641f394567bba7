namespace Emulator.Nn.Modules;

/// <summary>max(x, 0) (<c>nn.ReLU</c>).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}

/// <summary>min(max(x, 0), 6) (<c>nn.ReLU6</c>).</summary>
public sealed class ReLU6 : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Relu6(input);
}

/// <summary>x·Φ(x) (<c>nn.GELU</c>): exact ("none") or the tanh approximation ("tanh").</summary>
public sealed class GELU : Module
{
    /// <summary>A GELU with PyTorch's <c>approximate</c> argument ("none" or "tanh").</summary>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate '{approximate}' is not one of 'none', 'tanh'", nameof(approximate));
        Approximate = approximate;
    }

    /// <summary>"none" (erf) or "tanh".</summary>
    public string Approximate { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);
}

/// <summary>x·σ(x) (<c>nn.SiLU</c>).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>1 / (1 + e^−x) (<c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Sigmoid(input);
}

/// <summary>tanh(x) (<c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Tanh(input);
}

/// <summary>x·relu6(x + 3)/6 (<c>nn.Hardswish</c>).</summary>
public sealed class Hardswish : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input);
}

/// <summary>Softmax along a dimension (<c>nn.Softmax(dim)</c>).</summary>
public sealed class Softmax(int dim) : Module
{
    /// <summary>The dimension normalised over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, Dim);
}

/// <summary>Log-softmax along a dimension (<c>nn.LogSoftmax(dim)</c>).</summary>
public sealed class LogSoftmax(int dim) : Module
{
    /// <summary>The dimension normalised over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, Dim);
}

/// <summary>The input unchanged (<c>nn.Identity</c>).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Dimensions start_dim..end_dim merged (<c>nn.Flatten</c>; by default all but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>The first dimension merged.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>The last dimension merged.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, StartDim, EndDim);
}
