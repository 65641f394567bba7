using Emulator.Formats;

namespace Emulator.Nn.Tests.Ops;

public class PoolingTests
{
    /// <summary>Input shape, kernel, stride, padding, dilation, ceil mode.</summary>
    public static TheoryData<int[], (int, int), (int, int), (int, int), (int, int), bool> MaxCases => new()
    {
        { [2, 3, 6, 8], (2, 2), (2, 2), (0, 0), (1, 1), false },   // the FashionCnn pool (fast path)
        { [2, 2, 7, 5], (2, 2), (2, 2), (0, 0), (1, 1), false },   // odd sizes: last row/column unused
        { [1, 2, 4, 21], (2, 2), (2, 2), (0, 0), (1, 1), false },  // rows of 10 outputs (vector chunks, the last overlapping)
        { [1, 2, 7, 6], (3, 3), (2, 2), (1, 1), (1, 1), false },   // overlapping windows, padding
        { [1, 2, 7, 8], (3, 2), (1, 2), (1, 1), (2, 1), false },   // dilation, non-square
        { [2, 1, 6, 7], (3, 3), (2, 2), (0, 1), (1, 1), true },    // ceil mode: partial last windows
        { [1, 1, 1, 1], (1, 1), (1, 1), (0, 0), (1, 1), false },   // size 1
        { [3, 5, 4], (2, 3), (1, 1), (1, 0), (1, 1), false },      // unbatched [C, H, W]
    };

