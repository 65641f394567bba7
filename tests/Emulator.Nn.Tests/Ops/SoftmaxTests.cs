namespace Emulator.Nn.Tests.Ops;

public class SoftmaxTests
{
    public static TheoryData<int[], int> Cases => new()
    {
        { new[] { 3, 5 }, -1 }, { new[] { 3, 5 }, 0 }, { new[] { 2, 3, 4 }, 1 }, { new[] { 2, 3, 4 }, -1 },
        { new[] { 1, 4 }, 0 }, { new[] { 4, 1 }, -1 }, { new[] { 2, 1, 3 }, 1 }, { new[] { 6 }, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(int[] shape, int dim)
    {
        var x = GradCheck.Random(1, shape);
        GradCheck.Check(t => Functional.Softmax(t[0], dim), [x]);
        GradCheck.Check(t => Functional.LogSoftmax(t[0], dim), [x]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesMatchALoopReferenceAndSumToOne(int[] shape, int dim)
    {
        var x = GradCheck.Random(2, shape);
        using var _ = DisposeScope.Begin();
        var y = Functional.Softmax(x, dim).ToArray();
        var ly = Functional.LogSoftmax(x, dim).ToArray();
        var (want, wantLog) = Reference(x.ToArray(), shape, dim < 0 ? dim + shape.Length : dim);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(want[i], y[i], 1e-6);
            Assert.Equal(wantLog[i], ly[i], 2e-6);
        }
        using (var __ = DisposeScope.Begin())
        {
            var sums = Functional.Sum(Functional.Softmax(x, dim), dim).ToArray();
            Assert.All(sums, s => Assert.Equal(1.0, s, 1e-6));
        }
    }

    [Fact]
    public void LargeLogitsStayFinite()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.FromArray([1000f, 1001f, 999f, -1000f], 1, 4);
        var y = Functional.Softmax(x, -1).ToArray();
        var e = new[] { Math.Exp(-1), 1, Math.Exp(-2), 0 };
        for (int i = 0; i < 4; i++) Assert.Equal(e[i] / e.Sum(), y[i], 1e-6);
        var ly = Functional.LogSoftmax(x, -1).ToArray();
        Assert.Equal(-1 - Math.Log(e.Sum()), ly[0], 1e-5);
        Assert.Equal(-2001 - Math.Log(e.Sum()), ly[3], 1e-3);
    }

    [Fact]
    public void BadDimIsNamed()
    {
        var x = GradCheck.Random(3, 2, 3);
        var ex = Assert.ThrowsAny<ArgumentException>(() => Functional.Softmax(x, 2));
        Assert.Contains("softmax", ex.Message);
        Assert.Contains("rank 2", ex.Message);
    }

    /// <summary>Softmax and log-softmax along an axis in double.</summary>
    internal static (double[] Softmax, double[] Log) Reference(float[] x, int[] shape, int axis)
    {
        int outer = shape[..axis].Aggregate(1, (a, b) => a * b), n = shape[axis], inner = shape[(axis + 1)..].Aggregate(1, (a, b) => a * b);
        var y = new double[x.Length]; var ly = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double m = double.NegativeInfinity, s = 0;
                for (int i = 0; i < n; i++) m = Math.Max(m, x[(o * n + i) * inner + j]);
                for (int i = 0; i < n; i++) s += Math.Exp(x[(o * n + i) * inner + j] - m);
                for (int i = 0; i < n; i++)
                {
                    int at = (o * n + i) * inner + j;
                    y[at] = Math.Exp(x[at] - m) / s;
                    ly[at] = x[at] - m - Math.Log(s);
                }
            }
        return (y, ly);
    }
}
