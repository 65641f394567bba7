using Emulator.Nn.Numerics;

namespace Emulator.Nn.Tests.Numerics;

public class DoubleMathTests
{
    private static readonly float[] Specials =
    [
        0f, -0f, 1f, -1f, 0.70710677f, -0.70710677f, 1e-5f, -1e-5f, 1e-30f, -3e-39f, 15.556349f, -15.556349f, 20f, -20f, 88f, -88f,
        -103f, 100f, 1e30f, -1e30f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3f, -3f, 6f, 0.5f, -0.25f,
        7.75f, -7.75f, 1.4142135f, -1.4142135f, 2.5f, -2.5f, 40f, -40f, 1e-4f,
    ];

    [Fact]
    public void ExpAndTanhMatchTheRuntimeInDouble()
    {
        for (double x = -707; x <= 708; x += 0.37)
        {
            double want = Math.Exp(x), got = DoubleMath.Exp(new D1(x)).V;
            Assert.True(Math.Abs(got - want) <= 1e-14 * want, $"exp({x}): {got:R} vs {want:R}");
        }
        Assert.Equal(double.PositiveInfinity, DoubleMath.Exp(new D1(710)).V);
        Assert.Equal(0.0, DoubleMath.Exp(new D1(-709)).V);
        Assert.Equal(1.0, DoubleMath.Exp(new D1(0)).V);
        Assert.True(double.IsNaN(DoubleMath.Exp(new D1(double.NaN)).V));
        for (double x = -30; x <= 30; x += 0.0173)
        {
            double want = Math.Tanh(x), got = DoubleMath.Tanh(new D1(x)).V;
            Assert.True(Math.Abs(got - want) <= 1e-12 * Math.Abs(want), $"tanh({x}): {got:R} vs {want:R}");
        }
        Assert.Equal(1e-5 * (1 - 1e-10 / 3), DoubleMath.Tanh(new D1(1e-5)).V, 1e-20);
    }

    [Fact]
    public void VectorLanesGiveTheScalarLanesBits()
    {
        // the specials followed by a spread of values: vector bodies and scalar tails on every instruction set
        var x = Specials.Concat(Enumerable.Range(0, 61).Select(i => (i - 30) * 0.61f)).ToArray();
        var t = Tensor.FromArray(x, x.Length).Keep();
        using var _ = DisposeScope.Begin();
        var gelu = Functional.Gelu(t).ToArray();
        var sigmoid = Functional.Sigmoid(t).ToArray();
        var tanh = Functional.Tanh(t).ToArray();
        var exp = new float[x.Length];
        DoubleMap.Apply<ExpKernel>(x, exp);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            Same((float)(v * Gaussian.Cdf(v)), gelu[i], v);
            Same((float)DoubleMath.Sigmoid(new D1(v)).V, sigmoid[i], v);
            Same((float)DoubleMath.Tanh(new D1(v)).V, tanh[i], v);
            Same((float)DoubleMath.Exp(new D1(v)).V, exp[i], v);
        }
    }

    private static void Same(float want, float got, double x) =>
        Assert.True(BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(got) || (float.IsNaN(want) && float.IsNaN(got)),
            $"at x = {x:R}: {got:R} vs {want:R}");
}
