using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Ops;

public class NormalizationTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        { new[] { 3, 5 }, new[] { 5 } },
        { new[] { 2, 3, 4 }, new[] { 3, 4 } },
        { new[] { 2, 1, 6 }, new[] { 6 } },
        { new[] { 4, 1 }, new[] { 1 } },
        { new[] { 7 }, new[] { 7 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LayerNormMatchesAReferenceAndFiniteDifferences(int[] shape, int[] normalized)
    {
        var x = GradCheck.Random(1, shape);
        var w = GradCheck.Random(2, normalized);
        var b = GradCheck.Random(3, normalized);
        GradCheck.Check(t => Functional.LayerNorm(t[0], normalized, t[1], t[2]), [x, w, b]);
        GradCheck.Check(t => Functional.LayerNorm(t[0], normalized, eps: 0.1f), [x]);
        using var _ = DisposeScope.Begin();
        var y = Functional.LayerNorm(x, normalized, w, b).ToArray();
        int d = normalized.Aggregate(1, (p, q) => p * q);
        for (int r = 0; r < x.Numel / d; r++)
        {
            var row = x.ToArray().Skip(r * d).Take(d).Select(v => (double)v).ToArray();
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (int i = 0; i < d; i++)
                Assert.Equal((row[i] - mean) / Math.Sqrt(variance + 1e-5) * w.Data[i] + b.Data[i], y[r * d + i], 2e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RmsNormMatchesAReferenceAndFiniteDifferences(int[] shape, int[] normalized)
    {
        var x = GradCheck.Random(4, shape);
        var w = GradCheck.Random(5, normalized);
        GradCheck.Check(t => Functional.RmsNorm(t[0], normalized, t[1]), [x, w]);
        GradCheck.Check(t => Functional.RmsNorm(t[0], normalized, eps: 0.5f), [x]);
        using var _ = DisposeScope.Begin();
        var y = Functional.RmsNorm(x, normalized, w).ToArray();
        int d = normalized.Aggregate(1, (p, q) => p * q);
        for (int r = 0; r < x.Numel / d; r++)
        {
            var row = x.ToArray().Skip(r * d).Take(d).Select(v => (double)v).ToArray();
            double rms = Math.Sqrt(row.Select(v => v * v).Average() + 1.1920929e-07);
            for (int i = 0; i < d; i++) Assert.Equal(row[i] / rms * w.Data[i], y[r * d + i], 2e-5);
        }
    }

    [Fact]
    public void ModulesHavePyTorchNamesAndInitialisation()
    {
        var ln = new LayerNorm([3, 4]);
        Assert.Equal(["weight", "bias"], ln.StateDict().Select(e => e.Name));
        Assert.All(ln.Weight!.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(ln.Bias!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Empty(new LayerNorm(4, elementwiseAffine: false).StateDict());
        Assert.Equal(["weight"], new LayerNorm(4, bias: false).StateDict().Select(e => e.Name));
        var rms = new RMSNorm(4);
        Assert.Equal(["weight"], rms.StateDict().Select(e => e.Name));
        var x = GradCheck.Random(6, 2, 3, 4);
        using var _ = DisposeScope.Begin();
        Assert.Equal(Functional.LayerNorm(x, [3, 4]).ToArray(), ln.Forward(x).ToArray());
        Assert.Equal(Functional.RmsNorm(x, [4]).ToArray(), rms.Forward(x).ToArray());
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndShapes()
    {
        var x = GradCheck.Random(7, 2, 3);
        var ex = Assert.Throws<ArgumentException>(() => Functional.LayerNorm(x, [4]));
        Assert.Contains("layer_norm", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Functional.RmsNorm(x, [3], Tensor.Ones(4)));
        Assert.Contains("rms_norm", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.LayerNorm(x, [3], eps: -1f));
        Assert.Throws<ArgumentException>(() => new LayerNorm([]));
    }
}
