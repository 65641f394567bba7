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

    [Fact]
    public void SgdFollowsPyTorchsUpdate()
    {
        var p = Tensor.Persistent(1);
        p.Data[0] = 1f;
        p.RequiresGrad = true;
        var opt = new Interim.Sgd([p], lr: 0.1, momentum: 0.9, weightDecay: 0.01);
        p.Grad = Tensor.Persistent(1);
        p.Grad.Data[0] = 0.5f;
        opt.Step(); // d = 0.5 + 0.01 = 0.51, buf = 0.51, p = 1 - 0.051
        Assert.Equal(1f - 0.1f * 0.51f, p.Data[0]);
        float w1 = p.Data[0];
        opt.Step(); // d = 0.5 + 0.01 w1, buf = 0.9·0.51 + d
        Assert.Equal(w1 - 0.1f * (0.9f * 0.51f + (0.5f + 0.01f * w1)), p.Data[0], 6);
        Assert.Equal(0.05 * 0.5 * (1 + Math.Cos(Math.PI * 3 / 10)), Interim.CosineLr(0.05, 3, 10), 12);
    }
}
