using Emulator.Formats;
using Emulator.Nn;
using Emulator.Nn.Modules;

namespace Emulator.Quantization.Tests;

public class QuantSimTests
{
    private static Tensor Input(int n, int f, ulong seed)
    {
        var t = Tensor.Persistent(n, f);
        TestData.Gaussian(n * f, seed).CopyTo(t.Data);
        return t;
    }

    [Fact]
    public void SimulatedForwardEqualsQuantizingByHand()
    {
        var net = new Sequential(new Linear(12, 8, seed: 1), new Linear(8, 3, seed: 2));
        var calib = Input(16, 12, 3);
        using var sim = QuantSim.Prepare(net, QuantConfig.Parse("weights: int4@channel:mse, activations: int8@tensor"));
        sim.Calibrate([calib]);
        var x = Input(5, 12, 4);
        using var _ = DisposeScope.Begin();
        var y = sim.Forward(x).ToArray();

        // by hand: y = L2(Qa2(L1(Qa1(x), Qw1(W1))), Qw2(W2))
        Tensor Layer(QuantSimLayer l, Tensor input)
        {
            var lin = (Linear)l.Module;
            var xq = new float[input.Numel];
            l.Inputs!.Quantize(input.Data, input.Shape, xq);
            var wq = new float[lin.Weight.Numel];
            l.Weights!.Quantize(lin.Weight.Data, l.WeightShape, wq);
            return Functional.Linear(Tensor.FromArray(xq, input.ShapeArray), Tensor.FromArray(wq, lin.Weight.ShapeArray), lin.Bias);
        }
        var h = Layer(sim.Layers[0], x);
        var expected = Layer(sim.Layers[1], h).ToArray();
        Assert.Equal(expected, y);
        Assert.Equal(["0", "1"], sim.Layers.Select(l => l.Name));
        Assert.Equal((96 * 4 + 8 * 32 + 24 * 4 + 3 * 32) / 120.0, sim.BitsPerParameter(), 12); // per-channel float32 scales included
    }

    [Fact]
    public void OverridesPickLayersByPatternAndDisposeRemovesTheHooks()
    {
        var net = new Sequential(new Linear(4, 4, seed: 1), new Linear(4, 4, seed: 2), new Linear(4, 2, seed: 3));
        var config = QuantConfig.Parse("""
            { "weights": "int4@channel", "activations": null,
              "overrides": [ { "layers": "0,2", "weights": "int8@channel" }, { "layers": "1", "activations": "e4m3" } ] }
            """);
        var sim = QuantSim.Prepare(net, config);
        Assert.Equal(["int8", "int4", "int8"], sim.Layers.Select(l => l.Weights!.Format.Name));
        Assert.Equal([false, true, false], sim.Layers.Select(l => l.Inputs is not null));
        var x = Input(3, 4, 5);
        float[] quantized, plain;
        using (DisposeScope.Begin()) { sim.Calibrate([x]); quantized = sim.Forward(x).ToArray(); }
        sim.Dispose();
        using (DisposeScope.Begin()) plain = net.Call(x).ToArray();
        Assert.NotEqual(quantized, plain);
        using (DisposeScope.Begin()) Assert.Equal(plain, net.Forward(x).ToArray());
        var round = QuantConfig.Parse(config.ToJson());
        Assert.Equal(config.WeightsFor("1"), round.WeightsFor("1"));
        Assert.Equal(config.ActivationsFor("1"), round.ActivationsFor("1"));
    }

    [Fact]
    public void LsqTrainsTheScaleThroughTheSimulation()
    {
        var net = new Sequential(new Linear(6, 2, seed: 1));
        using var sim = QuantSim.Prepare(net, QuantConfig.Parse("weights: int4@tensor"));
        sim.Layers[0].Weights!.EnableLearning();
        var x = Input(4, 6, 6);
        using var _ = DisposeScope.Begin();
        var y = sim.Forward(x);
        y.Backward(Tensor.Ones(4, 2));
        Assert.NotNull(sim.Layers[0].Weights!.Scale!.Grad);
        Assert.NotNull(((Linear)sim.Layers[0].Module).Weight.Grad);
    }

    [Fact]
    public void BadSpecsNameThePart()
    {
        Assert.Contains("granularity 'rows'", Assert.ThrowsAny<ArgumentException>(() => QuantSpec.Parse("int4@rows")).Message);
        Assert.Contains("option 'fast'", Assert.ThrowsAny<ArgumentException>(() => QuantSpec.Parse("int4/fast")).Message);
        Assert.Contains("$.overrides[0].layers", Assert.ThrowsAny<ArgumentException>(() => QuantConfig.Parse("""{ "overrides": [ { "weights": "int8" } ] }""")).Message);
        Assert.ThrowsAny<Exception>(() => QuantSpec.Parse("int99x"));
    }
}
