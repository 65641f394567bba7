namespace Emulator.Nn.Tests.Ops;

public class ReductionTests
{
    public static TheoryData<int[], int[], bool> Cases => new()
    {
        { new[] { 3, 4 }, new[] { -1 }, false },
        { new[] { 3, 4 }, new[] { 0 }, true },
        { new[] { 2, 3, 4 }, new[] { 0, 2 }, false },
        { new[] { 2, 3, 4 }, new[] { 1 }, true },
        { new[] { 2, 3, 4 }, new[] { 2, 1 }, true },
        { new[] { 2, 1, 3 }, new[] { 1 }, false },
        { new[] { 5 }, new[] { 0 }, false },
        { new[] { 2, 3 }, new int[0], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SumMeanVarMatchLoopsAndFiniteDifferences(int[] shape, int[] dims, bool keepDim)
    {
        var x = GradCheck.Random(1, shape);
        GradCheck.Check(t => t[0].Sum(dims, keepDim), [x]);
        GradCheck.Check(t => t[0].Mean(dims, keepDim), [x]);
        if (Groups(shape, dims)[0].Length > 1) GradCheck.Check(t => t[0].Var(dims, true, keepDim), [x]); // n = 1: 0/0
        GradCheck.Check(t => t[0].Var(dims, false, keepDim), [x]);

        using var _ = DisposeScope.Begin();
        var groups = Groups(shape, dims);
        var sum = x.Sum(dims, keepDim); var mean = x.Mean(dims, keepDim);
        var var1 = x.Var(dims, true, keepDim); var var0 = x.Var(dims, false, keepDim);
        Assert.Equal(ExpectedShape(shape, dims, keepDim), sum.ShapeArray);
        Assert.Equal(sum.ShapeArray, var1.ShapeArray);
        for (int o = 0; o < groups.Length; o++)
        {
            var v = groups[o].Select(i => (double)x.Data[i]).ToArray();
            double m = v.Average(), ss = v.Select(a => (a - m) * (a - m)).Sum();
            Assert.Equal(v.Sum(), sum.Data[o], 1e-5);
            Assert.Equal(m, mean.Data[o], 1e-6);
            Assert.Equal(ss / v.Length, var0.Data[o], 1e-5);
            if (v.Length > 1) Assert.Equal(ss / (v.Length - 1), var1.Data[o], 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxMatchesLoopsAndFiniteDifferences(int[] shape, int[] dims, bool keepDim)
    {
        var x = TestData.Distinct(2, shape);
        GradCheck.Check(t => t[0].Max(dims, keepDim), [x]);
        using var _ = DisposeScope.Begin();
        var y = x.Max(dims, keepDim);
        Assert.Equal(ExpectedShape(shape, dims, keepDim), y.ShapeArray);
        var groups = Groups(shape, dims);
        for (int o = 0; o < groups.Length; o++) Assert.Equal(groups[o].Max(i => x.Data[i]), y.Data[o]);
    }

    [Fact]
    public void MaxSendsTheGradientToTheFirstOfTies()
    {
        var x = Tensor.Persistent(2, 4);
        new float[] { 1, 3, 3, 0, 5, 5, 5, 5 }.CopyTo(x.Data);
        x.RequiresGrad = true;
        using (DisposeScope.Begin()) x.Max(1).Backward(Tensor.FromArray([10f, 20f], 2));
        Assert.Equal([0f, 10, 0, 0, 20, 0, 0, 0], x.Grad!.ToArray());
        x.Grad = null;
        using (DisposeScope.Begin()) x.Max().Backward();
        Assert.Equal([0f, 0, 0, 0, 1, 0, 0, 0], x.Grad!.ToArray());
        using var _ = DisposeScope.Begin();
        Assert.Equal([1f, 0], x.ArgMax(1).ToArray());
        Assert.Equal([1f, 1, 1, 1], x.ArgMax(0).ToArray());
        Assert.Equal([2, 1], x.ArgMax(1, keepDim: true).ShapeArray);
        x.Data[6] = float.NaN;
        Assert.True(float.IsNaN(x.Max().Item()));
        Assert.Equal(2f, x.ArgMax(1).Data[1]);
    }

    [Fact]
    public void AllElementReductionsAreScalars()
    {
        var x = GradCheck.Random(3, 3, 5);
        GradCheck.Check(t => t[0].Sum(), [x]);
        GradCheck.Check(t => t[0].Mean(), [x]);
        GradCheck.Check(t => t[0].Var(), [x]);
        GradCheck.Check(t => TestData.Distinct(4, 3, 5).Max() + t[0].Max(), [TestData.Distinct(5, 3, 5)]);
        using var _ = DisposeScope.Begin();
        Assert.Empty(x.Sum().ShapeArray);
        var v = x.ToArray().Select(a => (double)a).ToArray();
        Assert.Equal(v.Sum(), x.Sum().Item(), 1e-5);
        Assert.Equal(v.Average(), x.Mean().Item(), 1e-6);
        Assert.Equal(v.Max(), x.Max().Item());
        Assert.Equal(v.Select(a => (a - v.Average()) * (a - v.Average())).Sum() / 14, x.Var().Item(), 1e-5);
    }

    [Fact]
    public void SumOfAContiguousRunIsTheDeterministicSum()
    {
        var x = GradCheck.Random(6, 3, 1000);
        using var _ = DisposeScope.Begin();
        var y = x.Sum(1);
        for (int r = 0; r < 3; r++) Assert.Equal(Emulator.Nn.Numerics.DeterministicSum.Sum(x.Data.Slice(r * 1000, 1000)), y.Data[r]);
    }

    [Fact]
    public void BadDimsAreNamed()
    {
        var x = GradCheck.Random(7, 2, 3);
        var ex = Assert.Throws<ArgumentException>(() => x.Sum([1, -1]));
        Assert.Contains("sum", ex.Message);
        Assert.Contains("more than once", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => x.Mean(2));
        Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(0, 3).Max(0));
    }

    private static int[] ExpectedShape(int[] shape, int[] dims, bool keepDim)
    {
        var reduced = dims.Length == 0 ? Enumerable.Range(0, shape.Length).ToHashSet() : dims.Select(d => d < 0 ? d + shape.Length : d).ToHashSet();
        return shape.Select((s, i) => reduced.Contains(i) ? (keepDim ? 1 : -1) : s).Where(s => s >= 0).ToArray();
    }

    /// <summary>For each output (row-major), the flat input indices reduced into it.</summary>
    private static int[][] Groups(int[] shape, int[] dims)
    {
        var reduced = dims.Length == 0 ? Enumerable.Range(0, shape.Length).ToHashSet() : dims.Select(d => d < 0 ? d + shape.Length : d).ToHashSet();
        int n = shape.Aggregate(1, (a, b) => a * b);
        var map = new SortedDictionary<long, List<int>>();
        for (int i = 0; i < n; i++)
        {
            int rem = i; long key = 0, scale = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                int idx = rem % shape[d]; rem /= shape[d];
                if (!reduced.Contains(d)) { key += idx * scale; scale *= shape[d]; }
            }
            if (!map.TryGetValue(key, out var list)) map[key] = list = [];
            list.Add(i);
        }
        return map.Values.Select(l => l.ToArray()).ToArray();
    }
}
