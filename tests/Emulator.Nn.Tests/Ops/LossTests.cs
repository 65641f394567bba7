using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Ops;

public class LossTests
{
    public static TheoryData<int[], float, int, LossReduction> Cases => new()
    {
        { new[] { 4, 5 }, 0f, -100, LossReduction.Mean },
        { new[] { 4, 5 }, 0.1f, -100, LossReduction.Mean },
        { new[] { 4, 5 }, 0.2f, 2, LossReduction.Mean },
        { new[] { 4, 5 }, 0.1f, -100, LossReduction.Sum },
        { new[] { 4, 5 }, 0.1f, 3, LossReduction.None },
        { new[] { 2, 3, 2 }, 0.3f, -100, LossReduction.Mean },
        { new[] { 2, 3, 2 }, 0f, 1, LossReduction.None },
        { new[] { 7 }, 0.1f, -100, LossReduction.Mean },
        { new[] { 1, 1 }, 0.5f, -100, LossReduction.Sum },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CrossEntropyMatchesAReferenceAndFiniteDifferences(int[] shape, float eps, int ignore, LossReduction reduction)
    {
        var x = GradCheck.Random(1, shape);
        int classes = shape.Length == 1 ? shape[0] : shape[1];
        int rows = x.Numel / classes;
        var target = Enumerable.Range(0, rows).Select(i => (i * 7 + 1) % classes).ToArray();
        if (ignore >= 0) target[0] = ignore;
        GradCheck.Check(t => Functional.CrossEntropy(t[0], target, reduction, eps, ignore), [x]);

        using var _ = DisposeScope.Begin();
        var y = Functional.CrossEntropy(x, target, reduction, eps, ignore).ToArray();
        var want = Reference(x.ToArray(), shape, target, eps, ignore, reduction);
        Assert.Equal(want.Length, y.Length);
        for (int i = 0; i < y.Length; i++) Assert.Equal(want[i], y[i], 2e-6 * Math.Max(1, Math.Abs(want[i])));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    public void UniformLogitsGiveLogC(int classes)
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.Full(3.5f, 8, classes);
        var target = Enumerable.Range(0, 8).Select(i => i * 37 % classes).ToArray();
        Assert.Equal(Math.Log(classes), Functional.CrossEntropy(x, target).Item(), 1e-5);
        Assert.Equal(Math.Log(classes), Functional.CrossEntropy(x, target, labelSmoothing: 0.4f).Item(), 1e-5);
    }

    [Fact]
    public void GradientIsSoftmaxMinusSmoothedTargetOverCount()
    {
        var x = GradCheck.Random(2, 3, 4);
        int[] target = [1, -100, 3];
        using var _ = DisposeScope.Begin();
        x.Grad = null;
        Functional.CrossEntropy(x, target, labelSmoothing: 0.2f).Backward();
        var (p, _) = SoftmaxTests.Reference(x.ToArray(), [3, 4], 1);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
            {
                double want = target[r] < 0 ? 0 : (p[r * 4 + c] - 0.2 / 4 - (c == target[r] ? 0.8 : 0)) / 2;
                Assert.Equal(want, x.Grad!.Data[r * 4 + c], 1e-6);
            }
    }

    [Fact]
    public void AllTargetsIgnoredGiveNaNAsPyTorch()
    {
        using var _ = DisposeScope.Begin();
        Assert.True(float.IsNaN(Functional.CrossEntropy(Tensor.Zeros(2, 3), [-100, -100]).Item()));
    }

    [Fact]
    public void BadTargetsAreNamed()
    {
        var x = GradCheck.Random(3, 2, 10);
        var ex = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(x, [1, 10]));
        Assert.Contains("target[1] = 10", ex.Message);
        Assert.Contains("0..9", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(x, [1, 2, 3]));
        Assert.Contains("[2, 10]", ex.Message);
        Assert.Contains("3", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => Functional.CrossEntropy(x, [1, 2], labelSmoothing: 1.5f));
        Assert.ThrowsAny<ArgumentException>(() => new CrossEntropyLoss(labelSmoothing: -0.1f));
    }

    [Fact]
    public void MseMatchesAReferenceAndFiniteDifferences()
    {
        var a = GradCheck.Random(4, 3, 5);
        var b = GradCheck.Random(5, 3, 5);
        foreach (var r in new[] { LossReduction.Mean, LossReduction.Sum, LossReduction.None })
            GradCheck.Check(t => Functional.MseLoss(t[0], t[1], r), [a, b]);
        using var _ = DisposeScope.Begin();
        double sum = a.ToArray().Zip(b.ToArray(), (p, q) => (double)(p - q) * (p - q)).Sum();
        Assert.Equal(sum / 15, new MSELoss().Forward(a, b).Item(), 1e-5);
        Assert.Equal(sum, new MSELoss(LossReduction.Sum).Forward(a, b).Item(), 1e-4);
        var ex = Assert.Throws<ArgumentException>(() => Functional.MseLoss(a, Tensor.Zeros(5, 3)));
        Assert.Contains("[3, 5]", ex.Message);
        Assert.Contains("[5, 3]", ex.Message);
    }

    [Fact]
    public void LossObjectsForwardTheirOptions()
    {
        var x = GradCheck.Random(6, 4, 6);
        int[] target = [0, 5, 2, 2];
        using var _ = DisposeScope.Begin();
        var loss = new CrossEntropyLoss(LossReduction.Sum, 0.1f, 2);
        Assert.Equal(Functional.CrossEntropy(x, target, LossReduction.Sum, 0.1f, 2).Item(), loss.Forward(x, target).Item());
    }

    /// <summary>PyTorch's definition in double: per row (1 − ε)·nll + ε/C·Σ −log p; mean over the rows not ignored.</summary>
    private static double[] Reference(float[] x, int[] shape, int[] target, float eps, int ignore, LossReduction reduction)
    {
        int classes = shape.Length == 1 ? shape[0] : shape[1];
        var xs = shape.Length == 1 ? [1, classes] : shape;
        var (_, logp) = SoftmaxTests.Reference(x, xs, 1);
        int inner = xs[2..].Aggregate(1, (a, b) => a * b);
        var rows = new double[target.Length];
        int count = 0;
        for (int r = 0; r < target.Length; r++)
        {
            if (target[r] == ignore) continue;
            count++;
            int o = r / inner, j = r % inner;
            double smooth = 0;
            for (int c = 0; c < classes; c++) smooth -= logp[(o * classes + c) * inner + j];
            rows[r] = -(1 - eps) * logp[(o * classes + target[r]) * inner + j] + eps / classes * smooth;
        }
        return reduction switch
        {
            LossReduction.None => rows,
            LossReduction.Sum => [rows.Sum()],
            _ => [rows.Sum() / count],
        };
    }
}
