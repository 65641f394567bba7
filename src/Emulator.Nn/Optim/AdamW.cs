namespace Emulator.Nn.Optim;

/// <summary>
/// AdamW (<c>torch.optim.AdamW</c>, Loshchilov and Hutter): Adam with decoupled weight decay, p = p·(1 − lr·wd) before
/// the moment updates instead of adding wd·p to the gradient; otherwise the update of <see cref="Adam"/>. The default
/// weight decay is PyTorch's 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over the parameters (<c>AdamW(params, lr, betas, eps, weight_decay, amsgrad)</c>).</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true)
    {
    }

    /// <inheritdoc />
    public override string Name => "AdamW";
}
