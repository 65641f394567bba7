using Emulator.Formats;

namespace Emulator.Cli.Study;

/// <summary>Fixed-seed synthetic data for studies, drawn from Philox so every machine gets the same values.</summary>
public static class Distributions
{
    /// <summary>The distribution names, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["gaussian", "laplace", "student-t3", "uniform", "gaussian-outliers"];

    /// <summary>Draws <paramref name="count"/> float32 values of a named distribution.</summary>
    public static float[] Generate(string name, int count, ulong seed)
    {
        int stream = Names.ToList().IndexOf(name);
        if (stream < 0)
            throw new CliException($"--distributions: '{name}' is unknown; valid: {string.Join(", ", Names)}");
        var rng = new Uniforms(seed, (uint)stream);
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = name switch
            {
                "gaussian" => (float)rng.Gaussian(),
                "laplace" => (float)Laplace(rng),
                "student-t3" => (float)StudentT3(rng),
                "uniform" => (float)(2 * rng.Next() - 1) * 1.7320508f, // unit variance
                _ => (float)(rng.Next() < 0.001 ? (rng.Next() < 0.5 ? -20 : 20) : rng.Gaussian()),
            };
        }
        return x;
    }

    private static double Laplace(Uniforms rng)
    {
        double u = rng.Next() - 0.5;
        return -Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u)) / Math.Sqrt(2); // unit variance
    }

    private static double StudentT3(Uniforms rng)
    {
        double z = rng.Gaussian();
        double chi2 = 0;
        for (int k = 0; k < 3; k++) { double g = rng.Gaussian(); chi2 += g * g; }
        return z / Math.Sqrt(chi2 / 3);
    }

    /// <summary>Uniform doubles in (0, 1) from consecutive Philox words.</summary>
    private sealed class Uniforms(ulong seed, uint stream)
    {
        private long _index;

        public double Next()
        {
            ulong hi = Philox4x32.Word(seed, stream, _index++), lo = Philox4x32.Word(seed, stream, _index++);
            return ((((hi << 21) | (lo >> 11)) & ((1UL << 53) - 1)) + 0.5) / 9007199254740992.0;
        }

        public double Gaussian() => Math.Sqrt(-2 * Math.Log(Next())) * Math.Cos(2 * Math.PI * Next());
    }
}
