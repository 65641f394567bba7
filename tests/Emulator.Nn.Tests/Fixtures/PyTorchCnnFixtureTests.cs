// TODO(lead): compiled once Conv2d, BatchNorm2d, MaxPool2d (branch cnn) and ReLU, Flatten (branch ops) are merged
// (checked on a scratch merge of train + cnn 75157d3 + ops 10e674b: passes, logits within 2e-8 of PyTorch's);
// delete this #if and its #endif when merging them with branch train.
using Emulator.Nn.IO;
using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Fixtures;

/// <summary>A net with FashionCnn's layer layout and PyTorch names (narrower), weights and batch-norm statistics made by
/// PyTorch, run in eval mode against PyTorch's logits (make_fixture.py).</summary>
public class PyTorchCnnFixtureTests
{
    private static Sequential Net() => new(
        new Conv2d(1, 4, 5, padding: 2), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 8, 5, padding: 2), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(8 * 7 * 7, 32), new ReLU(), new Linear(32, 10));

    [Fact]
    public void CnnLoadedFromPyTorchGivesItsLogitsInEvalMode()
    {
        var net = Net();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
            "4.weight", "4.bias", "5.weight", "5.bias", "5.running_mean", "5.running_var", "5.num_batches_tracked",
            "9.weight", "9.bias", "11.weight", "11.bias"], net.StateDict().Select(e => e.Name));
        net.LoadStateDict(Fixture.PathOf("cnn_model.safetensors"));
        Assert.Equal(123f, net.StateDict().Single(e => e.Name == "5.num_batches_tracked").Tensor.Item());
        net.Eval();
        using var io = SafeTensorsFile.Open(Fixture.PathOf("cnn_io.safetensors"));
        using (DisposeScope.Begin())
        {
            var logits = net.Forward(Fixture.Read(io, "input"));
            Assert.Equal([3, 10], logits.ShapeArray);
            Fixture.AssertClose(Fixture.Read(io, "logits").Data, logits.Data, 1e-5, 1e-6, "logits");
        }
    }
}
