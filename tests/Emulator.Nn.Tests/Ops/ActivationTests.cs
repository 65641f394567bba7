using Emulator.Nn.Modules;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Tests.Ops;

public class ActivationTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 37 }, new[] { 2, 1, 5 }, new[] { 1 }, new[] { 3, 4 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GradientsMatchFiniteDifferences(int[] shape)
    {
        GradCheck.Check(t => Functional.Relu(t[0]), [TestData.Away(1, shape, 4f, [0f])]);
        GradCheck.Check(t => Functional.Relu6(t[0]), [TestData.Away(2, shape, 16f, [0f, 6f])]);
        GradCheck.Check(t => Functional.Hardswish(t[0]), [TestData.Away(3, shape, 10f, [-3f, 3f])]);
        var x = TestData.Away(4, shape, 8f, []);
        GradCheck.Check(t => Functional.Gelu(t[0]), [x]);
        GradCheck.Check(t => Functional.Gelu(t[0], "tanh"), [x]);
        GradCheck.Check(t => Functional.Silu(t[0]), [x]);
        GradCheck.Check(t => Functional.Sigmoid(t[0]), [x]);
        GradCheck.Check(t => Functional.Tanh(t[0]), [TestData.Away(5, shape, 4f, [])]);
    }

    [Fact]
    public void VectorizedActivationsGiveTheScalarFormulasBits()
    {
        // 37 elements: vector body plus scalar tail on every instruction set; each value must be the scalar formula's bits
        var x = TestData.Away(6, [37], 20f, [], 0f);
        x.Data[3] = -0f; x.Data[4] = 6f; x.Data[5] = -3f; x.Data[6] = 3f; x.Data[20] = 0f;
        var g = GradCheck.Random(7, 37);
        using var _ = DisposeScope.Begin();
        var relu = Functional.Relu(x); var relu6 = Functional.Relu6(x); var hs = Functional.Hardswish(x);
        relu.Backward(g);
        var gRelu = x.Grad!.ToArray(); x.Grad = null;
        relu6.Backward(g);
        var gRelu6 = x.Grad!.ToArray(); x.Grad = null;
        hs.Backward(g);
        var gHs = x.Grad!.ToArray(); x.Grad = null;
        for (int i = 0; i < 37; i++)
        {
            float v = x.Data[i], gi = g.Data[i];
            Assert.Equal(MathF.Max(v, 0f), relu.Data[i]);
            Assert.Equal(MathF.Min(MathF.Max(v, 0f), 6f), relu6.Data[i]);
            Assert.Equal(v * MathF.Min(MathF.Max(v + 3f, 0f), 6f) / 6f, hs.Data[i]);
            Assert.Equal(MathF.Max(v, 0f) > 0f ? gi : 0f, gRelu[i]);
            Assert.Equal(v > 0f && v < 6f ? gi : 0f, gRelu6[i]);
            Assert.Equal(v < -3f ? 0f : v <= 3f ? gi * (v / 3f + 0.5f) : gi, gHs[i]);
        }
    }

