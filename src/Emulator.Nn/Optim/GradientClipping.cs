using System.Numerics.Tensors;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>Gradient clipping (<c>torch.nn.utils.clip_grad_norm_</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> (those that have one) in place so that their total norm is at
    /// most <paramref name="maxNorm"/>, and returns the total norm before clipping. As PyTorch: the total norm is the
    /// <paramref name="normType"/>-norm of the per-parameter norms, taken in parameter order (2-norms with
    /// <see cref="DeterministicSum"/>, so every instruction set and thread count gives the same bits); the scale is
    /// min(1, maxNorm / (total + 1e-6)) in float32; gradients are left alone when it is 1. A parameter list (rather than
    /// any enumerable) is walked without allocating.
    /// </summary>
    /// <param name="parameters">The parameters whose <see cref="Tensor.Grad"/> are clipped.</param>
    /// <param name="maxNorm">The largest total norm allowed, finite and &gt;= 0.</param>
    /// <param name="normType">The p of the norm: &gt;= 1, or <see cref="float.PositiveInfinity"/> for the largest magnitude.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite (otherwise the gradients become NaN, as in PyTorch).</param>
    public static float ClipGradNorm(IReadOnlyList<Tensor> parameters, float maxNorm, float normType = 2f, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!float.IsFinite(maxNorm) || maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be finite and >= 0");
        if (float.IsNaN(normType) || normType < 1) throw new ArgumentOutOfRangeException(nameof(normType), normType, "normType must be >= 1 or +infinity");
        bool inf = float.IsPositiveInfinity(normType);
        float total = 0;
        bool any = false;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i]?.Grad is not { } g) continue;
            any = true;
            float n = Norm(g.Data, normType);
            if (inf) total = float.IsNaN(n) || float.IsNaN(total) ? float.NaN : MathF.Max(total, n);
            else if (normType == 2f) total += n * n;
            else total += MathF.Pow(n, normType);
        }
        if (!any) return 0f;
        if (!inf) total = normType == 2f ? MathF.Sqrt(total) : MathF.Pow(total, 1f / normType);
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new InvalidOperationException($"ClipGradNorm: the total {normType}-norm of the gradients is {total}; set errorIfNonfinite = false to clip anyway");
        float coef = maxNorm / (total + 1e-6f);
        if (!(coef < 1f) && !float.IsNaN(coef)) return total;
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i]?.Grad is { } g) TensorPrimitives.Multiply(g.Data, coef, g.Data);
        return total;
    }

    /// <summary>As <see cref="ClipGradNorm(IReadOnlyList{Tensor}, float, float, bool)"/> for any sequence of parameters.</summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, float maxNorm, float normType = 2f, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return ClipGradNorm(parameters as IReadOnlyList<Tensor> ?? parameters.ToArray(), maxNorm, normType, errorIfNonfinite);
    }

    /// <summary>The p-norm of one gradient: 2-norm by <see cref="DeterministicSum.SumOfSquares"/>, ∞-norm by the largest
    /// magnitude (NaN if any is), others by a sequential sum of |x|^p in double.</summary>
    private static float Norm(ReadOnlySpan<float> x, float p)
    {
        if (p == 2f) return MathF.Sqrt(DeterministicSum.SumOfSquares(x));
        if (float.IsPositiveInfinity(p))
        {
            float max = 0;
            foreach (float v in x)
            {
                if (float.IsNaN(v)) return float.NaN;
                max = MathF.Max(max, MathF.Abs(v));
            }
            return max;
        }
        double sum = 0;
        if (p == 1f) foreach (float v in x) sum += Math.Abs(v);
        else foreach (float v in x) sum += Math.Pow(Math.Abs(v), p);
        return (float)(p == 1f ? sum : Math.Pow(sum, 1.0 / p));
    }
}
