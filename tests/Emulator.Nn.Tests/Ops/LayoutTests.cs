namespace Emulator.Nn.Tests.Ops;

public class LayoutTests
{
    public static TheoryData<int[], int[]> Permutations => new()
    {
        { new[] { 2, 3 }, new[] { 1, 0 } },
        { new[] { 2, 3, 4 }, new[] { 2, 0, 1 } },
        { new[] { 2, 3, 4, 5 }, new[] { 0, 2, 1, 3 } },
        { new[] { 2, 1, 4 }, new[] { 1, 2, 0 } },
        { new[] { 3, 4 }, new[] { 0, 1 } },
        { new[] { 1, 1 }, new[] { 1, 0 } },
    };

    [Theory]
    [MemberData(nameof(Permutations))]
    public void PermuteMovesEveryElementAndPassesGradients(int[] shape, int[] perm)
    {
        var x = GradCheck.Random(1, shape);
        GradCheck.Check(t => Functional.Permute(t[0], perm), [x]);
        using var _ = DisposeScope.Begin();
        var y = x.Permute(perm);
        var inStrides = Emulator.Nn.Numerics.ShapeMath.Strides(shape);
        var outShape = y.ShapeArray;
        Assert.Equal(perm.Select(p => shape[p]), outShape);
        var index = new int[shape.Length];
        for (int k = 0; k < y.Numel; k++)
        {
            int rem = k, src = 0;
            for (int d = outShape.Length - 1; d >= 0; d--) { src += rem % outShape[d] * inStrides[perm[d]]; rem /= outShape[d]; }
            Assert.Equal(x.Data[src], y.Data[k]);
        }
    }

    [Fact]
    public void TransposeSwapsTwoDims()
    {
        var x = GradCheck.Random(2, 2, 3, 4);
        GradCheck.Check(t => t[0].Transpose(0, -1), [x]);
        using var _ = DisposeScope.Begin();
        var y = x.Transpose(-1, 1);
        Assert.Equal([2, 4, 3], y.ShapeArray);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 4; c++)
                    Assert.Equal(x.Data[(a * 3 + b) * 4 + c], y.Data[(a * 4 + c) * 3 + b]);
    }

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(1, 0, 3)]
    [InlineData(-1, 2, 1)]
    [InlineData(1, -2, 2)]
    [InlineData(2, 0, 0)]
    public void NarrowCopiesTheRangeAndPassesGradients(int dim, int start, int length)
    {
        var x = GradCheck.Random(3, 3, 4, 5);
        GradCheck.Check(t => t[0].Narrow(dim, start, length), [x]);
        using var _ = DisposeScope.Begin();
        var y = x.Narrow(dim, start, length);
        int axis = dim < 0 ? dim + 3 : dim, s = start < 0 ? start + x.Size(axis) : start;
        var shape = y.ShapeArray;
        for (int i = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++)
                for (int k = 0; k < shape[2]; k++)
                {
                    int[] src = [i, j, k];
                    src[axis] += s;
                    Assert.Equal(x.Data[(src[0] * 4 + src[1]) * 5 + src[2]], y.Data[(i * shape[1] + j) * shape[2] + k]);
                }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void CatJoinsAlongADimAndSplitsGradients(int dim)
    {
        int[] sa = [2, 3, 2], sb = [2, 3, 2];
        int axis = dim < 0 ? dim + 3 : dim;
        sb[axis] = 1;
        int[] sc = (int[])sa.Clone();
        sc[axis] = 4;
        var a = GradCheck.Random(4, sa); var b = GradCheck.Random(5, sb); var c = GradCheck.Random(6, sc);
        GradCheck.Check(t => Functional.Cat(t, dim), [a, b, c]);
        using var _ = DisposeScope.Begin();
        var y = Functional.Cat([a, b, c], dim);
        // narrowing the result back gives each input
        Assert.Equal(a.ToArray(), y.Narrow(dim, 0, sa[axis]).ToArray());
        Assert.Equal(b.ToArray(), y.Narrow(dim, sa[axis], 1).ToArray());
        Assert.Equal(c.ToArray(), y.Narrow(dim, sa[axis] + 1, 4).ToArray());
    }

    [Fact]
    public void EmptyTensorsKeepTheirShapes()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.Zeros(0, 3);
        Assert.Equal([3, 0], x.Transpose(0, 1).ShapeArray);
        Assert.Equal([0, 1], x.Narrow(1, 2, 1).ShapeArray);
        Assert.Equal([2, 3], Functional.Cat([x, Tensor.Ones(2, 3)]).ShapeArray);
    }

    [Fact]
    public void ErrorsNameTheOpAndShapes()
    {
        var x = GradCheck.Random(7, 2, 3);
        var ex = Assert.Throws<ArgumentException>(() => Functional.Cat([x, Tensor.Zeros(3, 3)], 1));
        Assert.Contains("cat", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => x.Permute(0));
        Assert.Contains("permute", ex.Message);
        Assert.Throws<ArgumentException>(() => x.Permute(0, 0));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 2, 2));
        Assert.Contains("narrow", range.Message);
        Assert.Contains("[2, 3]", range.Message);
        Assert.ThrowsAny<ArgumentException>(() => x.Transpose(0, 2));
    }
}
