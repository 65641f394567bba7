using Emulator.Formats;
using Emulator.Nn;

namespace Emulator.Quantization.Tests;

public class FakeQuantizeTests
{
    private static readonly FormatRegistry R = FormatRegistry.Default;

    private static Tensor Leaf(float[] values, params int[] shape)
    {
        var t = Tensor.Persistent(shape);
        values.CopyTo(t.Data);
        t.RequiresGrad = true;
        return t;
    }

    [Theory]
    [InlineData("int4")]
    [InlineData("e2m1")]
    public void SteMasksClippedElements(string format)
    {
        var q = new TensorQuantizer(R.Get(format));
        q.Calibrate([-1f, 1f], [2]);
        var x = Leaf([-2f, -0.5f, 0.3f, 0.99f, 1.5f], 5);
        using var _ = DisposeScope.Begin();
        var y = FakeQuantize.Apply(x, q);
        y.Backward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f], 5));
        Assert.Equal([0f, 2f, 3f, 4f, 0f], x.Grad!.ToArray());
        // the forward is the quantizer's
        var expected = new float[5];
        q.Quantize(x.Data, [5], expected);
        Assert.Equal(expected, y.ToArray());
    }

    [Theory]
    [InlineData("int4", "tensor")]
    [InlineData("int4", "channel-1")]
    [InlineData("e2m1", "channel")]
    [InlineData("e3m2", "group-4")]
    public void LsqScaleGradientMatchesTheClosedForm(string format, string granularity)
    {
        int[] shape = [3, 8];
        var xs = TestData.Gaussian(24, 21, 1.5f);
        var q = new TensorQuantizer(R.Get(format), Granularity.Parse(granularity));
        q.Calibrate(TestData.Gaussian(24, 22, 0.8f), shape); // a narrower range, so some elements clip
        q.EnableLearning();
        var x = Leaf(xs, shape);
        var g = TestData.Gaussian(24, 23);
        using var _ = DisposeScope.Begin();
        var y = FakeQuantize.Apply(x, q);
        y.Backward(Tensor.FromArray(g, shape));
        var layout = new SliceLayout(shape, q.Granularity);
        var s = q.Scale!.ToArray();
        var expected = new double[s.Length];
        for (int r = 0; r < layout.Runs; r++)
        {
            var (start, len, slice) = layout.Run(r);
            for (int i = start; i < start + len; i++)
            {
                double v = xs[i] / s[slice], qv = y.Data[i] / s[slice];
                bool inside = v >= -q.Qn && v <= q.Qp;
                expected[slice] += g[i] * (inside ? qv - v : qv);      // LSQ: Q(v) − v inside, Q(v) at the ends
            }
        }
        for (int k = 0; k < s.Length; k++)
        {
            double scaleG = 1 / Math.Sqrt(layout.SliceSize * q.Qp);
            Assert.Equal(expected[k] * scaleG, q.Scale.Grad!.Data[k], 1e-4);
        }
        Assert.Contains(x.Grad!.ToArray(), v => v == 0f); // some clipped
    }

    [Fact]
    public void LsqPlusOffsetGradientCountsClippedElements()
    {
        var q = new TensorQuantizer(R.Get("uint8"), symmetric: false);
        q.Calibrate([0f, 1f], [2]);
        q.EnableLearning(learnOffset: true);
        var x = Leaf([-0.5f, 0.2f, 0.7f, 1.4f, 2f], 5);
        using var _ = DisposeScope.Begin();
        var y = FakeQuantize.Apply(x, q);
        y.Backward(Tensor.FromArray([1f, 10f, 100f, 1000f, 10000f], 5));
        double gs = 1 / Math.Sqrt(5 * q.Qp);
        // x = -0.5 is below the range, 1.4 and 2 above: dβ = (1 + 1000 + 10000)·g
        Assert.Equal(11001 * gs, q.Offset!.Grad!.Data[0], 1e-3);
        Assert.Equal([0f, 10f, 100f, 0f, 0f], x.Grad!.ToArray());
        // the learned offset reproduces the zero-point grid at initialisation
        var affine = new TensorQuantizer(R.Get("uint8"), symmetric: false);
        affine.Calibrate([0f, 1f], [2]);
        var ya = new float[5];
        affine.Quantize(x.Data, [5], ya);
        for (int i = 0; i < 5; i++) Assert.Equal(ya[i], y.Data[i], 1e-6);
    }

    [Fact]
    public void SteIsTheGradientOfTheExpectedLossUnderStochasticRounding()
    {
        // E[s·Q_SR(x/s)] = x inside the grid: d/dx of the mean over many seeds is 1 inside, 0 outside.
        var xs = new float[] { -3.3f, -0.37f, 0.71f, 1.234f, 5.1f };
        double h = 0.05;
        int seeds = 4000;
        for (int i = 0; i < xs.Length; i++)
        {
            double mp = 0, mm = 0;
            for (int seed = 0; seed < seeds; seed++)
            {
                var q = new TensorQuantizer(R.Get("int4"), rounding: new RoundingOptions(RoundingMode.Stochastic) { Seed = (ulong)seed });
                q.SetScales([0.5f]);
                var y = new float[1];
                q.Quantize([(float)(xs[i] + h)], [1], y); mp += y[0];
                q.Quantize([(float)(xs[i] - h)], [1], y); mm += y[0];
            }
            double num = (mp - mm) / seeds / (2 * h);
            double ste = xs[i] >= -4 && xs[i] <= 3.5 ? 1 : 0;
            Assert.True(Math.Abs(num - ste) < 0.15, $"x = {xs[i]}: d E[y]/dx = {num}, STE says {ste}");
        }
    }

    [Fact]
    public void BlockFormatsPassGradientsThrough()
    {
        var q = new TensorQuantizer(R.Get("mxfp4"));
        var x = Leaf(TestData.Gaussian(64, 31), 2, 32);
        using var _ = DisposeScope.Begin();
        FakeQuantize.Apply(x, q).Backward(Tensor.Ones(2, 32));
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(1f, v));
    }
}
