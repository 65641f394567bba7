namespace Emulator.Nn.Autograd;

/// <summary>
/// Whether ops record the graph for <see cref="Tensor.Backward"/> (PyTorch's <c>torch.no_grad()</c>): inside
/// <c>using (GradMode.NoGrad())</c> results have no <see cref="Tensor.GradFn"/>. Per thread.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabled;

    /// <summary>Whether gradients are recorded on this thread.</summary>
    public static bool IsEnabled => _disabled == 0;

    /// <summary>Disables recording until the returned object is disposed (nests).</summary>
    public static NoGradScope NoGrad()
    {
        _disabled++;
        return new NoGradScope();
    }

    /// <summary>The scope returned by <see cref="NoGrad"/>.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Enables recording again (if no outer no-grad scope is open).</summary>
        public void Dispose() => _disabled--;
    }
}
