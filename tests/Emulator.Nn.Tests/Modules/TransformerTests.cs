using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Modules;

public class TransformerTests
{
    [Fact]
    public void MultiHeadAttentionHasPyTorchNamesShapesAndInitialisation()
    {
        var mha = new MultiHeadAttention(8, 2, seed: 3);
        Assert.Equal(
            [("in_proj_weight", new[] { 24, 8 }), ("in_proj_bias", new[] { 24 }), ("out_proj.weight", new[] { 8, 8 }), ("out_proj.bias", new[] { 8 })],
            mha.StateDict().Select(e => (e.Name, e.Tensor.ShapeArray)));
        float xavier = MathF.Sqrt(6f / (8 + 24)), linear = 1f / MathF.Sqrt(8);
        Assert.All(mha.InProjWeight.ToArray(), v => Assert.InRange(v, -xavier, xavier));
        Assert.True(mha.InProjWeight.ToArray().Max(MathF.Abs) > 0.8f * xavier);
        Assert.All(mha.OutProj.Weight.ToArray(), v => Assert.InRange(v, -linear, linear));
        Assert.All(mha.InProjBias!.ToArray().Concat(mha.OutProj.Bias!.ToArray()), v => Assert.Equal(0f, v));
        Assert.Equal(2, new MultiHeadAttention(8, 2, bias: false).StateDict().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttention(8, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttention(8, 2, dropout: 0.1f));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultiHeadAttentionMatchesLoopsAndFiniteDifferences(bool causal)
    {
        var mha = new MultiHeadAttention(4, 2, seed: 5);
        Randomize(mha.InProjBias!, 1);
        Randomize(mha.OutProj.Bias!, 2);
        var x = GradCheck.Random(3, 2, 3, 4);
        GradCheck.Check(t => mha.Forward(t[0], t[0], t[0], null, causal), [x, mha.InProjWeight, mha.InProjBias!, mha.OutProj.Weight, mha.OutProj.Bias!]);
        var kv = GradCheck.Random(4, 2, 5, 4);
        if (!causal) GradCheck.Check(t => mha.Forward(t[0], t[1], t[1]), [x, kv, mha.InProjWeight, mha.InProjBias!]);

        using var _ = DisposeScope.Begin();
        var y = mha.Forward(x, x, x, null, causal);
        var want = Reference(mha, x, x, causal);
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], y.Data[i], 1e-5);
        // separate key/value tensors take the per-part projection path: the same values
        var split = mha.Forward(x, x.Copy(), x.Copy(), null, causal).ToArray();
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], split[i], 1e-5);
        var cross = mha.Forward(x, kv, kv).ToArray();
        var wantCross = Reference(mha, x, kv, false);
        for (int i = 0; i < wantCross.Length; i++) Assert.Equal(wantCross[i], cross[i], 1e-5);
        var ex = Assert.Throws<ArgumentException>(() => mha.Forward(GradCheck.Random(6, 2, 3, 5)));
        Assert.Contains("[2, 3, 5]", ex.Message);
    }

    [Fact]
    public void EncoderLayerHasPyTorchNamesInOrder()
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, seed: 1);
        Assert.Equal(
        [
            ("self_attn.in_proj_weight", new[] { 24, 8 }), ("self_attn.in_proj_bias", new[] { 24 }),
            ("self_attn.out_proj.weight", new[] { 8, 8 }), ("self_attn.out_proj.bias", new[] { 8 }),
            ("linear1.weight", new[] { 16, 8 }), ("linear1.bias", new[] { 16 }), ("linear2.weight", new[] { 8, 16 }), ("linear2.bias", new[] { 8 }),
            ("norm1.weight", new[] { 8 }), ("norm1.bias", new[] { 8 }), ("norm2.weight", new[] { 8 }), ("norm2.bias", new[] { 8 }),
        ], layer.StateDict().Select(e => (e.Name, e.Tensor.ShapeArray)));
        var same = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, seed: 1);
        var other = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, seed: 2);
        Assert.Equal(layer.Linear1.Weight.ToArray(), same.Linear1.Weight.ToArray());
        Assert.NotEqual(layer.Linear1.Weight.ToArray(), other.Linear1.Weight.ToArray());
        Assert.NotEqual(layer.SelfAttn.OutProj.Weight.ToArray()[..8], layer.Linear2.Weight.ToArray()[..8]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerEncoderLayer(8, 2, dropout: 0.1f));
        Assert.Contains("Dropout", ex.Message);
        Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(8, 2, activation: "swish"));
    }

    [Theory]
    [InlineData(false, "relu")]
    [InlineData(true, "gelu")]
    public void EncoderLayerComposesAttentionFeedForwardAndNorms(bool normFirst, string activation)
    {
        var layer = new TransformerEncoderLayer(4, 2, dimFeedforward: 6, activation: activation, normFirst: normFirst, seed: 9);
        foreach (var (_, p) in layer.NamedParameters()) Randomize(p, 11);
        var x = GradCheck.Random(7, 2, 3, 4);
        using (DisposeScope.Begin())
        {
            var y = layer.Forward(x);
            Tensor Ff(Tensor h)
            {
                var a = layer.Linear1.Forward(h);
                return layer.Linear2.Forward(activation == "gelu" ? Functional.Gelu(a) : Functional.Relu(a));
            }
            Tensor want;
            if (normFirst)
            {
                var h = x + layer.SelfAttn.Forward(layer.Norm1.Forward(x));
                want = h + Ff(layer.Norm2.Forward(h));
            }
            else
            {
                var h = layer.Norm1.Forward(x + layer.SelfAttn.Forward(x));
                want = layer.Norm2.Forward(h + Ff(h));
            }
            Assert.Equal(want.ToArray(), y.ToArray());
            Assert.NotEqual(y.ToArray(), layer.Forward(x, null, isCausal: true).ToArray());
        }
        if (activation == "gelu") // smooth everywhere: a finite-difference check through the whole block
            GradCheck.Check(t => layer.Forward(t[0], null, true), [x, .. layer.Parameters()]);
    }

    private static void Randomize(Tensor t, ulong seed)
    {
        var r = GradCheck.Random(seed, t.ShapeArray);
        for (int i = 0; i < t.Numel; i++) t.Data[i] = 0.5f * r.Data[i];
    }

    /// <summary>Multi-head attention in double from the module's parameters.</summary>
    private static double[] Reference(MultiHeadAttention mha, Tensor query, Tensor kv, bool causal)
    {
        int e = mha.EmbedDim, h = mha.NumHeads, d = e / h, b = query.Size(0), l = query.Size(1), s = kv.Size(1);
        var w = mha.InProjWeight.ToArray(); var bias = mha.InProjBias!.ToArray();
        double[] Project(Tensor x, int rows, int part)
        {
            var r = new double[b * rows * e];
            for (int n = 0; n < b * rows; n++)
                for (int o = 0; o < e; o++)
                {
                    double acc = bias[part * e + o];
                    for (int c = 0; c < e; c++) acc += (double)x.Data[n * e + c] * w[(part * e + o) * e + c];
                    r[n * e + o] = acc;
                }
            return r;
        }
        double[] q = Project(query, l, 0), k = Project(kv, s, 1), v = Project(kv, s, 2);
        var merged = new double[b * l * e];
        for (int n = 0; n < b; n++)
            for (int head = 0; head < h; head++)
                for (int i = 0; i < l; i++)
                {
                    var score = new double[s];
                    for (int j = 0; j < s; j++)
                    {
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += q[(n * l + i) * e + head * d + c] * k[(n * s + j) * e + head * d + c];
                        score[j] = causal && j > i ? double.NegativeInfinity : dot / Math.Sqrt(d);
                    }
                    double max = score.Max(), sum = score.Sum(a => Math.Exp(a - max));
                    for (int c = 0; c < d; c++)
                        merged[(n * l + i) * e + head * d + c] = Enumerable.Range(0, s).Sum(j => Math.Exp(score[j] - max) / sum * v[(n * s + j) * e + head * d + c]);
                }
        var ow = mha.OutProj.Weight.ToArray(); var ob = mha.OutProj.Bias!.ToArray();
        var y = new double[b * l * e];
        for (int n = 0; n < b * l; n++)
            for (int o = 0; o < e; o++)
            {
                double acc = ob[o];
                for (int c = 0; c < e; c++) acc += merged[n * e + c] * ow[o * e + c];
                y[n * e + o] = acc;
            }
        return y;
    }
}
