using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Modules;

public class ConvModulesTests
{
    [Fact]
    public void Conv2dHasPyTorchDefaultInitAndNames()
    {
        var conv = new Conv2d(4, 6, (3, 5), stride: 2, padding: (1, 2), groups: 2, seed: 3);
        Assert.Equal([6, 2, 3, 5], conv.Weight.ShapeArray);
        Assert.Equal([6], conv.Bias!.ShapeArray);
        float bound = 1f / MathF.Sqrt(2 * 3 * 5);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Weight.ToArray().Max() > 0.8f * bound && conv.Weight.ToArray().Min() < -0.8f * bound);
        Assert.Equal(["weight", "bias"], conv.NamedParameters().Select(p => p.Name));
        Assert.Equal(conv.Weight.ToArray(), new Conv2d(4, 6, (3, 5), stride: 2, padding: (1, 2), groups: 2, seed: 3).Weight.ToArray());
        Assert.NotEqual(conv.Weight.ToArray(), new Conv2d(4, 6, (3, 5), stride: 2, padding: (1, 2), groups: 2, seed: 4).Weight.ToArray());
        Assert.Null(new Conv2d(1, 1, 1, bias: false).Bias);

        using var _ = DisposeScope.Begin();
        var x = GradCheck.Random(1, 2, 4, 7, 9);
        Assert.Equal(Functional.Conv2d(x, conv.Weight, conv.Bias, 2, (1, 2), 1, 2).ToArray(), conv.Forward(x).ToArray());
        Assert.Equal([2, 6, 4, 5], conv.Forward(x).ShapeArray);
    }

    [Fact]
    public void BadConstructorArgumentsAreNamed()
    {
        Assert.Contains("groups", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 4, 3, groups: 2)).Message);
        Assert.Contains("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 4, (3, 0))).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: -1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1f));
    }

    [Fact]
    public void FashionCnnFeaturesRunForwardAndBackwardWithPyTorchNames()
    {
        var features = new Sequential(
            new Conv2d(1, 16, 5, padding: 2, seed: 1), new BatchNorm2d(16), new MaxPool2d(2),
            new Conv2d(16, 32, 5, padding: 2, seed: 2), new BatchNorm2d(32), new MaxPool2d(2),
            new AvgPool2d(3, stride: 1, padding: 1), new AdaptiveAvgPool2d(1), new Dropout(0.2f, seed: 3));
        Assert.Equal(
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
             "3.weight", "3.bias", "4.weight", "4.bias", "4.running_mean", "4.running_var", "4.num_batches_tracked"],
            features.StateDict().Select(e => e.Name));
        var x = GradCheck.Random(2, 3, 1, 28, 28);
        x.RequiresGrad = false;
        using var _ = DisposeScope.Begin();
        var y = features.Forward(x);
        Assert.Equal([3, 32, 1, 1], y.ShapeArray);
        y.Backward(Tensor.Ones(y.ShapeArray));
        Assert.All(features.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.All(features.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.True(float.IsFinite(v))));
    }
}
