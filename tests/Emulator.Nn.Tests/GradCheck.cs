using Emulator.Formats;

namespace Emulator.Nn.Tests;

/// <summary>
/// Checks an op's backward against central finite differences. The loss is L = Σ yᵢ·rᵢ with fixed random weights rᵢ,
/// evaluated in float64 from the float32 outputs; each input element is perturbed by ±h (h relative to its size) and the
/// numeric derivative (L(x+h) − L(x−h)) / 2h is compared with the analytic gradient of the same L.
/// </summary>
public static class GradCheck
{
    /// <summary>A tensor of N(0,1)-ish values (uniform in [-2, 2)) that requires grad.</summary>
    public static Tensor Random(ulong seed, params int[] shape)
    {
        var t = Tensor.Persistent(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (Philox4x32.Word(seed, 77, i) >> 8) * (4f / 16777216f) - 2f;
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>
    /// Asserts that the analytic gradient of every input matches finite differences within
    /// |num − ana| ≤ atol + rtol·max(|num|, |ana|).
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-2, double atol = 2e-3, double rtol = 2e-2, ulong seed = 5)
    {
        Tensor y;
        double[] r;
        foreach (var x in inputs) x.Grad = null;
        using (DisposeScope.Begin())
        {
            y = f(inputs);
            r = new double[y.Numel];
            for (int i = 0; i < r.Length; i++) r[i] = (Philox4x32.Word(seed, 3, i) >> 8) * (2.0 / 16777216.0) - 1.0;
            var seedGrad = Tensor.FromArray(r.Select(v => (float)v).ToArray(), y.ShapeArray);
            y.Backward(seedGrad);
        }
        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            if (!x.RequiresGrad) continue;
            Assert.NotNull(x.Grad);
            var ana = x.Grad!.ToArray();
            var d = x.Data;
            for (int i = 0; i < d.Length; i++)
            {
                float orig = d[i];
                float step = (float)(h * Math.Max(1.0, Math.Abs(orig)));
                d[i] = orig + step; double lp = Loss(f, inputs, r);
                d[i] = orig - step; double lm = Loss(f, inputs, r);
                d[i] = orig;
                double num = (lp - lm) / (2.0 * step);
                double tol = atol + rtol * Math.Max(Math.Abs(num), Math.Abs(ana[i]));
                Assert.True(Math.Abs(num - ana[i]) <= tol,
                    $"input {t}, element {i}: analytic {ana[i]:G6} vs numeric {num:G6} (tolerance {tol:G3})");
            }
        }
    }

    private static double Loss(Func<Tensor[], Tensor> f, Tensor[] inputs, double[] r)
    {
        using var _ = DisposeScope.Begin();
        using var __ = Autograd.GradMode.NoGrad();
        var y = f(inputs).Data;
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += y[i] * r[i];
        return s;
    }
}
