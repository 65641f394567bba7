using Emulator.Nn;
using Emulator.Nn.Autograd;
using Emulator.Nn.Modules;

namespace Emulator.Quantization;

/// <summary>One layer of a <see cref="QuantSim"/>: its name, the module, and its weight and input quantizers (null: float32).</summary>
public sealed class QuantSimLayer(string name, Module module, TensorQuantizer? weights, TensorQuantizer? inputs)
{
    /// <summary>The PyTorch-style module name.</summary>
    public string Name { get; } = name;

    /// <summary>The layer (Linear, Conv2d, ...).</summary>
    public Module Module { get; } = module;

    /// <summary>The weight quantizer.</summary>
    public TensorQuantizer? Weights { get; } = weights;

    /// <summary>The quantizer of the layer's input.</summary>
    public TensorQuantizer? Inputs { get; } = inputs;

    /// <summary>The weight as the quantizer sees it: [out, everything else] (blocks and groups run along the GEMM reduction).</summary>
    public int[] WeightShape
    {
        get
        {
            var w = ((IWeightLayer)Module).Weight;
            return [w.Size(0), w.Numel / w.Size(0)];
        }
    }
}

/// <summary>
/// Quantization simulation (AIMET's QuantSim): a model with quantizers attached to every weight layer (weights per channel
/// by default, inputs per tensor), through the modules' parameter hook and forward pre-hook, so the model runs as it
/// would on quantized hardware while staying float32 underneath. Typical use: <c>Prepare</c>, <c>Calibrate</c> on a few
/// hundred inputs (activation ranges are frozen), then evaluate, run PTQ algorithms, or train (QAT).
/// </summary>
public sealed class QuantSim : IDisposable
{
    private readonly List<QuantSimLayer> _layers = [];
    private readonly List<(Module Module, Func<Module, Tensor, Tensor> Hook)> _preHooks = [];
    private bool _calibrating;
    private long _step;

    private QuantSim(Module model, QuantConfig config)
    {
        Model = model;
        Config = config;
    }

    /// <summary>The model (its modules carry the hooks until <see cref="Dispose"/>).</summary>
    public Module Model { get; }

    /// <summary>The configuration it was prepared with.</summary>
    public QuantConfig Config { get; }

    /// <summary>The quantized layers, in module order.</summary>
    public IReadOnlyList<QuantSimLayer> Layers => _layers;

    /// <summary>Attaches quantizers to every weight layer of <paramref name="model"/>; weight scales are computed now from the
    /// current weights (with the spec's estimator) and frozen. Stochastic rounding streams are keyed by layer index.</summary>
    public static QuantSim Prepare(Module model, QuantConfig config, ulong seed = 0)
    {
        var sim = new QuantSim(model, config);
        uint stream = 0;
        foreach (var (name, module) in model.NamedModules())
        {
            if (module is not IWeightLayer wl) continue;
            var wq = config.WeightsFor(name)?.Create(Granularity.PerChannel(0), seed, stream++);
            var aq = config.ActivationsFor(name)?.Create(Granularity.PerTensor, seed, stream++);
            var layer = new QuantSimLayer(name, module, wq, aq);
            sim._layers.Add(layer);
            if (wq is not null)
            {
                if (wq.HasScale) wq.Calibrate(wl.Weight.Data, layer.WeightShape);
                var shape = layer.WeightShape;
                module.ParameterHook = (pname, p) => pname == "weight" ? FakeQuantize.Apply(p, wq, shape, sim.NextOffset(p.Numel)) : p;
            }
            if (aq is not null)
            {
                Func<Module, Tensor, Tensor> hook = (_, x) => sim.QuantizeInput(aq, x);
                module.ForwardPreHooks.Add(hook);
                sim._preHooks.Add((module, hook));
            }
        }
        return sim;
    }

    /// <summary>
    /// Runs the batches through the model in eval mode without gradients, observing every input quantizer (inputs pass
    /// through unquantized while observed), then freezes the activation ranges.
    /// </summary>
    public void Calibrate(IEnumerable<Tensor> batches)
    {
        bool wasTraining = Model.Training;
        Model.Eval();
        _calibrating = true;
        try
        {
            foreach (var x in batches)
            {
                using var scope = DisposeScope.Begin();
                using var _ = GradMode.NoGrad();
                Model.Call(x);
            }
        }
        finally
        {
            _calibrating = false;
            Model.Train(wasTraining);
        }
        foreach (var l in _layers)
            if (l.Inputs is { HasScale: true, IsFrozen: false } q) q.Freeze();
    }

    /// <summary>Recomputes the weight scales from the current weights (after a PTQ algorithm changed them).</summary>
    public void RecalibrateWeights()
    {
        foreach (var l in _layers)
            if (l.Weights is { HasScale: true } q && q.Scale is not { RequiresGrad: true })
                q.Calibrate(((IWeightLayer)l.Module).Weight.Data, l.WeightShape);
    }

    /// <summary>Runs the simulated model.</summary>
    public Tensor Forward(Tensor x) => Model.Call(x);

    /// <summary>Bits per weight over all quantized layers (scales included; float layers count 32).</summary>
    public double BitsPerParameter()
    {
        double bits = 0; long count = 0;
        foreach (var l in _layers)
        {
            var w = ((IWeightLayer)l.Module).Weight;
            bits += (l.Weights?.BitsPerValue(l.WeightShape) ?? 32.0) * w.Numel;
            count += w.Numel;
        }
        return count == 0 ? 32 : bits / count;
    }

    /// <summary>Removes every hook: the model is plain float32 again.</summary>
    public void Dispose()
    {
        foreach (var l in _layers) l.Module.ParameterHook = null;
        foreach (var (m, h) in _preHooks) m.ForwardPreHooks.Remove(h);
        _preHooks.Clear();
    }

    private Tensor QuantizeInput(TensorQuantizer q, Tensor x)
    {
        if (_calibrating)
        {
            if (q.HasScale) q.Observe(x.Data, x.Shape);
            return x;
        }
        return FakeQuantize.Apply(x, q, indexOffset: NextOffset(x.Numel));
    }

    /// <summary>Stochastic-rounding index offsets advance per use, so every step draws fresh words (deterministically).</summary>
    private long NextOffset(int numel)
    {
        long o = _step;
        _step += numel;
        return o;
    }
}
