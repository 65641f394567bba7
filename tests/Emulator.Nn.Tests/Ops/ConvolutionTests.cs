namespace Emulator.Nn.Tests.Ops;

public class ConvolutionTests
{
    /// <summary>Conv cases: input shape, weight shape, stride, padding, dilation, groups, bias.</summary>
    public static TheoryData<int[], int[], (int, int), (int, int), (int, int), int, bool> Cases => new()
    {
        { [2, 3, 5, 6], [4, 3, 3, 3], (1, 1), (0, 0), (1, 1), 1, true },      // plain
        { [2, 2, 7, 6], [3, 2, 3, 2], (2, 1), (1, 0), (1, 1), 1, true },      // stride 2, padding > 0, non-square kernel
        { [1, 2, 7, 8], [2, 2, 3, 3], (1, 2), (2, 1), (2, 2), 1, false },     // dilation 2
        { [2, 4, 5, 5], [6, 2, 3, 3], (1, 1), (1, 1), (1, 1), 2, true },      // groups 2
        { [2, 3, 6, 6], [3, 1, 3, 3], (2, 2), (1, 1), (1, 1), 3, true },      // depthwise
        { [2, 2, 5, 7], [4, 1, 3, 3], (1, 1), (1, 2), (1, 1), 2, false },     // depthwise, multiplier 2
        { [1, 1, 1, 1], [1, 1, 1, 1], (1, 1), (0, 0), (1, 1), 1, true },      // size-1 everything
        { [3, 1, 4, 1], [2, 1, 3, 1], (1, 1), (1, 0), (1, 1), 1, true },      // width 1
        { [2, 3, 4, 5], [4, 3, 1, 1], (1, 1), (0, 0), (1, 1), 1, true },      // pointwise 1x1
        { [2, 1, 6, 6], [4, 1, 5, 5], (1, 1), (2, 2), (1, 1), 1, true },      // FashionCnn conv1 in miniature
        { [1, 2, 5, 5], [2, 2, 2, 2], (3, 3), (1, 1), (2, 1), 1, true },      // stride > kernel
        { [2, 5, 6, 3], [2, 5, 3, 3], (1, 1), (1, 1), (1, 1), 1, true },      // channels in a block of four and one more
        { [2, 4, 9, 18], [4, 1, 3, 3], (1, 1), (1, 1), (1, 1), 4, true },     // depthwise rows of 16+ (vector chunks, overlapping)
        { [1, 2, 10, 11], [6, 1, 3, 2], (1, 1), (0, 2), (2, 3), 2, false },   // depthwise, multiplier 3, dilation, wide padding
        { [1, 3, 9, 20], [3, 1, 3, 3], (2, 3), (1, 1), (1, 1), 3, true },     // depthwise, strides 2 and 3
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesLoopsAndFiniteDifferences(int[] xs, int[] ws, (int, int) stride, (int, int) padding, (int, int) dilation, int groups, bool withBias)
    {
        var x = GradCheck.Random(1, xs);
        var w = GradCheck.Random(2, ws);
        var b = GradCheck.Random(3, ws[0]);
        Tensor[] inputs = withBias ? [x, w, b] : [x, w];
        var expected = Reference(x, w, withBias ? b : null, stride, padding, dilation, groups, out var shape);
        // both algorithms where the direct (depthwise) kernels apply
        var algorithms = ws[1] == 1 ? new[] { Functional.ConvAlgorithm.Im2Col, Functional.ConvAlgorithm.Direct } : [Functional.ConvAlgorithm.Im2Col];
        foreach (var algorithm in algorithms)
        {
            Func<Tensor[], Tensor> f = t => Functional.Conv2dWith(algorithm, t[0], t[1], withBias ? t[2] : null, stride, padding, dilation, groups);
            GradCheck.Check(f, inputs);
            using var _ = DisposeScope.Begin();
            var y = f(inputs);
            Assert.Equal(shape, y.ShapeArray);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-4);
        }
    }

