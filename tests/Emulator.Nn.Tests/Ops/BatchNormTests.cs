using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Ops;

public class BatchNormTests
{
    public static TheoryData<int[], bool> Shapes => new()
    {
        { [4, 3], true },          // BatchNorm1d [N, C]
        { [3, 2, 5], true },       // BatchNorm1d [N, C, L]
        { [2, 3, 4, 5], true },    // BatchNorm2d
        { [2, 3, 4, 5], false },   // no affine parameters
        { [5, 2, 1, 1], true },    // 1x1 planes
        { [1, 2, 3, 2], true },    // batch of one
        { [2, 1, 3, 20], true },   // one channel, rows longer than 16 lanes
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrainingMatchesFormulaAndFiniteDifferences(int[] shape, bool affine)
    {
        int c = shape[1];
        var x = GradCheck.Random(1, shape);
        var w = GradCheck.Random(2, c);
        var b = GradCheck.Random(3, c);
        Tensor[] inputs = affine ? [x, w, b] : [x];
        Func<Tensor[], Tensor> f = t => Functional.BatchNorm(t[0], null, null, affine ? t[1] : null, affine ? t[2] : null, training: true);
        GradCheck.Check(f, inputs);

        using var _ = DisposeScope.Begin();
        var y = f(inputs);
        var (mean, variance) = Moments(x);
        ForEach(shape, (i, ch) =>
        {
            double expected = (x.Data[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5) * (affine ? w.Data[ch] : 1) + (affine ? b.Data[ch] : 0);
            Assert.Equal(expected, y.Data[i], 1e-4);
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvaluationUsesRunningStatistics(int[] shape, bool affine)
    {
        int c = shape[1];
        var x = GradCheck.Random(4, shape);
        var w = GradCheck.Random(5, c);
        var b = GradCheck.Random(6, c);
        var rm = GradCheck.Random(7, c);
        var rv = GradCheck.Random(8, c);
        rm.RequiresGrad = rv.RequiresGrad = false;
        foreach (ref float v in rv.Data) v = 0.5f + MathF.Abs(v);
        Tensor[] inputs = affine ? [x, w, b] : [x];
        Func<Tensor[], Tensor> f = t => Functional.BatchNorm(t[0], rm, rv, affine ? t[1] : null, affine ? t[2] : null, training: false);
        GradCheck.Check(f, inputs);

        using var _ = DisposeScope.Begin();
        var before = rm.ToArray();
        var y = f(inputs);
        Assert.Equal(before, rm.ToArray());
        ForEach(shape, (i, ch) =>
        {
            double expected = (x.Data[i] - rm.Data[ch]) / Math.Sqrt(rv.Data[ch] + 1e-5) * (affine ? w.Data[ch] : 1) + (affine ? b.Data[ch] : 0);
            Assert.Equal(expected, y.Data[i], 1e-4);
        });
    }

    [Fact]
    public void ModuleUpdatesRunningStatisticsAsPyTorch()
    {
        var bn = new BatchNorm2d(3);
        var cumulative = new BatchNorm2d(3, momentum: null);
        double[] rm = new double[3], rv = [1, 1, 1], cm = new double[3], cv = [1, 1, 1];
        for (int step = 1; step <= 3; step++)
        {
            var x = GradCheck.Random(10 + (ulong)step, 4, 3, 2, 3);
            using (DisposeScope.Begin())
            {
                bn.Forward(x);
                cumulative.Forward(x);
            }
            var (mean, variance) = Moments(x);
            int count = 4 * 2 * 3;
            double factor = 1.0 / step;
            for (int ch = 0; ch < 3; ch++)
            {
                double unbiased = variance[ch] * count / (count - 1);
                rm[ch] = 0.9 * rm[ch] + 0.1 * mean[ch];
                rv[ch] = 0.9 * rv[ch] + 0.1 * unbiased;
                cm[ch] = (1 - factor) * cm[ch] + factor * mean[ch];
                cv[ch] = (1 - factor) * cv[ch] + factor * unbiased;
                Assert.Equal(rm[ch], bn.RunningMean!.Data[ch], 1e-5);
                Assert.Equal(rv[ch], bn.RunningVar!.Data[ch], 1e-5);
                Assert.Equal(cm[ch], cumulative.RunningMean!.Data[ch], 1e-5);
                Assert.Equal(cv[ch], cumulative.RunningVar!.Data[ch], 1e-5);
            }
            Assert.Equal(step, bn.NumBatchesTracked!.Item());
        }

        // evaluation: running statistics, no update
        bn.Eval();
        var probe = GradCheck.Random(20, 2, 3, 2, 2);
        using (DisposeScope.Begin())
        {
            var y = bn.Forward(probe);
            Assert.Equal(3f, bn.NumBatchesTracked!.Item());
            ForEach(probe.ShapeArray, (i, ch) =>
                Assert.Equal((probe.Data[i] - rm[ch]) / Math.Sqrt(rv[ch] + 1e-5), y.Data[i], 1e-4));
        }
    }

    [Fact]
    public void StateDictHasPyTorchNames()
    {
        var net = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new BatchNorm1d(2, affine: false), new BatchNorm1d(2, trackRunningStats: false));
        var names = net.StateDict().Select(e => $"{e.Name}:{e.DType}:{string.Join("x", e.Tensor.ShapeArray)}").ToArray();
        Assert.Equal(
        [
            "0.weight:Float32:4x1x3x3", "0.bias:Float32:4",
            "1.weight:Float32:4", "1.bias:Float32:4", "1.running_mean:Float32:4", "1.running_var:Float32:4", "1.num_batches_tracked:Int64:",
            "2.running_mean:Float32:2", "2.running_var:Float32:2", "2.num_batches_tracked:Int64:",
            "3.weight:Float32:2", "3.bias:Float32:2",
        ], names);
        var bn = (BatchNorm2d)net[1];
        Assert.Equal([1f, 1f, 1f, 1f], bn.Weight!.ToArray());
        Assert.Equal([0f, 0f, 0f, 0f], bn.Bias!.ToArray());
        Assert.Equal([1f, 1f, 1f, 1f], bn.RunningVar!.ToArray());
    }

    [Fact]
    public void WithoutRunningStatisticsEvaluationUsesTheBatch()
    {
        var bn = new BatchNorm1d(2, trackRunningStats: false);
        bn.Eval();
        var x = GradCheck.Random(21, 5, 2);
        using var _ = DisposeScope.Begin();
        var y = bn.Forward(x);
        var (mean, variance) = Moments(x);
        ForEach(x.ShapeArray, (i, ch) => Assert.Equal((x.Data[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5), y.Data[i], 1e-4));
    }

    [Fact]
    public void SameBitsOnOneAndTwoThreads()
    {
        var x = GradCheck.Random(30, 8, 6, 16, 17);
        var w = GradCheck.Random(31, 6);
        var b = GradCheck.Random(32, 6);
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);

        float[][] Run(int threads) => Threads.Run<float[][]>(threads, () =>
        {
            foreach (var t in new[] { x, w, b }) t.Grad = null;
            var rm = Tensor.Persistent(6);
            var rv = Tensor.Persistent(6);
            using var _ = DisposeScope.Begin();
            var y = Functional.BatchNorm(x, rm, rv, w, b, training: true);
            (y * y).Backward(Tensor.Ones(y.ShapeArray));
            return [y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray(), rm.ToArray(), rv.ToArray()];
        });
    }

    [Fact]
    public void BadInputIsNamed()
    {
        using var _ = DisposeScope.Begin();
        Assert.Contains("more than 1 value", Assert.Throws<ArgumentException>(() => Functional.BatchNorm(Tensor.Zeros(1, 3), null, null, training: true)).Message);
        Assert.Contains("running_mean", Assert.Throws<ArgumentException>(() => Functional.BatchNorm(Tensor.Zeros(2, 3), null, null)).Message);
        Assert.Contains("[4]", Assert.Throws<ArgumentException>(() => Functional.BatchNorm(Tensor.Zeros(2, 3), Tensor.Zeros(4), Tensor.Ones(4))).Message);
        Assert.Contains("16 channels", Assert.Throws<ArgumentException>(() => new BatchNorm2d(16).Forward(Tensor.Zeros(2, 8, 3, 3))).Message);
        Assert.Contains("4-D", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3, 3))).Message);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 3, 3, 3))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(3, momentum: 1.5f));
    }

    /// <summary>Per-channel mean and biased variance in double.</summary>
    private static (double[] Mean, double[] Var) Moments(Tensor x)
    {
        int c = x.Size(1);
        double[] sum = new double[c], sq = new double[c], count = new double[c];
        ForEach(x.ShapeArray, (i, ch) => { sum[ch] += x.Data[i]; count[ch]++; });
        var mean = sum.Select((s, ch) => s / count[ch]).ToArray();
        ForEach(x.ShapeArray, (i, ch) => sq[ch] += (x.Data[i] - mean[ch]) * (x.Data[i] - mean[ch]));
        return (mean, sq.Select((s, ch) => s / count[ch]).ToArray());
    }

    /// <summary>Calls f(flat index, channel) for every element of an [N, C, ...] shape.</summary>
    private static void ForEach(int[] shape, Action<int, int> f)
    {
        int c = shape[1], inner = shape.Skip(2).Aggregate(1, (a, s) => a * s), total = shape.Aggregate(1, (a, s) => a * s);
        for (int i = 0; i < total; i++) f(i, i / inner % c);
    }
}