    [Fact]
    public void ReluPropagatesNaN()
    {
        using var _ = DisposeScope.Begin();
        var y = Functional.Relu(Tensor.FromArray(Enumerable.Repeat(float.NaN, 20).ToArray(), 20));
        Assert.All(y.ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void TranscendentalActivationsMatchDoublePrecision()
    {
        var x = TestData.Away(8, [500], 24f, [], 0f);
        using var _ = DisposeScope.Begin();
        var sig = Functional.Sigmoid(x).ToArray(); var tanh = Functional.Tanh(x).ToArray(); var silu = Functional.Silu(x).ToArray();
        var gelu = Functional.Gelu(x).ToArray(); var geluTanh = Functional.Gelu(x, "tanh").ToArray();
        for (int i = 0; i < 500; i++)
        {
            double v = x.Data[i], s = 1 / (1 + Math.Exp(-v));
            Near(s, sig[i]); Near(Math.Tanh(v), tanh[i]); Near(v * s, silu[i]);
            Near(v * 0.5 * ReferenceErfc(-v / Math.Sqrt(2)), gelu[i], 6e-8); // about half an ulp: correctly rounded on these samples
            // PyTorch's float formula: 1 + tanh(z) cancels for z << 0, so its error is absolute (a few ulps of |x|)
            Near(0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), geluTanh[i], 4e-6, 4e-7 * Math.Abs(v));
            Assert.True(Math.Abs(gelu[i] - geluTanh[i]) < 1e-3, $"gelu {gelu[i]} vs tanh form {geluTanh[i]} at {v}");
        }
    }

    [Fact]
    public void ErfcMatchesAnIndependentSeriesAndContinuedFraction()
    {
        for (double t = -6; t <= 12; t += 0.01)
        {
            double want = ReferenceErfc(t), got = Gaussian.Erfc(t);
            if (t > 11) Assert.True(got == 0 && want < 2e-54);
            else Assert.True(Math.Abs(got - want) <= 4e-12 * want, $"erfc({t}): {got:R} vs {want:R}");
        }
        Assert.Equal(1.0, Gaussian.Erfc(0));
        Assert.Equal(0.5, Gaussian.Cdf(0));
        Assert.True(double.IsNaN(Gaussian.Erfc(double.NaN)));
    }

    [Fact]
    public void ModulesAndTensorMethodsApplyTheOps()
    {
        var x = TestData.Away(9, [2, 3, 2], 8f, [0f, 6f, -3f, 3f]);
        using var _ = DisposeScope.Begin();
        (Module M, Func<Tensor, Tensor> F)[] pairs =
        [
            (new ReLU(), Functional.Relu), (new ReLU6(), Functional.Relu6), (new GELU(), t => Functional.Gelu(t)),
            (new GELU("tanh"), t => Functional.Gelu(t, "tanh")), (new SiLU(), Functional.Silu), (new Sigmoid(), Functional.Sigmoid),
            (new Tanh(), Functional.Tanh), (new Hardswish(), Functional.Hardswish), (new Identity(), t => t),
            (new Softmax(1), t => Functional.Softmax(t, 1)), (new LogSoftmax(-1), t => Functional.LogSoftmax(t, -1)),
            (new Emulator.Nn.Modules.Flatten(), t => t.Reshape(2, 6)),
        ];
        foreach (var (m, f) in pairs)
        {
            var y = m.Forward(x);
            Assert.Equal(f(x).ShapeArray, y.ShapeArray);
            Assert.Equal(f(x).ToArray(), y.ToArray());
            Assert.Empty(m.StateDict());
        }
        Assert.Equal(Functional.Relu(x).ToArray(), x.Relu().ToArray());
        Assert.Equal(Functional.Gelu(x, "tanh").ToArray(), x.Gelu("tanh").ToArray());
        Assert.Equal(Functional.Tanh(x).ToArray(), x.Tanh().ToArray());
    }

    [Fact]
    public void BadApproximationIsNamed()
    {
        var x = GradCheck.Random(10, 3);
        var ex = Assert.Throws<ArgumentException>(() => Functional.Gelu(x, "fast"));
        Assert.Contains("'fast'", ex.Message);
        Assert.Contains("gelu", ex.Message);
        Assert.Throws<ArgumentException>(() => new GELU("erf"));
    }

    private static void Near(double want, float got, double rel = 1e-6, double abs = 1e-30) =>
        Assert.True(Math.Abs(got - want) <= rel * Math.Abs(want) + abs, $"{got:R} vs {want:R}");

    /// <summary>erfc by the Taylor series of erf (|t| &lt; 1) or Laplace's continued fraction (|t| ≥ 1, 2000 terms), in double.</summary>
    internal static double ReferenceErfc(double t)
    {
        if (t < 0) return 2 - ReferenceErfc(-t);
        if (t < 1)
        {
            double sum = 0, term = t; // term = (-1)^n t^(2n+1) / n!
            for (int n = 0; n < 200 && Math.Abs(term) > 1e-300; n++)
            {
                sum += term / (2 * n + 1);
                term *= -t * t / (n + 1);
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(t) = exp(-t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + ...)))), evaluated from the tail
        double f = t;
        for (int k = 2000; k >= 1; k--) f = t + k / 2.0 / f;
        return Math.Exp(-t * t) / Math.Sqrt(Math.PI) / f;
    }
}
