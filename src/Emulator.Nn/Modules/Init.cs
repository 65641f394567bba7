using Emulator.Formats;

namespace Emulator.Nn.Modules;

/// <summary>
/// Seeded initialisation (PyTorch's <c>nn.init</c>): element i of a tensor draws from Philox4x32-10 keyed by
/// (seed, stream, i), so the values never depend on threads or the order tensors are created in.
/// </summary>
public static class Init
{
    /// <summary>U(low, high) in place.</summary>
    public static void Uniform(Tensor t, float low, float high, ulong seed, uint stream)
    {
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = low + (high - low) * Unit(seed, stream, i);
    }

    /// <summary>N(0, std²) in place (Box–Muller on two Philox words per element).</summary>
    public static void Normal(Tensor t, float std, ulong seed, uint stream)
    {
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            double u1 = (Philox4x32.Word(seed, stream, 2L * i) + 1.0) / 4294967296.0;
            double u2 = Philox4x32.Word(seed, stream, 2L * i + 1) / 4294967296.0;
            d[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }

    /// <summary>Kaiming (He) uniform for ReLU networks: U(-b, b) with b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)).</summary>
    public static void KaimingUniform(Tensor t, int fanIn, ulong seed, uint stream, float a = 0f)
    {
        float gain = MathF.Sqrt(2f / (1f + a * a)), bound = gain * MathF.Sqrt(3f / fanIn);
        Uniform(t, -bound, bound, seed, stream);
    }

    /// <summary>Kaiming (He) normal: N(0, gain² / fan_in).</summary>
    public static void KaimingNormal(Tensor t, int fanIn, ulong seed, uint stream, float a = 0f) =>
        Normal(t, MathF.Sqrt(2f / (1f + a * a)) / MathF.Sqrt(fanIn), seed, stream);

    /// <summary>Xavier (Glorot) uniform: U(-b, b) with b = gain·√(6 / (fan_in + fan_out)).</summary>
    public static void XavierUniform(Tensor t, int fanIn, int fanOut, ulong seed, uint stream, float gain = 1f)
    {
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(t, -bound, bound, seed, stream);
    }

    /// <summary>
    /// PyTorch's default initialisation of <c>Linear</c> and <c>ConvNd</c> (their <c>reset_parameters</c>): the weight from
    /// Kaiming-uniform with a = √5, i.e. U(−1/√fan_in, 1/√fan_in) (stream 0), the bias from the same bound (stream 1).
    /// </summary>
    public static void LayerDefault(Tensor weight, Tensor? bias, int fanIn, ulong seed)
    {
        float bound = 1f / MathF.Sqrt(fanIn);
        Uniform(weight, -bound, bound, seed, stream: 0);
        if (bias is not null) Uniform(bias, -bound, bound, seed, stream: 1);
    }

    /// <summary>A uniform float in [0, 1) from the 24 high bits of a Philox word.</summary>
    private static float Unit(ulong seed, uint stream, long i) => (Philox4x32.Word(seed, stream, i) >> 8) * (1f / 16777216f);
}
