namespace Emulator.Nn.Autograd;

/// <summary>
/// A differentiable op: a node of the autograd graph (PyTorch's <c>torch.autograd.Function</c>). Subclass it, compute
/// the result in your own static method, then call <see cref="Record"/> to attach the node; the engine calls
/// <see cref="Backward"/> once with the gradient of the output, and the node hands each input's gradient to
/// <see cref="AccumulateGrad"/>. Higher floors (fake quantization, LSQ) add their ops this way.
/// </summary>
/// <example>
/// <code>
/// sealed class Square(Tensor x) : Function
/// {
///     public static Tensor Apply(Tensor x)
///     {
///         var y = Tensor.Empty(x.ShapeArray);
///         for (int i = 0; i &lt; x.Numel; i++) y.Data[i] = x.Data[i] * x.Data[i];
///         return new Square(x).Record(y, x);
///     }
///     protected override void Backward(Tensor grad)
///     {
///         var g = Tensor.Empty(x.ShapeArray);
///         for (int i = 0; i &lt; x.Numel; i++) g.Data[i] = 2 * x.Data[i] * grad.Data[i];
///         AccumulateGrad(x, g);
///     }
/// }
/// </code>
/// </example>
public abstract class Function
{
    private Tensor[] _inputs = [];

    /// <summary>The op's name as shown in <c>grad_fn</c> (the class name by default).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>The inputs the graph continues through.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>
    /// Attaches this node to <paramref name="output"/> when gradient recording is on and any input requires grad; returns
    /// the output either way (which then requires grad exactly when the node was attached). Null inputs (an optional
    /// bias, say) are skipped.
    /// </summary>
    public Tensor Record(Tensor output, params Tensor?[] inputs)
    {
        if (!GradMode.IsEnabled) return output;
        bool any = false;
        int count = 0;
        foreach (var t in inputs)
            if (t is not null) { any |= t.RequiresGrad; count++; }
        if (!any) return output;
        if (count == inputs.Length) _inputs = inputs!;
        else
        {
            _inputs = new Tensor[count];
            count = 0;
            foreach (var t in inputs)
                if (t is not null) _inputs[count++] = t;
        }
        output.GradFn = this;
        output.RequiresGrad = true;
        return output;
    }

    /// <summary>Given the gradient of the output, passes each input's gradient to <see cref="AccumulateGrad"/>.</summary>
    protected internal abstract void Backward(Tensor grad);

    /// <summary>
    /// Adds <paramref name="grad"/> (shape of <paramref name="input"/>) into the input's gradient; ignored when the input
    /// does not require grad. The engine may keep <paramref name="grad"/> itself, so do not write to it afterwards.
    /// </summary>
    protected static void AccumulateGrad(Tensor input, Tensor grad) => Engine.Accumulate(input, grad);
}
