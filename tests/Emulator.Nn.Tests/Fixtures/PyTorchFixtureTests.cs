using System.Globalization;
using Emulator.Nn.IO;
using Emulator.Nn.Modules;
using Emulator.Nn.Optim;
using Emulator.Nn.Tests.Optim;

namespace Emulator.Nn.Tests.Fixtures;

/// <summary>Weights, optimizer steps, schedules and clipping against values PyTorch 1.13 computed (make_fixture.py).</summary>
public class PyTorchFixtureTests
{
    [Fact]
    public void LinearNetLoadedFromPyTorchGivesItsLogits()
    {
        var net = new Sequential(new Linear(12, 16, seed: 1), new Linear(16, 5, seed: 2));
        var keys = net.LoadStateDict(Fixture.PathOf("linear_model.safetensors"));
        Assert.Empty(keys.MissingKeys);
        using var io = SafeTensorsFile.Open(Fixture.PathOf("linear_io.safetensors"));
        using (DisposeScope.Begin())
        {
            var logits = net.Forward(Fixture.Read(io, "input"));
            Fixture.AssertClose(Fixture.Read(io, "logits").Data, logits.Data, 1e-5, 1e-6, "logits");
        }
        // a model of another shape is refused with both shapes named
        var wrong = new Sequential(new Linear(12, 16), new Linear(16, 6));
        var ex = Assert.Throws<InvalidDataException>(() => wrong.LoadStateDict(Fixture.PathOf("linear_model.safetensors")));
        Assert.Contains("'1.weight'", ex.Message);
        Assert.Contains("[5, 16]", ex.Message);
        Assert.Contains("[6, 16]", ex.Message);
    }

    public static TheoryData<string> OptimizerNames => new()
    {
        "sgd_plain", "sgd_momentum_wd", "sgd_dampening", "sgd_nesterov", "adam", "adam_wd_amsgrad", "adamw", "adamw_amsgrad",
    };

    private static Optimizer Make(string name, Tensor p) => name switch
    {
        "sgd_plain" => new Sgd([p], lr: 0.1),
        "sgd_momentum_wd" => new Sgd([p], lr: 0.05, momentum: 0.9, weightDecay: 5e-4),
        "sgd_dampening" => new Sgd([p], lr: 0.05, momentum: 0.9, dampening: 0.1),
        "sgd_nesterov" => new Sgd([p], lr: 0.02, momentum: 0.8, weightDecay: 1e-2, nesterov: true),
        "adam" => new Adam([p], lr: 3e-3, beta1: 0.85, beta2: 0.99, eps: 1e-6),
        "adam_wd_amsgrad" => new Adam([p], lr: 3e-3, weightDecay: 1e-2, amsgrad: true),
        "adamw" => new AdamW([p], lr: 1e-2, weightDecay: 0.1),
        "adamw_amsgrad" => new AdamW([p], lr: 1e-2, beta1: 0.8, beta2: 0.95, amsgrad: true),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void OptimizerStepsFollowPyTorch(string name)
    {
        using var f = SafeTensorsFile.Open(Fixture.PathOf("optim_trace.safetensors"));
        var p = Fixture.Read(f, "param");
        p.RequiresGrad = true;
        var opt = Make(name, p);
        for (int s = 0; s < 5; s++)
        {
            p.Grad = Fixture.Read(f, $"grad.{s}");
            opt.Step();
            // PyTorch's vectorized add-with-alpha fuses a multiply-add; ours rounds each operation: a few ulps apart
            Fixture.AssertClose(Fixture.Read(f, $"{name}.{s}").Data, p.Data, 2e-6, 1e-7, $"{name} step {s}");
        }
    }

    [Theory]
    [InlineData("step")]
    [InlineData("cosine")]
    [InlineData("linear")]
    [InlineData("warmup_cosine")]
    public void SchedulesFollowPyTorch(string name)
    {
        using var f = SafeTensorsFile.Open(Fixture.PathOf("optim_trace.safetensors"));
        var expected = f.Metadata[$"lr.{name}"].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var opt = new Sgd([OptimizerTests.Param(1, 1)], lr: 0.1);
        LrScheduler s = name switch
        {
            "step" => new StepLR(opt, 3, 0.5),
            "cosine" => new CosineAnnealingLR(opt, 10, 0.001),
            "linear" => new LinearLR(opt, startFactor: 0.25, totalIters: 4),
            _ => new SequentialLR(opt, [new LinearLR(opt, startFactor: 0.1, totalIters: 3), new CosineAnnealingLR(opt, 9)], [3]),
        };
        for (int i = 0; i < expected.Length; i++)
        {
            // PyTorch's chainable forms round differently from the closed forms: equal to ~1e-15 relative
            Assert.True(Math.Abs(opt.LearningRate - expected[i]) <= 1e-12 * expected[i], $"{name} step {i}: {opt.LearningRate:R} vs PyTorch {expected[i]:R}");
            s.Step();
        }
    }

    [Theory]
    [InlineData("2", 2f)]
    [InlineData("inf", float.PositiveInfinity)]
    public void ClipGradNormFollowsPyTorch(string tag, float normType)
    {
        using var f = SafeTensorsFile.Open(Fixture.PathOf("optim_trace.safetensors"));
        var ps = Enumerable.Range(0, 3).Select(i =>
        {
            var g = Fixture.Read(f, $"clip.{tag}.before.{i}");
            var p = Tensor.Persistent(g.ShapeArray);
            p.Grad = g;
            return p;
        }).ToArray();
        float total = GradientClipping.ClipGradNorm(ps, 1.5f, normType);
        Fixture.AssertClose(Fixture.Read(f, $"clip.{tag}.total").Data, [total], 1e-6, 0, "total norm");
        for (int i = 0; i < 3; i++) Fixture.AssertClose(Fixture.Read(f, $"clip.{tag}.after.{i}").Data, ps[i].Grad!.Data, 2e-6, 1e-7, $"clipped grad {i}");
    }
}
