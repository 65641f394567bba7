using Emulator.Nn.Optim;

namespace Emulator.Nn.Tests.Optim;

public class LrSchedulerTests
{
    private static Sgd Opt(double lr = 0.1) => new([OptimizerTests.Param(1, 3)], lr);

    private static List<double> Run(LrScheduler s, int steps)
    {
        var lrs = new List<double> { s.LearningRate };
        for (int i = 0; i < steps; i++)
        {
            s.Step();
            Assert.Equal(s.LearningRate, s.Optimizer.LearningRate);
            lrs.Add(s.LearningRate);
        }
        return lrs;
    }

    [Fact]
    public void StepLRDecaysEveryStepSize()
    {
        var lrs = Run(new StepLR(Opt(0.8), stepSize: 3, gamma: 0.5), 7);
        Assert.Equal([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2], lrs);
    }

    [Fact]
    public void CosineAnnealingFollowsTheHalfCosineToEtaMin()
    {
        var s = new CosineAnnealingLR(Opt(0.05), tMax: 8, etaMin: 0.001);
        var lrs = Run(s, 8);
        Assert.Equal(0.05, lrs[0]);
        Assert.Equal(0.001 + 0.049 * (1 + Math.Sqrt(0.5)) / 2, lrs[2], 15);
        Assert.Equal(0.001 + 0.049 / 2, lrs[4], 15);
        Assert.Equal(0.001, lrs[8], 15);
        for (int i = 1; i <= 8; i++) Assert.True(lrs[i] < lrs[i - 1]);
        // symmetric about T_max / 2
        Assert.Equal(0.051 - lrs[1], lrs[7], 15);
    }

    [Fact]
    public void LinearWarmupRampsThenHolds()
    {
        var lrs = Run(new LinearLR(Opt(0.2), startFactor: 0.25, endFactor: 1, totalIters: 3), 5);
        Assert.Equal(0.2 * 0.25, lrs[0], 15);
        Assert.Equal(0.2 * 0.5, lrs[1], 15);
        Assert.Equal(0.2 * 0.75, lrs[2], 15);
        Assert.Equal(0.2, lrs[3], 15);
        Assert.Equal(0.2, lrs[5], 15);
    }

    [Fact]
    public void WarmupThenCosineComposeSequentially()
    {
        var opt = Opt(0.1);
        var warm = new LinearLR(opt, startFactor: 0.1, totalIters: 2);
        var cos = new CosineAnnealingLR(opt, tMax: 4);
        var s = new SequentialLR(opt, [warm, cos], [2]);
        var lrs = Run(s, 6);
        Assert.Equal(0.01, lrs[0], 15);
        Assert.Equal(0.1 * 0.55, lrs[1], 15);
        // the cosine starts at its own step 0 at the milestone
        Assert.Equal(0.1, lrs[2], 15);
        Assert.Equal(0.05, lrs[4], 15);
        Assert.Equal(0.0, lrs[6], 15);
        Assert.Equal(0.1, opt.ParamGroups[0].InitialLr);
    }

    [Fact]
    public void SetStepResumesWithTheSameValues()
    {
        var a = new CosineAnnealingLR(Opt(0.3), tMax: 100, etaMin: 0.01);
        var uninterrupted = Run(a, 60);
        var b = new CosineAnnealingLR(Opt(0.3), tMax: 100, etaMin: 0.01);
        b.SetStep(37);
        Assert.Equal(37, b.StepCount);
        var resumed = Run(b, 23);
        Assert.Equal(uninterrupted.Skip(37), resumed);
    }

    [Fact]
    public void EveryGroupIsScaledFromItsOwnInitialRate()
    {
        var opt = Opt(0.1);
        opt.AddParamGroup([OptimizerTests.Param(2, 2)], lr: 0.02);
        var s = new StepLR(opt, 1, 0.5);
        s.Step();
        Assert.Equal([0.05, 0.01], s.LearningRates);
        Assert.Equal(0.01, opt.ParamGroups[1].Lr);
    }

    [Fact]
    public void TheFirstScheduleTakesTheCurrentRateAsInitial()
    {
        var opt = Opt(0.1);
        opt.LearningRate = 0.4;
        var s = new StepLR(opt, 1, 0.5);
        Assert.Equal(0.4, s.LearningRate);
        s.Step();
        Assert.Equal(0.2, opt.LearningRate);
    }

    [Fact]
    public void BadArgumentsGiveClearErrors()
    {
        var opt = Opt();
        Assert.Contains("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(opt, 0)).Message);
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(opt, 1, 1.5)).Message);
        Assert.Contains("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(opt, 0)).Message);
        Assert.Contains("eta_min", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(opt, 5, -1)).Message);
        Assert.Contains("startFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(opt, startFactor: 0)).Message);
        Assert.Contains("totalIters", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(opt, totalIters: 0)).Message);
        var a = new LinearLR(opt);
        var b = new StepLR(opt, 2);
        Assert.Contains("milestones", Assert.Throws<ArgumentException>(() => new SequentialLR(opt, [a, b], [])).Message);
        Assert.Contains("increasing", Assert.Throws<ArgumentException>(() => new SequentialLR(opt, [a, b, a], [3, 3])).Message);
        Assert.Contains("another optimizer", Assert.Throws<ArgumentException>(() => new SequentialLR(Opt(), [a], [])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SetStep(-1));
    }
}
