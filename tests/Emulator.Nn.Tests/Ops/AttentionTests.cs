namespace Emulator.Nn.Tests.Ops;

public class AttentionTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MatchesLoopsAndFiniteDifferences(bool causal, bool mask)
    {
        var q = GradCheck.Random(1, 2, 2, 3, 4);
        var k = GradCheck.Random(2, 2, 2, 5, 4);
        var v = GradCheck.Random(3, 2, 2, 5, 3);
        var m = mask ? MaskTensor(3, 5) : null;
        GradCheck.Check(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], m, causal), [q, k, v]);
        using var _ = DisposeScope.Begin();
        var y = Functional.ScaledDotProductAttention(q, k, v, m, causal);
        Assert.Equal([2, 2, 3, 3], y.ShapeArray);
        var want = Reference(q, k, v, m, causal, 1 / Math.Sqrt(4));
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], y.Data[i], 1e-5);
    }

    [Fact]
    public void CustomScaleAndSingleKey()
    {
        var q = GradCheck.Random(4, 1, 2, 3);
        var k = GradCheck.Random(5, 1, 1, 3);
        var v = GradCheck.Random(6, 1, 1, 2);
        GradCheck.Check(t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], scale: 0.3f, isCausal: true), [q, k, v]);
        using var _ = DisposeScope.Begin();
        var y = Functional.ScaledDotProductAttention(q, k, v, scale: 0.3f);
        // one key: every query returns its value
        Assert.Equal(new[] { v.Data[0], v.Data[1], v.Data[0], v.Data[1] }, y.ToArray());
        var want = Reference(GradCheck.Random(7, 1, 4, 3), GradCheck.Random(8, 1, 4, 3), GradCheck.Random(9, 1, 4, 2), null, true, 0.3);
        var got = Functional.ScaledDotProductAttention(GradCheck.Random(7, 1, 4, 3), GradCheck.Random(8, 1, 4, 3), GradCheck.Random(9, 1, 4, 2), isCausal: true, scale: 0.3f);
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got.Data[i], 1e-5);
    }

    [Fact]
    public void CausalOutputsIgnoreLaterKeys()
    {
        var q = GradCheck.Random(10, 1, 4, 2);
        var k = GradCheck.Random(11, 1, 4, 2);
        var v = GradCheck.Random(12, 1, 4, 2);
        using var _ = DisposeScope.Begin();
        var before = Functional.ScaledDotProductAttention(q, k, v, isCausal: true).ToArray();
        var k2 = k.Copy(); var v2 = v.Copy();
        k2.Data[7] += 5; v2.Data[6] -= 3; // the last key and value
        var after = Functional.ScaledDotProductAttention(q, k2, v2, isCausal: true).ToArray();
        Assert.Equal(before[..6], after[..6]);
        Assert.NotEqual(before[6..], after[6..]);
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndShapes()
    {
        var q = GradCheck.Random(13, 2, 3, 4);
        var ex = Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, GradCheck.Random(14, 2, 3, 5), q));
        Assert.Contains("scaled_dot_product_attention", ex.Message);
        Assert.Contains("[2, 3, 5]", ex.Message);
        Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, q, q, MaskTensor(3, 3), isCausal: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.ScaledDotProductAttention(q, q, q, scale: -1f));
    }

    /// <summary>An additive [L, S] mask with −∞ at a few places (never a whole row).</summary>
    private static Tensor MaskTensor(int l, int s)
    {
        var m = Tensor.Persistent(l, s);
        for (int i = 0; i < l; i++)
            for (int j = 0; j < s; j++) m.Data[i * s + j] = (i + 2 * j) % 4 == 1 ? float.NegativeInfinity : 0.1f * j;
        return m;
    }

    /// <summary>softmax(q kᵀ·scale + mask) v in double, batch by batch.</summary>
    internal static double[] Reference(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal, double scale)
    {
        int l = q.Size(-2), e = q.Size(-1), s = k.Size(-2), ev = v.Size(-1), batch = q.Numel / (l * e);
        var y = new double[batch * l * ev];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < l; i++)
            {
                var w = new double[s];
                for (int j = 0; j < s; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < e; c++) dot += (double)q.Data[(b * l + i) * e + c] * k.Data[(b * s + j) * e + c];
                    w[j] = dot * scale + (mask is null ? 0 : mask.Data[i * s + j]);
                    if (causal && j > i) w[j] = double.NegativeInfinity;
                }
                double max = w.Max(), sum = w.Sum(a => Math.Exp(a - max));
                for (int c = 0; c < ev; c++)
                    y[(b * l + i) * ev + c] = Enumerable.Range(0, s).Sum(j => Math.Exp(w[j] - max) / sum * v.Data[(b * s + j) * ev + c]);
            }
        return y;
    }
}
