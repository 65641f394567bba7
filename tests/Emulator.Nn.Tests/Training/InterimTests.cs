using Emulator.Nn.Training;

namespace Emulator.Nn.Tests.Training;

// TODO(lead): delete with src/Emulator.Nn/Training/Interim.cs (the real ops and optimizer have their own tests).
public class InterimTests
{
    [Fact]
    public void CrossEntropyAndReluGradientsMatchFiniteDifferences()
    {
        var x = GradCheck.Random(3, 4, 5);
        int[] targets = [0, 4, 2, 2];
        GradCheck.Check(t => Interim.CrossEntropy(t[0], targets), [x]);
        GradCheck.Check(t => Interim.CrossEntropy(t[0], targets, 0.1f), [x]);
        GradCheck.Check(t => new Interim.ReLU().Forward(t[0]) * 2f, [x]);
    }

    [Fact]
    public void CrossEntropyValueIsLogSoftmaxAtTheTarget()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 1, 3);
        double z = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        Assert.Equal(z - 2, Interim.CrossEntropy(x, [1]).Item(), 5);
        Assert.Equal(0.9 * (z - 2) + 0.1 * (z - 2), Interim.CrossEntropy(x, [1], 0.1f).Item(), 5); // mean logit = 2
    }
}