    /// <summary>Large images (one image per GEMM, the FashionCnn conv2 geometry) against the definition, gradients included.</summary>
    [Theory]
    [InlineData(16, 14, 5, 2, 1)]
    [InlineData(3, 33, 3, 1, 2)]
    public void LargeImagesMatchTheDefinitionWithGradients(int c, int size, int k, int pad, int stride)
    {
        var x = GradCheck.Random(11, 3, c, size, size);
        var w = GradCheck.Random(12, 4, c, k, k);
        var b = GradCheck.Random(13, 4);
        using var _ = DisposeScope.Begin();
        var y = Functional.Conv2d(x, w, b, stride, pad);
        var expected = Reference(x, w, b, (stride, stride), (pad, pad), (1, 1), 1, out var shape);
        Assert.Equal(shape, y.ShapeArray);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-4);
        var g = GradCheck.Random(14, shape);
        y.Backward(g);
        // dX = Σ w·g over the taps that read x; dW = Σ g·x; db = Σ g
        int oh = shape[2], ow = shape[3];
        var dx = new double[x.Numel];
        var dw = new double[w.Numel];
        var db = new double[4];
        for (int n = 0; n < 3; n++)
            for (int o = 0; o < 4; o++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        double gv = g.Data[((n * 4 + o) * oh + r) * ow + q];
                        db[o] += gv;
                        for (int ci = 0; ci < c; ci++)
                            for (int i = 0; i < k; i++)
                                for (int j = 0; j < k; j++)
                                {
                                    int ih = r * stride - pad + i, iw = q * stride - pad + j;
                                    if (ih < 0 || ih >= size || iw < 0 || iw >= size) continue;
                                    int xi = ((n * c + ci) * size + ih) * size + iw, wi = ((o * c + ci) * k + i) * k + j;
                                    dx[xi] += w.Data[wi] * gv;
                                    dw[wi] += x.Data[xi] * gv;
                                }
                    }
        for (int i = 0; i < dx.Length; i++) Assert.Equal(dx[i], x.Grad!.Data[i], 1e-3);
        for (int i = 0; i < dw.Length; i++) Assert.Equal(dw[i], w.Grad!.Data[i], 2e-3);
        for (int i = 0; i < 4; i++) Assert.Equal(db[i], b.Grad!.Data[i], 1e-3);
    }

    [Fact]
    public void UnbatchedInputGivesUnbatchedOutput()
    {
        var x = GradCheck.Random(4, 2, 5, 5);
        var w = GradCheck.Random(5, 3, 2, 3, 3);
        GradCheck.Check(t => Functional.Conv2d(t[0], t[1], padding: 1), [x, w]);
        using var _ = DisposeScope.Begin();
        Assert.Equal([3, 5, 5], Functional.Conv2d(x, w, padding: 1).ShapeArray);
    }

    [Fact]
    public void SameBitsOnOneAndTwoThreads()
    {
        var x = GradCheck.Random(6, 9, 4, 12, 11);
        var w = GradCheck.Random(7, 6, 4, 3, 3);
        var b = GradCheck.Random(8, 6);
        var xd = GradCheck.Random(9, 9, 4, 12, 11);
        var wd = GradCheck.Random(10, 8, 1, 3, 3); // depthwise, multiplier 2 (direct kernels)
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);

        float[][] Run(int threads) => Threads.Run<float[][]>(threads, () =>
        {
            foreach (var t in new[] { x, w, b, xd, wd }) t.Grad = null;
            using var _ = DisposeScope.Begin();
            var y = Functional.Conv2d(x, w, b, stride: (1, 2), padding: 1);
            var yd = Functional.Conv2d(xd, wd, null, stride: 2, padding: 1, groups: 4);
            y.Backward(Tensor.Full(0.5f, y.ShapeArray) * y);
            yd.Backward(Tensor.Full(0.25f, yd.ShapeArray) * yd);
            return [y.ToArray(), yd.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray(), xd.Grad!.ToArray(), wd.Grad!.ToArray()];
        });
    }

    [Fact]
    public void BadArgumentsNameTheProblem()
    {
        using var _ = DisposeScope.Begin();
        var x = Tensor.Zeros(2, 3, 8, 8);
        Assert.Contains("3", Assert.Throws<ArgumentException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 2, 3, 3))).Message);
        Assert.Contains("groups", Assert.Throws<ArgumentException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 1, 3, 3), groups: 3)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), stride: 0)).Message);
        Assert.Contains("padding", Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), padding: (0, -1))).Message);
        Assert.Contains("smaller", Assert.Throws<ArgumentException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 3, 9, 9))).Message);
        Assert.Contains("bias", Assert.Throws<ArgumentException>(() => Functional.Conv2d(x, Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3))).Message);
        Assert.Contains("[8, 8]", Assert.Throws<ArgumentException>(() => Functional.Conv2d(Tensor.Zeros(8, 8), Tensor.Zeros(4, 3, 3, 3))).Message);
    }

    /// <summary>The convolution by its definition, in double.</summary>
    internal static double[] Reference(Tensor x, Tensor w, Tensor? b, (int H, int W) s, (int H, int W) p, (int H, int W) d, int groups, out int[] shape)
    {
        int n = x.Size(0), c = x.Size(1), h = x.Size(2), wd = x.Size(3), oc = w.Size(0), cg = w.Size(1), kh = w.Size(2), kw = w.Size(3);
        int oh = (h + 2 * p.H - d.H * (kh - 1) - 1) / s.H + 1, ow = (wd + 2 * p.W - d.W * (kw - 1) - 1) / s.W + 1;
        shape = [n, oc, oh, ow];
        var y = new double[n * oc * oh * ow];
        int ocg = oc / groups;
        for (int ni = 0; ni < n; ni++)
            for (int o = 0; o < oc; o++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        double acc = b is null ? 0 : b.Data[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = r * s.H - p.H + i * d.H, iw = q * s.W - p.W + j * d.W;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    int cin = o / ocg * cg + ci;
                                    acc += (double)x.Data[((ni * c + cin) * h + ih) * wd + iw] * w.Data[((o * cg + ci) * kh + i) * kw + j];
                                }
                        y[((ni * oc + o) * oh + r) * ow + q] = acc;
                    }
        return y;
    }
}
