using BenchmarkDotNet.Attributes;
using Emulator.Nn;
using Emulator.Nn.Data;
using Emulator.Nn.Models;
using Emulator.Nn.Training;

namespace Emulator.Benchmarks;

/// <summary>
/// One training step (forward, cross-entropy, backward, SGD, cosine schedule) of a zoo model on a batch of 128 images of
/// the embedded Fashion-MNIST subset, one and two threads; MemoryDiagnoser's Allocated column is the managed allocation
/// per step. Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*TrainBenchmarks*'
/// (whole epochs side by side with PyTorch: emu bench train).
/// </summary>
[MemoryDiagnoser]
public class TrainBenchmarks
{
    private Trainer? _trainer;
    private Tensor? _x;
    private int[] _y = [];
    private int _previousThreads;

    /// <summary>The zoo model (those built in this build).</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "mlp";

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The zoo models available in this build.</summary>
    public static IEnumerable<string> Models => Zoo.Names.Where(Zoo.IsAvailable);

    /// <summary>A model, a trainer over 10^6 planned steps (the rate stays near its base) and one fixed batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _previousThreads = NnSettings.Threads;
        NnSettings.Threads = Threads;
        var data = FashionMnist.LoadEmbedded();
        var model = Zoo.Create(Model, data.Train.SampleShape, data.Train.NumClasses, seed: 1);
        _trainer = new Trainer(model, Zoo.Recipe(Model));
        _trainer.PlanSteps(1_000_000);
        var batch = data.Train.Batches(128, seed: 1).First();
        _x = batch.X;
        _y = batch.Y;
    }

    /// <summary>Restores the thread setting.</summary>
    [GlobalCleanup]
    public void Cleanup() => NnSettings.Threads = _previousThreads;

    /// <summary>One training step.</summary>
    [Benchmark]
    public float Step() => _trainer!.TrainStep(_x!, _y).Loss;
}
