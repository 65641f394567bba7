using Emulator.Nn.Autograd;
using Emulator.Nn.Modules;

namespace Emulator.Nn.Training;

/// <summary>
/// Floating-point operations of a model's matrix products (linear and convolution layers; 2 per multiply-add, biases,
/// activations and normalisation not counted — the usual convention). A training step costs about 3× the forward pass
/// (forward, input gradient, weight gradient).
/// </summary>
public static class FlopCounter
{
    /// <summary>
    /// FLOPs of one image's forward pass through a <see cref="Sequential"/> model (nested Sequentials included): each
    /// layer runs once on a one-image input (eval mode, no gradients) to learn its output shape; a layer with a rank-2
    /// <c>weight</c> [out, in] counts 2·in per output value, one with a rank-4 <c>weight</c> [out, in/groups, kh, kw]
    /// counts 2·(in/groups)·kh·kw per output value. Returns null for models that are not Sequential stacks of such layers
    /// (their data flow cannot be traced layer by layer).
    /// </summary>
    public static long? ForwardFlops(Module model, ReadOnlySpan<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool training = model.Training;
        model.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            using var scope = DisposeScope.Begin();
            var x = Tensor.Zeros([1, .. sampleShape]);
            long total = 0;
            return Walk(model, ref x, ref total) ? total : null;
        }
        finally
        {
            model.Train(training);
        }
    }

    private static bool Walk(Module m, ref Tensor x, ref long total)
    {
        if (m is Sequential seq)
        {
            for (int i = 0; i < seq.Count; i++)
                if (!Walk(seq[i], ref x, ref total)) return false;
            return true;
        }
        if (m.NamedChildren().Any(c => c.Module.Parameters().Any())) return false; // a composite: data flow unknown
        var y = m.Call(x);
        var weight = m.NamedParameters().FirstOrDefault(p => p.Name == "weight").Parameter;
        if (weight is { Rank: 2 }) total += 2L * y.Numel * weight.Size(1);
        else if (weight is { Rank: 4 }) total += 2L * y.Numel * (weight.Numel / weight.Size(0));
        x = y;
        return true;
    }
}
