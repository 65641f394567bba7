namespace Emulator.Kernels.Tests.Gemm;

/// <summary>Random matrices and reference products shared by the GEMM tests.</summary>
internal static class GemmTestData
{
    public static float[] Floats(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return x;
    }

    /// <summary>Element (row, col) of op(X) for a row-major X with leading dimension ld.</summary>
    public static float At(float[] x, int ld, bool trans, int row, int col) => trans ? x[col * ld + row] : x[row * ld + col];
}
