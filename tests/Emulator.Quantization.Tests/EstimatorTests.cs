using Emulator.Formats;
using Emulator.Quantization.Estimators;

namespace Emulator.Quantization.Tests;

public class EstimatorTests
{
    private static readonly FormatRegistry R = FormatRegistry.Default;

    /// <summary>The squared error of int-b symmetric quantization with clipping value c, by the scalar reference.</summary>
    private static double Error(float[] x, IntegerFormat f, double c, double clipWeight = 1)
    {
        var q = AffineQuantizer.PerTensor(f, c / f.MaxInt);
        var y = new float[x.Length];
        q.Quantize(x, [x.Length], y);
        double e = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)x[i] - y[i];
            e += Math.Abs(x[i]) > c ? clipWeight * d * d : d * d;
        }
        return e;
    }

    private static float ChosenClip(string estimator, float[] x, string format = "int4")
    {
        var q = new TensorQuantizer(R.Get(format), estimator: RangeEstimator.Parse(estimator));
        q.Calibrate(x, [x.Length]);
        return q.Scale!.Data[0] * (float)q.Qp;
    }

    [Theory]
    [InlineData("mse", 1.0)]
    [InlineData("sqnr-3", 3.0)]
    public void SearchEstimatorsFindTheBruteForceOptimum(string estimator, double gamma)
    {
        var x = TestData.Laplace(20000, 11);
        var f = (IntegerFormat)R.Get("int4");
        float clip = ChosenClip(estimator, x);
        double amax = x.Max(MathF.Abs);
        // brute force over 2,000 clipping values, independent of the estimator's 100 candidates
        double best = double.PositiveInfinity;
        for (int k = 1; k <= 2000; k++) best = Math.Min(best, Error(x, f, amax * k / 2000, gamma));
        double chosen = Error(x, f, clip, gamma);
        Assert.True(chosen <= best * 1.02, $"{estimator}: error {chosen} at clip {clip} vs brute-force best {best}");
        Assert.True(clip < 0.8 * amax, "Laplace data at 4 bits clips well inside the range");
    }

    [Fact]
    public void SqnrWeightsClippingAboveMse()
    {
        var x = TestData.Laplace(20000, 12);
        Assert.True(ChosenClip("sqnr-10", x) > ChosenClip("mse", x));
        Assert.Equal(ChosenClip("sqnr-1", x), ChosenClip("mse", x));
    }

    [Fact]
    public void PercentileIsTheNearestRank()
    {
        var x = Enumerable.Range(1, 1000).Select(i => (float)i).ToArray();
        var p = new PercentileEstimator(99);
        var (lo, hi) = p.Estimate(x, new RangeContext((_, _, _, _) => true, true, 127));
        Assert.Equal(990f, hi);
        Assert.Equal(-990f, lo);
        var (alo, ahi) = p.Estimate(x, new RangeContext((_, _, _, _) => true, false, 127));
        Assert.Equal(10f, alo);
        Assert.Equal(990f, ahi);
    }

    [Fact]
    public void RunningMinMaxFollowsTheEmaFormula()
    {
        var q = new TensorQuantizer(R.Get("int8"), estimator: new RunningMinMaxEstimator(0.5));
        q.Observe([-1f, 2f], [2]);
        q.Observe([-3f, 4f], [2]);
        q.Freeze();
        // min: -1 + 0.5·(-3 + 1) = -2; max: 2 + 0.5·(4 − 2) = 3 → symmetric amax 3
        float s = q.Scale!.Data[0];
        Assert.True((double)s * 127 >= 3 && (double)MathF.BitDecrement(s) * 127 < 3, $"scale {s} for amax 3");
    }

    [Fact]
    public void KlKeepsUniformDataAndClipsAnOutlier()
    {
        var u = TestData.Uniform(50000, 13);
        Assert.True(ChosenClip("kl", u, "int8") > 0.9f);
        var g = TestData.Gaussian(50000, 14);
        g[0] = 60f;
        Assert.True(ChosenClip("kl", g, "int8") < 20f);
    }

    [Fact]
    public void MinMaxOverBatchesEqualsMinMaxOfAll()
    {
        var a = TestData.Gaussian(500, 15); var b = TestData.Gaussian(500, 16, 3);
        var q1 = new TensorQuantizer(R.Get("int8"));
        q1.Observe(a, [500]); q1.Observe(b, [500]); q1.Freeze();
        var q2 = new TensorQuantizer(R.Get("int8"));
        q2.Calibrate([.. a, .. b], [1000]);
        Assert.Equal(q2.Scale!.Data[0], q1.Scale!.Data[0]);
    }
}
