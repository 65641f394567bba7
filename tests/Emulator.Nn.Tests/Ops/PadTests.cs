namespace Emulator.Nn.Tests.Ops;

public class PadTests
{
    [Fact]
    public void PadsTheLastDimensionsInPyTorchOrder()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var y = Functional.Pad(x, [1, 2]);
        Assert.Equal([2, 6], y.ShapeArray);
        Assert.Equal([0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0], y.ToArray());
        var z = Functional.Pad(x, [0, 1, 1, 0], -1f); // (left, right) of the last dim, then (top, bottom)
        Assert.Equal([3, 4], z.ShapeArray);
        Assert.Equal([-1, -1, -1, -1, 1, 2, 3, -1, 4, 5, 6, -1], z.ToArray());
        var crop = Functional.Pad(x, [-1, 1, 0, -1]);
        Assert.Equal([1, 3], crop.ShapeArray);
        Assert.Equal([2, 3, 0], crop.ToArray());
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 2 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 0, 2, 1, 0, 1 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { -1, 2, 1, -2 })]
    [InlineData(new[] { 1, 1, 1, 1 }, new[] { 1, 1, 1, 1 })]
    public void GradientIsTheCroppedGradient(int[] shape, int[] pad)
    {
        var x = GradCheck.Random(1, shape);
        GradCheck.Check(t => Functional.Pad(t[0], pad, 0.5f), [x]);
    }

    [Fact]
    public void BadPadListsAreNamed()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("even", Assert.Throws<ArgumentException>(() => Functional.Pad(x, [1])).Message);
        Assert.Contains("at most 2", Assert.Throws<ArgumentException>(() => Functional.Pad(x, [1, 1, 1, 1, 1, 1])).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Functional.Pad(x, [-2, -2])).Message);
    }
}
