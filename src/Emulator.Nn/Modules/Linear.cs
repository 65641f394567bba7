namespace Emulator.Nn.Modules;

/// <summary>y = x Wᵀ + b (<c>nn.Linear</c>): weight [out, in], bias [out]; PyTorch's default initialisation
/// (Kaiming-uniform with a = √5, i.e. U(-1/√in, 1/√in), and the bias from the same bound), seeded.</summary>
public sealed class Linear : Module, IWeightLayer
{
    /// <summary>The weight [out_features, in_features].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias [out_features] or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>A linear layer with seeded initialisation.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, ulong seed = 0)
    {
        if (inFeatures < 1) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "in_features must be >= 1");
        if (outFeatures < 1) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "out_features must be >= 1");
        var w = Tensor.Persistent(outFeatures, inFeatures);
        float bound = 1f / MathF.Sqrt(inFeatures);
        Init.Uniform(w, -bound, bound, seed, stream: 0);
        Weight = RegisterParameter("weight", w);
        if (bias)
        {
            var b = Tensor.Persistent(outFeatures);
            Init.Uniform(b, -bound, bound, seed, stream: 1);
            Bias = RegisterParameter("bias", b);
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.Linear(input, UseParameter("weight", Weight), Bias is null ? null : UseParameter("bias", Bias));
}
