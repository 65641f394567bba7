using Emulator.Nn.Models;

namespace Emulator.Nn.Tests.Models;

public class ZooTests
{
    [Theory]
    [InlineData("fashion-cnn")]
    [InlineData("mlp")]
    [InlineData("resnet8")]
    [InlineData("mobilenet")]
    [InlineData("vit-tiny")]
    public void EveryModelTrainsOneStepOnFashionShapes(string name)
    {
        var model = Emulator.Nn.Models.Zoo.Create(name, new[] { 1, 28, 28 }, 10, seed: 3);
        using var _ = DisposeScope.Begin();
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * 784).Select(i => MathF.Sin(i * 0.37f)).ToArray(), 2, 1, 28, 28);
        var logits = model.Call(x);
        Assert.Equal([2, 10], logits.ShapeArray);
        Functional.CrossEntropy(logits, [3, 7]).Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void FashionCnnHasPyTorchNames()
    {
        var names = FashionCnn.Create().StateDict().Select(e => e.Name).ToArray();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
            "4.weight", "4.bias", "5.weight", "5.bias", "5.running_mean", "5.running_var", "5.num_batches_tracked",
            "9.weight", "9.bias", "11.weight", "11.bias"], names);
        var resnet = new ResNet(8).StateDict().Select(e => e.Name).ToArray();
        Assert.Contains("layer2.0.downsample.0.weight", resnet);
        Assert.Contains("fc.weight", resnet);
        Assert.Contains("blocks.1.self_attn.in_proj_weight", new VitTiny().StateDict().Select(e => e.Name));
    }
}
