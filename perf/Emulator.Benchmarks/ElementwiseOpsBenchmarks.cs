using BenchmarkDotNet.Attributes;
using Emulator.Nn;

namespace Emulator.Benchmarks;

/// <summary>
/// The Nn ops that run in every training step, at FashionCnn / small-transformer sizes, one and two threads. The baseline
/// copies the [128, 16, 28, 28] activation (memory bandwidth), so the Ratio column of ReLU reads as "times a copy".
/// Each call runs inside a <see cref="DisposeScope"/> (as a training step does), so buffers return to the pool; the
/// inputs are leaves whose gradients stay allocated and accumulate (as parameters' do between ZeroGrad calls), so the
/// backward timings include the engine's seed copy and the accumulation pass.
/// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*ElementwiseOpsBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class ElementwiseOpsBenchmarks
{
    private Tensor _act = null!, _actGrad = null!, _logits = null!, _rows = null!, _tokens = null!, _gamma = null!, _beta = null!;
    private readonly int[] _targets = new int[128];
    private float[] _copy = [];

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Seeded inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        NnSettings.Threads = Threads;
        var rng = new Random(1);
        Tensor Random(bool grad, params int[] shape)
        {
            var t = Tensor.Persistent(shape);
            foreach (ref float v in t.Data) v = (float)(rng.NextDouble() * 4 - 2);
            t.RequiresGrad = grad;
            return t;
        }
        _act = Random(true, 128, 16, 28, 28);
        _actGrad = Random(false, 128, 16, 28, 28);
        _logits = Random(true, 128, 10);
        _rows = Random(true, 128, 1000);
        _tokens = Random(true, 128 * 64, 256);
        _gamma = Random(true, 256);
        _beta = Random(true, 256);
        for (int i = 0; i < _targets.Length; i++) _targets[i] = rng.Next(10);
        _copy = new float[_act.Numel];
    }

    /// <summary>A plain copy of the activation (the memory-bound floor).</summary>
    [Benchmark(Baseline = true)]
    public void CopyActivation() => _act.Data.CopyTo(_copy);

    /// <summary>ReLU forward on [128, 16, 28, 28].</summary>
    [Benchmark]
    public void ReluForward()
    {
        using var _ = DisposeScope.Begin();
        Functional.Relu(_act);
    }

    /// <summary>ReLU forward and backward (the mask) on [128, 16, 28, 28].</summary>
    [Benchmark]
    public void ReluForwardBackward()
    {
        using var _ = DisposeScope.Begin();
        Functional.Relu(_act).Backward(_actGrad);
    }

    /// <summary>Exact (erf) GELU forward and backward on 1.6M elements (a ViT MLP's size).</summary>
    [Benchmark]
    public void GeluForwardBackward()
    {
        using var _ = DisposeScope.Begin();
        Functional.Gelu(_act).Backward(_actGrad);
    }

    /// <summary>Cross-entropy forward and backward on [128, 10] logits.</summary>
    [Benchmark]
    public void CrossEntropy128x10()
    {
        using var _ = DisposeScope.Begin();
        Functional.CrossEntropy(_logits, _targets, labelSmoothing: 0.1f).Backward();
    }

    /// <summary>Softmax forward and backward over rows of [128, 1000].</summary>
    [Benchmark]
    public void Softmax128x1000()
    {
        using var _ = DisposeScope.Begin();
        var y = Functional.Softmax(_rows, -1);
        y.Backward(y);
    }

    /// <summary>Layer norm forward and backward on [8192, 256] tokens.</summary>
    [Benchmark]
    public void LayerNorm8192x256()
    {
        using var _ = DisposeScope.Begin();
        var y = Functional.LayerNorm(_tokens, [256], _gamma, _beta);
        y.Backward(y);
    }
}
