namespace Emulator.Quantization.Estimators;

/// <summary>The observed minimum and maximum (PyTorch's <c>MinMaxObserver</c>).</summary>
public sealed class MinMaxEstimator : RangeEstimator
{
    /// <inheritdoc />
    public override string Name => "minmax";

    /// <inheritdoc />
    public override bool NeedsSamples => false;

    internal override (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context) => MinMax(values);

    internal static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float lo = 0, hi = 0;
        bool any = false;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            if (!any) { lo = hi = v; any = true; }
            else { if (v < lo) lo = v; if (v > hi) hi = v; }
        }
        return (lo, hi);
    }
}

/// <summary>
/// An exponential moving average of per-batch minima and maxima (PyTorch's <c>MovingAverageMinMaxObserver</c>): the
/// first batch sets the range, then min ← min + c·(batch min − min), likewise max, with averaging constant c.
/// </summary>
public sealed class RunningMinMaxEstimator(double averagingConstant = 0.01) : RangeEstimator
{
    /// <summary>The averaging constant c in (0, 1].</summary>
    public double AveragingConstant { get; } = averagingConstant > 0 && averagingConstant <= 1 ? averagingConstant
        : throw new ArgumentOutOfRangeException(nameof(averagingConstant), averagingConstant, "the averaging constant must be in (0, 1]");

    /// <inheritdoc />
    public override string Name => "ema";

    /// <inheritdoc />
    public override bool NeedsSamples => false;

    internal override (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context) => MinMaxEstimator.MinMax(values);

    /// <summary>The running range after one more batch with range (lo, hi).</summary>
    public (float Min, float Max) Update((float Min, float Max)? running, (float Min, float Max) batch)
    {
        if (running is not { } r) return batch;
        float c = (float)AveragingConstant;
        return (r.Min + c * (batch.Min - r.Min), r.Max + c * (batch.Max - r.Max));
    }
}

/// <summary>
/// Clips at a percentile (nearest rank on the sorted values): symmetric ranges use the p-th percentile of |x|,
/// asymmetric ones the (100 − p)-th and p-th percentiles of x.
/// </summary>
public sealed class PercentileEstimator(double percentile = 99.99) : RangeEstimator
{
    /// <summary>The percentile p in (50, 100].</summary>
    public double Percentile { get; } = percentile > 50 && percentile <= 100 ? percentile
        : throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "the percentile must be in (50, 100]");

    /// <inheritdoc />
    public override string Name => "percentile";

    internal override (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context)
    {
        var finite = values.ToArray().Where(float.IsFinite).ToArray();
        if (finite.Length == 0) return (0, 0);
        if (context.Symmetric)
        {
            for (int i = 0; i < finite.Length; i++) finite[i] = MathF.Abs(finite[i]);
            Array.Sort(finite);
            float a = finite[Rank(finite.Length, Percentile)];
            return (-a, a);
        }
        Array.Sort(finite);
        return (finite[Rank(finite.Length, 100 - Percentile)], finite[Rank(finite.Length, Percentile)]);
    }

    /// <summary>Nearest-rank index of percentile p among n sorted values.</summary>
    internal static int Rank(int n, double p) => Math.Clamp((int)Math.Ceiling(p / 100 * n) - 1, 0, n - 1);
}
