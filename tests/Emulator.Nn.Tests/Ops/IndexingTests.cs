using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Ops;

public class IndexingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void IndexSelectGathersSlicesAndAccumulatesRepeats(int dim)
    {
        var x = GradCheck.Random(1, 4, 3, 2);
        int axis = dim < 0 ? dim + 3 : dim;
        int[] idx = axis == 0 ? [2, 0, 2, 3, 2] : axis == 1 ? [1, 1, 0] : [1, 0, 1];
        GradCheck.Check(t => Functional.IndexSelect(t[0], dim, idx), [x]);
        using var _ = DisposeScope.Begin();
        var y = Functional.IndexSelect(x, dim, idx);
        var shape = y.ShapeArray;
        for (int i = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++)
                for (int k = 0; k < shape[2]; k++)
                {
                    int[] src = [i, j, k];
                    src[axis] = idx[src[axis]];
                    Assert.Equal(x.Data[(src[0] * 3 + src[1]) * 2 + src[2]], y.Data[(i * shape[1] + j) * shape[2] + k]);
                }
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndSkipsThePaddingGradient()
    {
        var w = GradCheck.Random(2, 5, 3);
        int[] idx = [4, 1, 1, 0, 2, 4];
        GradCheck.Check(t => Functional.Embedding(idx, t[0]), [w]);
        using (DisposeScope.Begin())
        {
            w.Grad = null;
            var y = Functional.Embedding(idx, w, paddingIdx: -1); // row 4
            Assert.Equal([6, 3], y.ShapeArray);
            for (int i = 0; i < 6; i++)
                for (int c = 0; c < 3; c++) Assert.Equal(w.Data[idx[i] * 3 + c], y.Data[i * 3 + c]);
            y.Backward(Tensor.Ones(6, 3));
            Assert.Equal([1f, 1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0], w.Grad!.ToArray());
        }
        using (DisposeScope.Begin())
        {
            var indices = Tensor.FromArray([4f, 1f, 1f, 0f, 2f, 4f], 2, 3);
            var y = Functional.Embedding(indices, w);
            Assert.Equal([2, 3, 3], y.ShapeArray);
            Assert.Equal(Functional.Embedding(idx, w).ToArray(), y.ToArray());
        }
    }

    [Fact]
    public void EmbeddingModuleHasPyTorchNamesAndAZeroPaddingRow()
    {
        var e = new Embedding(10, 4, paddingIdx: 3, seed: 7);
        var entry = Assert.Single(e.StateDict());
        Assert.Equal("weight", entry.Name);
        Assert.Equal([10, 4], entry.Tensor.ShapeArray);
        Assert.All(e.Weight.Data.Slice(12, 4).ToArray(), v => Assert.Equal(0f, v));
        var values = e.Weight.ToArray();
        var large = new Embedding(500, 4, seed: 7).Weight.ToArray(); // N(0, 1): mean within 6 sigma (0.27), sd near 1
        double mean = large.Average(v => (double)v), sd = Math.Sqrt(large.Average(v => (double)v * v));
        Assert.InRange(mean, -0.27, 0.27);
        Assert.InRange(sd, 0.9, 1.1);
        Assert.Equal(values, new Embedding(10, 4, paddingIdx: 3, seed: 7).Weight.ToArray());
        Assert.NotEqual(values, new Embedding(10, 4, paddingIdx: 3, seed: 8).Weight.ToArray());
        using var _ = DisposeScope.Begin();
        Assert.Equal(e.Weight.Data.Slice(8, 4).ToArray(), e.Forward([2]).ToArray());
    }

    [Fact]
    public void BadIndicesAreNamed()
    {
        var w = GradCheck.Random(3, 5, 3);
        var ex = Assert.ThrowsAny<ArgumentException>(() => Functional.Embedding([1, 5], w));
        Assert.Contains("embedding", ex.Message);
        Assert.Contains("0..4", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => Functional.Embedding(Tensor.FromArray([1.5f], 1), w));
        Assert.Contains("1.5", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => Functional.IndexSelect(w, 1, [-1]));
        Assert.Contains("index_select", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => Functional.Embedding([1], w, paddingIdx: 5));
        Assert.ThrowsAny<ArgumentException>(() => Functional.Embedding([1], Tensor.Zeros(5)));
    }
}