    [Theory]
    [MemberData(nameof(MaxCases))]
    public void MaxPoolMatchesLoopsAndFiniteDifferences(int[] shape, (int, int) k, (int, int) s, (int, int) p, (int, int) d, bool ceil)
    {
        var x = Distinct(1, shape);
        Func<Tensor[], Tensor> f = t => Functional.MaxPool2d(t[0], k, s, p, d, ceil);
        GradCheck.Check(f, [x], h: 1e-3);
        using var _ = DisposeScope.Begin();
        var y = f([x]);
        var expected = Reference(x, k, s, p, d, ceil, out var outShape, max: true, includePad: true, divisor: null);
        Assert.Equal(outShape, y.ShapeArray);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i]);
    }

    /// <summary>Input shape, kernel, stride, padding, ceil mode, count_include_pad, divisor override.</summary>
    public static TheoryData<int[], (int, int), (int, int), (int, int), bool, bool, int?> AvgCases => new()
    {
        { [2, 3, 6, 8], (2, 2), (2, 2), (0, 0), false, true, null },
        { [1, 2, 7, 6], (3, 3), (2, 2), (1, 1), false, true, null },
        { [1, 2, 7, 6], (3, 3), (2, 2), (1, 1), false, false, null },
        { [2, 1, 6, 7], (3, 2), (2, 1), (1, 0), true, true, null },
        { [2, 1, 6, 7], (3, 3), (2, 2), (1, 1), true, false, null },
        { [1, 2, 5, 5], (2, 2), (1, 1), (1, 1), false, true, 3 },
        { [1, 1, 1, 1], (1, 1), (1, 1), (0, 0), false, true, null },
        { [2, 5, 4], (2, 2), (1, 2), (0, 1), false, true, null },
    };

    [Theory]
    [MemberData(nameof(AvgCases))]
    public void AvgPoolMatchesLoopsAndFiniteDifferences(int[] shape, (int, int) k, (int, int) s, (int, int) p, bool ceil, bool includePad, int? divisor)
    {
        var x = GradCheck.Random(2, shape);
        Func<Tensor[], Tensor> f = t => Functional.AvgPool2d(t[0], k, s, p, ceil, includePad, divisor);
        GradCheck.Check(f, [x]);
        using var _ = DisposeScope.Begin();
        var y = f([x]);
        var expected = Reference(x, k, s, p, (1, 1), ceil, out var outShape, max: false, includePad, divisor);
        Assert.Equal(outShape, y.ShapeArray);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
    }

    public static TheoryData<int[], (int, int)> AdaptiveCases => new()
    {
        { [2, 3, 5, 7], (3, 2) },
        { [2, 3, 5, 7], (1, 1) },     // global average
        { [1, 2, 4, 5], (7, 6) },     // larger than the input: overlapping windows
        { [3, 4, 4], (2, 2) },        // unbatched
    };

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void AdaptiveAvgPoolMatchesLoopsAndFiniteDifferences(int[] shape, (int, int) size)
    {
        var x = GradCheck.Random(3, shape);
        GradCheck.Check(t => Functional.AdaptiveAvgPool2d(t[0], size), [x]);
        using var _ = DisposeScope.Begin();
        var y = Functional.AdaptiveAvgPool2d(x, size);
        int h = shape[^2], w = shape[^1], planes = x.Numel / (h * w), oh = size.Item1, ow = size.Item2;
        var outShape = shape.ToArray(); outShape[^2] = oh; outShape[^1] = ow;
        Assert.Equal(outShape, y.ShapeArray);
        for (int pl = 0; pl < planes; pl++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    int hs = (int)Math.Floor((double)r * h / oh), he = (int)Math.Ceiling((double)(r + 1) * h / oh);
                    int ws = (int)Math.Floor((double)q * w / ow), we = (int)Math.Ceiling((double)(q + 1) * w / ow);
                    double sum = 0;
                    for (int i = hs; i < he; i++)
                        for (int j = ws; j < we; j++) sum += x.Data[pl * h * w + i * w + j];
                    Assert.Equal(sum / ((he - hs) * (we - ws)), y.Data[(pl * oh + r) * ow + q], 1e-5);
                }
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndTakesTheFirstMaximum()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.FromArray([1, float.NaN, 5, 4, 5, 5, 2, 5], 1, 1, 2, 4);
        x.RequiresGrad = true;
        var y = Functional.MaxPool2d(x, 2);
        Assert.True(float.IsNaN(y.Data[0]));
        Assert.Equal(5f, y.Data[1]);
        y.Backward(Tensor.Ones(1, 1, 1, 2));
        Assert.Equal([0, 1, 1, 0, 0, 0, 0, 0], x.Grad!.ToArray()); // the NaN; the first of the tied 5s of window (5, 4 / 2, 5)
    }

    /// <summary>Ties and NaNs in 2x2 windows of every row width (scalar, 4- and 8-wide vector paths): the value and the
    /// gradient's position follow the rule "v replaces m when v &gt; m or v is NaN", windows in row-major order.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(14)]
    [InlineData(28)]
    [InlineData(34)]
    public void TwoByTwoTiesAndNaNsFollowTheScanRule(int w)
    {
        var x = GradCheck.Random(7, 2, 3, 4, w);
        for (int i = 0; i < x.Numel; i++)
        {
            uint r = Philox4x32.Word(7, 8, i) % 8;
            x.Data[i] = r == 0 ? float.NaN : r % 3; // many ties, some NaNs
        }
        x.Grad = null;
        using var _ = DisposeScope.Begin();
        var y = Functional.MaxPool2d(x, 2);
        y.Backward(Tensor.Ones(y.ShapeArray));
        var expectedGrad = new float[x.Numel];
        int ow = w / 2;
        for (int pl = 0; pl < 6; pl++)
            for (int r = 0; r < 2; r++)
                for (int q = 0; q < ow; q++)
                {
                    int at = -1;
                    float best = float.NegativeInfinity;
                    foreach (int o in new[] { 0, 1, w, w + 1 })
                    {
                        int idx = pl * 4 * w + 2 * r * w + 2 * q + o;
                        float v = x.Data[idx];
                        if (at < 0 || v > best || float.IsNaN(v)) { best = v; at = idx; }
                    }
                    Assert.Equal(best, y.Data[(pl * 2 + r) * ow + q]);
                    expectedGrad[at] += 1f;
                }
        Assert.Equal(expectedGrad, x.Grad!.ToArray());
    }

    [Fact]
    public void SameBitsOnOneAndTwoThreads()
    {
        var x = GradCheck.Random(4, 8, 6, 16, 18);
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);

        float[][] Run(int threads) => Threads.Run<float[][]>(threads, () =>
        {
            x.Grad = null;
            using var _ = DisposeScope.Begin();
            var a = Functional.MaxPool2d(x, 3, 2, 1);
            var b = Functional.AvgPool2d(x, 3, 1, 1);
            var c = Functional.AdaptiveAvgPool2d(x, (5, 7));
            a.Backward(Tensor.Ones(a.ShapeArray));
            b.Backward(Tensor.Full(0.5f, b.ShapeArray));
            c.Backward(Tensor.Full(0.25f, c.ShapeArray));
            return [a.ToArray(), b.ToArray(), c.ToArray(), x.Grad!.ToArray()];
        });
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.Zeros(1, 1, 4, 4);
        Assert.Contains("half", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.MaxPool2d(x, 2, padding: 2)).Message);
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() => Functional.MaxPool2d(x, 5)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.AvgPool2d(x, 2, stride: 0)).Message);
        Assert.Contains("[4, 4]", Assert.Throws<ArgumentException>(() => Functional.AvgPool2d(Tensor.Zeros(4, 4), 2)).Message);
        Assert.Contains("outputSize", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.AdaptiveAvgPool2d(x, (0, 2))).Message);
    }

    /// <summary>Distinct values spaced 0.05 apart in random order (no ties within finite-difference steps), requiring grad.</summary>
    private static Tensor Distinct(ulong seed, int[] shape)
    {
        var t = GradCheck.Random(seed, shape);
        var order = Enumerable.Range(0, t.Numel).OrderBy(i => Philox4x32.Word(seed, 9, i)).ToArray();
        for (int r = 0; r < order.Length; r++) t.Data[order[r]] = (r - order.Length / 2) * 0.05f;
        return t;
    }

    /// <summary>Pooling by definition (PyTorch's windows), in double.</summary>
    private static double[] Reference(Tensor x, (int H, int W) k, (int H, int W) s, (int H, int W) p, (int H, int W) d, bool ceil, out int[] shape,
        bool max, bool includePad, int? divisor)
    {
        int h = x.Size(-2), w = x.Size(-1), planes = x.Numel / (h * w);
        int oh = Out(h, k.H, s.H, p.H, d.H), ow = Out(w, k.W, s.W, p.W, d.W);
        shape = x.ShapeArray; shape[^2] = oh; shape[^1] = ow;
        var y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int inside = 0;
                    for (int i = 0; i < k.H; i++)
                        for (int j = 0; j < k.W; j++)
                        {
                            int ih = r * s.H - p.H + i * d.H, iw = q * s.W - p.W + j * d.W;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            double v = x.Data[pl * h * w + ih * w + iw];
                            best = Math.Max(best, v);
                            sum += v;
                            inside++;
                        }
                    // avg: windows are clipped to the padded input (PyTorch), the divisor counts padding when asked
                    int h0 = r * s.H - p.H, w0 = q * s.W - p.W;
                    int padded = (Math.Min(h0 + k.H, h + p.H) - h0) * (Math.Min(w0 + k.W, w + p.W) - w0);
                    y[(pl * oh + r) * ow + q] = max ? best : sum / (divisor ?? (includePad ? padded : inside));
                }
        return y;

        int Out(int n, int kk, int ss, int pp, int dd)
        {
            double span = n + 2 * pp - dd * (kk - 1) - 1;
            int o = (int)(ceil ? Math.Ceiling(span / ss) : Math.Floor(span / ss)) + 1;
            if (ceil && (o - 1) * ss >= n + pp) o--;
            return o;
        }
    }
}
