namespace Emulator.Formats.Tests.Blocks;

/// <summary>Reproducible random tensors for block properties (the seed comes from FsCheck).</summary>
internal static class TensorSamples
{
    /// <summary>Finite float32 values with a mix of magnitudes, exact ties, zeros of both signs and (when
    /// <paramref name="extremes"/>) float32 subnormals and values near FLT_MAX.</summary>
    public static float[] Finite(Random rng, int n, int minExponent = -60, int maxExponent = 60, bool extremes = true)
    {
        var x = new float[n];
        int baseExp = rng.Next(minExponent, maxExponent + 1);
        for (int i = 0; i < n; i++)
        {
            int kind = rng.Next(20);
            float v = kind switch
            {
                0 => 0f,
                1 => -0f,
                2 => (rng.Next(1, 64) + 0.5f) * MathF.ScaleB(1f, Math.Clamp(baseExp - 6, -100, 100)), // a tie at some precision
                3 when extremes => BitConverter.UInt32BitsToSingle((uint)rng.Next(1, 0x0080_0000)), // float32 subnormal
                4 when extremes => float.MaxValue * (float)(0.5 + rng.NextDouble() / 2),
                _ => (float)(Gaussian(rng) * Math.ScaleB(1.0, Math.Clamp(baseExp + rng.Next(-8, 3), -126, 120))),
            };
            x[i] = rng.Next(2) == 0 ? v : -v;
        }
        return x;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>A rounding mode (every mode of section 1) with a seed for the stochastic ones.</summary>
    public static RoundingOptions Options(Random rng)
    {
        var modes = Enum.GetValues<RoundingMode>();
        var mode = modes[rng.Next(modes.Length)];
        return new RoundingOptions(mode) { Seed = (ulong)rng.NextInt64(), Stream = (uint)rng.Next(), StochasticBits = rng.Next(1, 33) };
    }

    /// <summary>The block presets of the registry.</summary>
    public static IEnumerable<BlockFormat> BlockPresets() => FormatRegistry.Default.All.OfType<BlockFormat>();

    /// <summary>A shape with <paramref name="n"/> elements suited to the format (rank 2 for tiles).</summary>
    public static int[] Shape(BlockFormat f, Random rng, int maxRows, int maxCols)
    {
        int cols = rng.Next(1, maxCols + 1);
        if (f.BlockRows == 1 && rng.Next(2) == 0) return [cols];
        return [rng.Next(1, maxRows + 1), cols];
    }
}
