using Emulator.Formats;
using Emulator.Nn.Checkpoints;
using Emulator.Nn.IO;
using Emulator.Nn.Modules;
using Emulator.Nn.Optim;
using Emulator.Nn.Tests.Modules;
using Emulator.Nn.Tests.Optim;

namespace Emulator.Nn.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private const int StepsPerEpoch = 4, Epochs = 3, Batch = 5;
    private readonly TempDirectory _temp = new("emu-checkpoint-tests-");

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    /// <summary>A run: a net, its optimizer and schedule of the given kind.</summary>
    private sealed record Run(TinyNet Net, Optimizer Opt, LrScheduler Sched);

    private static Run Make(string kind, ulong seed)
    {
        var net = new TinyNet(seed);
        Optimizer opt = kind switch
        {
            "sgd" => new Sgd(net.Parameters(), lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true),
            "adam" => new Adam(net.Parameters(), lr: 0.01, weightDecay: 1e-3, amsgrad: true),
            _ => new AdamW(net.Parameters(), lr: 0.01),
        };
        int total = StepsPerEpoch * Epochs;
        LrScheduler sched = kind == "sgd"
            ? new SequentialLR(opt, [new LinearLR(opt, 0.1, totalIters: 3), new CosineAnnealingLR(opt, total - 3)], [3])
            : new CosineAnnealingLR(opt, total, etaMin: 1e-4);
        return new Run(net, opt, sched);
    }

    /// <summary>The batch of (epoch, step): inputs and regression targets keyed by Philox.</summary>
    private static (Tensor X, float[] Target) BatchOf(TrainingPosition at)
    {
        var x = Tensor.Empty(Batch, 6);
        OptimizerTests.Fill(x.Data, (ulong)(1000 + at.Epoch), (uint)at.Step);
        var t = new float[Batch * 3];
        for (int i = 0; i < t.Length; i++) t[i] = (Philox4x32.Word(77, (uint)at.Epoch, at.Step * 64 + i) >> 8) * (2f / 16777216f) - 1f;
        return (x, t);
    }

    /// <summary>Trains from <paramref name="from"/> until <paramref name="until"/> (exclusive) with an MSE loss, clipping the
    /// gradient norm at 1.</summary>
    private static void Train(Run run, TrainingPosition from, TrainingPosition until)
    {
        var at = from;
        while (at != until)
        {
            using (DisposeScope.Begin())
            {
                var (x, target) = BatchOf(at);
                var y = run.Net.Forward(x);
                var seed = Tensor.Empty(y.ShapeArray);
                for (int i = 0; i < target.Length; i++) seed.Data[i] = 2f * (y.Data[i] - target[i]) / target.Length;
                y.Backward(seed);
            }
            GradientClipping.ClipGradNorm(run.Opt.Parameters, 1f);
            run.Opt.Step();
            run.Opt.ZeroGrad();
            run.Sched.Step();
            at = at.Step + 1 == StepsPerEpoch ? new TrainingPosition(at.Epoch + 1, 0) : at with { Step = at.Step + 1 };
        }
    }

    private static void AssertSameBits(Run a, Run b)
    {
        var x = a.Net.StateDict().ToList();
        var y = b.Net.StateDict().ToList();
        for (int i = 0; i < x.Count; i++) OptimizerTests.AssertBits(x[i].Tensor.Data, y[i].Tensor.Data);
        var sa = a.Opt.StateDict();
        var sb = b.Opt.StateDict();
        Assert.Equal(sa.State.Select(s => s.Name), sb.State.Select(s => s.Name));
        for (int i = 0; i < sa.State.Count; i++) OptimizerTests.AssertBits(sa.State[i].Tensor.Data, sb.State[i].Tensor.Data);
        Assert.Equal(sa.ParamGroups, sb.ParamGroups);
        Assert.Equal(a.Sched.StepCount, b.Sched.StepCount);
        Assert.Equal(a.Sched.LearningRate, b.Sched.LearningRate);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void ResumingGivesTheBitsOfAnUninterruptedRun(string kind)
    {
        var end = new TrainingPosition(Epochs, 0);
        var uninterrupted = Make(kind, 1);
        Train(uninterrupted, new TrainingPosition(0, 0), end);

        var first = Make(kind, 1);
        var stop = new TrainingPosition(1, 2);
        Train(first, new TrainingPosition(0, 0), stop);
        Checkpoint.Save(Dir, first.Net, stop, first.Opt, first.Sched, [0.286f], [0.353f]);

        var resumed = Make(kind, 99); // other initial weights: everything must come from the checkpoint
        var info = Checkpoint.Load(Dir, resumed.Net, resumed.Opt, resumed.Sched);
        Assert.Equal(stop, info.Position);
        Assert.Equal(6, resumed.Sched.StepCount);
        Train(resumed, info.Position, end);
        AssertSameBits(uninterrupted, resumed);

        // and the test can fail: a run resumed without the optimizer state differs
        var noState = Make(kind, 99);
        Checkpoint.Load(Dir, noState.Net);
        noState.Sched.SetStep(6);
        Train(noState, info.Position, end);
        Assert.NotEqual(uninterrupted.Net.StateDict().Skip(2).First().Tensor.ToArray(), noState.Net.StateDict().Skip(2).First().Tensor.ToArray());
    }

    [Fact]
    public void MetadataHoldsNormalizationPositionAndTheCallersStrings()
    {
        var run = Make("sgd", 1);
        Checkpoint.Save(Dir, run.Net, new TrainingPosition(2, 17), run.Opt, run.Sched, [0.4914f, 0.4822f, 0.4465f], [0.247f, 0.2435f, 0.2616f],
            new Dictionary<string, string> { ["model"] = "tiny", ["seed"] = "5" });
        Assert.Equal([Checkpoint.ModelFileName, Checkpoint.OptimizerFileName], Directory.GetFiles(Dir).Select(Path.GetFileName).Order());
        var info = Checkpoint.ReadInfo(Dir);
        Assert.Equal(new TrainingPosition(2, 17), info.Position);
        Assert.Equal([0.4914f, 0.4822f, 0.4465f], info.InputMean!);
        Assert.Equal([0.247f, 0.2435f, 0.2616f], info.InputStd!);
        Assert.Equal("tiny", info.Metadata["model"]);
        using var f = SafeTensorsFile.Open(Path.Combine(Dir, Checkpoint.ModelFileName));
        Assert.Equal("0.4914,0.4822,0.4465", f.Metadata["inputMean"]);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal("17", f.Metadata["step"]);
        using var o = SafeTensorsFile.Open(Path.Combine(Dir, Checkpoint.OptimizerFileName));
        Assert.Equal("SGD", o.Metadata["optimizer"]);
        Assert.Contains("\"nesterov\":true", o.Metadata["param_groups"]);
        Assert.Equal("SequentialLR", o.Metadata["scheduler"]);

        // a checkpoint without normalisation says so (the caller uses the data set's defaults)
        Checkpoint.Save(Dir, run.Net, default);
        Assert.Null(Checkpoint.ReadInfo(Dir).InputMean);
        Assert.False(File.Exists(Path.Combine(Dir, Checkpoint.OptimizerFileName)));
    }

    [Fact]
    public void MismatchedOrMissingFilesGiveClearErrorsAndChangeNothing()
    {
        var a = Make("adam", 1);
        Train(a, default, new TrainingPosition(0, 2));
        string other = Path.Combine(Dir, "other");
        Checkpoint.Save(Dir, a.Net, new TrainingPosition(0, 2), a.Opt, a.Sched);
        Checkpoint.Save(other, a.Net, new TrainingPosition(0, 2), a.Opt, a.Sched);
        File.Copy(Path.Combine(other, Checkpoint.OptimizerFileName), Path.Combine(Dir, Checkpoint.OptimizerFileName), overwrite: true);

        var b = Make("adam", 5);
        var before = b.Net.StateDict().Select(e => e.Tensor.ToArray()).ToList();
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(Dir, b.Net, b.Opt, b.Sched));
        Assert.Contains("different saves", ex.Message);

        var sgd = Make("sgd", 5);
        ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, sgd.Net, sgd.Opt));
        Assert.Contains("Adam", ex.Message);
        Assert.Contains("SGD", ex.Message);
        Assert.Equal(before, b.Net.StateDict().Select(e => e.Tensor.ToArray()).ToList());
        Assert.Equal(sgd.Net.StateDict().Select(e => e.Tensor.ToArray()), Make("sgd", 5).Net.StateDict().Select(e => e.Tensor.ToArray()));

        var ex2 = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, b.Net, b.Opt, new StepLR(b.Opt, 2)));
        Assert.Contains("CosineAnnealingLR", ex2.Message);

        Checkpoint.Save(other, a.Net, default);
        var ex3 = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(other, b.Net, b.Opt));
        Assert.Contains(Checkpoint.OptimizerFileName, ex3.Message);
        var ex4 = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(Path.Combine(Dir, "none"), b.Net));
        Assert.Contains("none", ex4.Message);

        Assert.Throws<ArgumentException>(() => Checkpoint.Save(Dir, a.Net, default, inputMean: [0.5f]));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(Dir, a.Net, default, metadata: new Dictionary<string, string> { ["step"] = "1" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Checkpoint.Save(Dir, a.Net, default, inputMean: [0.5f], inputStd: [0f]));
        Assert.Empty(Directory.GetFiles(Dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(Dir, ".*", SearchOption.AllDirectories)));
    }
}
