namespace Emulator.Nn.Modules;

/// <summary>
/// Layer normalisation over the trailing dimensions (<c>nn.LayerNorm</c>): parameters <c>weight</c> (ones) and
/// <c>bias</c> (zeros) of the normalised shape when elementwise-affine.
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>A layer norm over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
        : this([normalizedShape], eps, elementwiseAffine, bias) { }

    /// <summary>A layer norm over trailing dimensions of the given shape.</summary>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
    {
        NormalizedShape = CheckShape(normalizedShape, "LayerNorm");
        if (!(eps >= 0f) || float.IsInfinity(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be finite and >= 0");
        Eps = eps;
        if (!elementwiseAffine) return;
        var w = Tensor.Persistent(NormalizedShape);
        w.Data.Fill(1f);
        Weight = RegisterParameter("weight", w);
        if (bias) Bias = RegisterParameter("bias", Tensor.Persistent(NormalizedShape));
    }

    /// <summary>The normalised trailing shape.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the variance.</summary>
    public float Eps { get; }

    /// <summary>The scale (null without elementwise affine).</summary>
    public Tensor? Weight { get; }

    /// <summary>The shift (null without elementwise affine or bias).</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.LayerNorm(input, NormalizedShape, Weight is null ? null : UseParameter("weight", Weight), Bias is null ? null : UseParameter("bias", Bias), Eps);

    internal static int[] CheckShape(int[] shape, string layer)
    {
        if (shape.Length == 0 || shape.Any(d => d < 1))
            throw new ArgumentException($"{layer}: normalized_shape {Numerics.ShapeMath.Format(shape)} must be non-empty with dimensions >= 1", "normalizedShape");
        return (int[])shape.Clone();
    }
}

/// <summary>
/// Root-mean-square normalisation over the trailing dimensions (<c>nn.RMSNorm</c>): parameter <c>weight</c> (ones) when
/// elementwise-affine; eps null means float32's machine epsilon, as in PyTorch.
/// </summary>
public sealed class RMSNorm : Module
{
    /// <summary>An RMS norm over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public RMSNorm(int normalizedShape, float? eps = null, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>An RMS norm over trailing dimensions of the given shape.</summary>
    public RMSNorm(int[] normalizedShape, float? eps = null, bool elementwiseAffine = true)
    {
        NormalizedShape = LayerNorm.CheckShape(normalizedShape, "RMSNorm");
        if (eps is float e && (!(e >= 0f) || float.IsInfinity(e))) throw new ArgumentOutOfRangeException(nameof(eps), e, "RMSNorm: eps must be finite and >= 0");
        Eps = eps;
        if (!elementwiseAffine) return;
        var w = Tensor.Persistent(NormalizedShape);
        w.Data.Fill(1f);
        Weight = RegisterParameter("weight", w);
    }

    /// <summary>The normalised trailing shape.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the mean square (null: float32 machine epsilon).</summary>
    public float? Eps { get; }

    /// <summary>The scale (null without elementwise affine).</summary>
    public Tensor? Weight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.RmsNorm(input, NormalizedShape, Weight is null ? null : UseParameter("weight", Weight), Eps);
}
