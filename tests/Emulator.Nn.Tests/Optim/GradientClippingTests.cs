using Emulator.Nn.Optim;

namespace Emulator.Nn.Tests.Optim;

public class GradientClippingTests
{
    private static Tensor[] WithGrads(params int[] sizes)
    {
        var ps = sizes.Select((n, i) => OptimizerTests.Param((ulong)i, n)).ToArray();
        foreach (var (i, p) in ps.Index()) OptimizerTests.SetGrad(p, (ulong)i, 0);
        return ps;
    }

    private static double Norm(IEnumerable<Tensor> ps, double p) =>
        double.IsPositiveInfinity(p) ? ps.SelectMany(t => t.Grad!.ToArray()).Max(x => Math.Abs((double)x))
        : Math.Pow(ps.SelectMany(t => t.Grad!.ToArray()).Sum(x => Math.Pow(Math.Abs((double)x), p)), 1 / p);

    [Theory]
    [InlineData(2f)]
    [InlineData(1f)]
    [InlineData(3f)]
    [InlineData(float.PositiveInfinity)]
    public void ScalesTheTotalNormDownToMaxNorm(float p)
    {
        var ps = WithGrads(37, 5, 100);
        double before = Norm(ps, p);
        var g0 = ps.Select(t => t.Grad!.ToArray()).ToArray();
        float total = GradientClipping.ClipGradNorm(ps, 1.5f, p);
        Assert.Equal(before, total, before * 1e-5);
        Assert.Equal(1.5, Norm(ps, p), 1e-4);
        float coef = 1.5f / (total + 1e-6f);
        for (int k = 0; k < ps.Length; k++)
            for (int i = 0; i < g0[k].Length; i++) Assert.Equal(g0[k][i] * coef, ps[k].Grad!.Data[i]);
    }

    [Fact]
    public void LeavesSmallGradientsAlone()
    {
        var ps = WithGrads(10, 3);
        var g0 = ps.Select(t => t.Grad!.ToArray()).ToArray();
        float total = GradientClipping.ClipGradNorm(ps, 1000f);
        Assert.Equal(Norm(ps, 2), total, 1e-4);
        for (int k = 0; k < ps.Length; k++) Assert.Equal(g0[k], ps[k].Grad!.ToArray());
    }

    [Fact]
    public void TheNormIsTakenInParameterOrderFromPerParameterNorms()
    {
        var ps = WithGrads(50, 7, 19);
        float expected = 0;
        foreach (var t in ps)
        {
            float n = MathF.Sqrt(Emulator.Nn.Numerics.DeterministicSum.SumOfSquares(t.Grad!.Data));
            expected += n * n;
        }
        Assert.Equal(MathF.Sqrt(expected), GradientClipping.ClipGradNorm(ps, 1e9f));
    }

    [Fact]
    public void SkipsParametersWithoutGradientsAndNonFiniteNormsCanThrow()
    {
        var ps = WithGrads(4, 4);
        ps[1].Grad = null;
        Assert.Equal(Norm([ps[0]], 2), GradientClipping.ClipGradNorm(ps.AsEnumerable(), 100f), 1e-5);
        Assert.Equal(0f, GradientClipping.ClipGradNorm([OptimizerTests.Param(1, 2)], 1f));
        ps[0].Grad!.Data[2] = float.NaN;
        var ex = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm(ps, 1f, errorIfNonfinite: true));
        Assert.Contains("NaN", ex.Message);
        Assert.True(float.IsNaN(GradientClipping.ClipGradNorm(ps, 1f)));
        Assert.True(float.IsNaN(ps[0].Grad!.Data[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, 1f, 0.5f));
    }
}
