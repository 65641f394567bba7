using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The one call behind <c>emu matmul</c>: C = A * B for row-major float32 A (m x k) and B (k x n) under
/// <see cref="GemmOptions"/> (input formats, accumulator, order, output format, threads).
/// </summary>
public static class EmulatedMatMul
{
    /// <summary>Returns C (m x n, row-major).</summary>
    public static float[] Multiply(float[] a, float[] b, int m, int k, int n, GemmOptions options)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(options);
        GemmChecks.Dimensions(m, n, k);
        if (a.Length != (long)m * k) throw new ArgumentException($"a has length {a.Length}; it must be m*k = {(long)m * k}", nameof(a));
        if (b.Length != (long)k * n) throw new ArgumentException($"b has length {b.Length}; it must be k*n = {(long)k * n}", nameof(b));
        options.Validate();
        if (options.Quire) return MultiplyWithQuire(a, b, m, k, n, options);
        float[] aq = Quantize(a, options.AFormat, options.InputRounding, "aFormat");
        float[] bq = Quantize(b, options.BFormat, options.InputRounding with { Stream = options.InputRounding.Stream + 1 }, "bFormat");
        var c = new float[(long)m * n];
        LowPrecisionAdder? adder = options.CreateAdder();
        if (adder is null) Sgemm.Multiply(aq, bq, c, m, n, k, options.Threads);
        else EmulatedAccumulatorGemm.MultiplyArrays(aq, bq, c, m, n, k, adder, options.Order ?? AccumulationOrder.Sequential, options.Threads);
        if (options.OutputFormat is { } output)
            for (int i = 0; i < c.Length; i++) c[i] = (float)output.Quantize(c[i], options.OutputRounding, i);
        return c;
    }

    private static float[] MultiplyWithQuire(float[] a, float[] b, int m, int k, int n, GemmOptions options)
    {
        var posit = (PositFormat)options.AFormat!;
        var ac = new uint[a.Length];
        var bc = new uint[b.Length];
        for (int i = 0; i < a.Length; i++) ac[i] = posit.Encode(a[i], options.InputRounding, i);
        RoundingOptions bRounding = options.InputRounding with { Stream = options.InputRounding.Stream + 1 };
        for (int i = 0; i < b.Length; i++) bc[i] = posit.Encode(b[i], bRounding, i);
        var cc = new uint[(long)m * n];
        PositGemm.Multiply(posit, ac, bc, cc, m, k, n, options.Threads);
        var c = new float[cc.Length];
        for (int i = 0; i < c.Length; i++) c[i] = (float)posit.Decode(cc[i]);
        return c;
    }

    /// <summary>Element-wise quantization to a format whose values must be float32 values (so products stay exact).</summary>
    private static float[] Quantize(float[] x, ScalarFormat? format, in RoundingOptions rounding, string parameter)
    {
        if (format is null) return x;
        if (format.Bits <= 16) LowPrecisionGemm.DecodeTable(format, parameter); // rejects formats with non-float32 values up front
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = format.Quantize((double)x[i], rounding, i);
            if (double.IsFinite(v) && (double)(float)v != v)
                throw new ArgumentException($"format '{format.Name}' gives value {v:R}, which is not a float32 value; choose a format whose values are float32 values", parameter);
            y[i] = (float)v;
        }
        return y;
    }
}
