using Emulator.Formats;

namespace Emulator.Quantization.Tests;

/// <summary>Seeded test data from Philox words.</summary>
internal static class TestData
{
    public static double Unit(ulong seed, long i) => (Philox4x32.Word(seed, 9, i) + 0.5) / 4294967296.0;

    public static float[] Gaussian(int n, ulong seed, float std = 1f)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(std * Math.Sqrt(-2 * Math.Log(Unit(seed, 2L * i))) * Math.Cos(2 * Math.PI * Unit(seed, 2L * i + 1)));
        return x;
    }

    public static float[] Laplace(int n, ulong seed, float b = 1f)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = Unit(seed, i) - 0.5;
            x[i] = (float)(-b * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u)));
        }
        return x;
    }

    public static float[] Uniform(int n, ulong seed, float a = 1f)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((2 * Unit(seed, i) - 1) * a);
        return x;
    }
}
