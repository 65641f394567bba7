namespace Emulator.Quantization.Estimators;

/// <summary>
/// The clipping range that minimises a weighted squared error over K candidates: the min-max range shrunk by
/// α = k / K, k = 1..K (Banner et al.'s ACIQ setting computed on the data rather than from a distribution). Errors are
/// summed in float64 in index order; the first best candidate wins.
/// </summary>
public abstract class SearchEstimator(int candidates) : RangeEstimator
{
    /// <summary>The number of candidates K (≥ 1).</summary>
    public int Candidates { get; } = candidates >= 1 ? candidates : throw new ArgumentOutOfRangeException(nameof(candidates), candidates, "candidates must be >= 1");

    /// <summary>The weight of an element's squared error: 1 inside the range; clipped elements get <see cref="ClipWeight"/>.</summary>
    protected abstract double ClipWeight { get; }

    internal override (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context)
    {
        var (lo, hi) = MinMaxEstimator.MinMax(values);
        if (context.Symmetric) { float a = Math.Max(-lo, hi); lo = -a; hi = a; }
        if (lo == hi) return (lo, hi);
        var y = new float[values.Length];
        double best = double.PositiveInfinity;
        (float, float) bestRange = (lo, hi);
        for (int k = 1; k <= Candidates; k++)
        {
            float a = (float)k / Candidates, cl = lo * a, ch = hi * a;
            if (!context.Quantize(cl, ch, values, y)) continue;
            double err = Error(values, y, cl, ch);
            if (err < best) { best = err; bestRange = (cl, ch); }
        }
        return bestRange;
    }

    /// <summary>The weighted squared error of y against x for the clipping range [lo, hi].</summary>
    internal double Error(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float lo, float hi)
    {
        double inside = 0, clipped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i])) continue;
            double d = (double)x[i] - y[i];
            if (x[i] < lo || x[i] > hi) clipped += d * d; else inside += d * d;
        }
        return inside + ClipWeight * clipped;
    }
}

/// <summary>Minimises the mean squared error of the fake-quantized values (the white paper's MSE range setting).</summary>
public sealed class MseEstimator(int candidates = 100) : SearchEstimator(candidates)
{
    /// <inheritdoc />
    public override string Name => "mse";

    /// <inheritdoc />
    protected override double ClipWeight => 1.0;
}

/// <summary>
/// Maximises SQNR with clipping noise weighted by γ (AIMET's SQNR encoding analysis, default γ = 3): minimises
/// Σ_inside (x − q)² + γ·Σ_clipped (x − q)², which trades a little more rounding noise for less clipping. γ = 1 is the MSE range.
/// </summary>
public sealed class SqnrEstimator(double gamma = 3.0, int candidates = 100) : SearchEstimator(candidates)
{
    /// <summary>The clipping-noise weight γ (≥ 0).</summary>
    public double Gamma { get; } = gamma >= 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be >= 0");

    /// <inheritdoc />
    public override string Name => "sqnr";

    /// <inheritdoc />
    protected override double ClipWeight => Gamma;
}

/// <summary>
/// Entropy calibration (TensorRT's KL-divergence method): a 2048-bin histogram of |x|; for each threshold bin i the
/// reference distribution P (bins below i, the tail folded into bin i − 1) is compared with its quantization Q onto the
/// grid's positive levels; the threshold minimising KL(P ‖ Q) is chosen. Symmetric ranges.
/// </summary>
public sealed class KlEstimator(int bins = 2048) : RangeEstimator
{
    /// <summary>Histogram bins.</summary>
    public int Bins { get; } = bins >= 16 ? bins : throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be >= 16");

    /// <inheritdoc />
    public override string Name => "kl";

    internal override (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context)
    {
        var (lo, hi) = MinMaxEstimator.MinMax(values);
        double amax = Math.Max(-lo, hi);
        if (amax == 0) return (0, 0);
        var hist = new double[Bins];
        double width = amax / Bins;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int b = (int)(Math.Abs(v) / width);
            hist[Math.Min(b, Bins - 1)]++;
        }
        int levels = Math.Clamp(context.PositiveLevels, 1, Bins);
        double bestKl = double.PositiveInfinity;
        int bestI = Bins;
        for (int i = levels; i <= Bins; i++)
        {
            double kl = Divergence(hist, i, levels);
            if (kl < bestKl) { bestKl = kl; bestI = i; }
        }
        float t = (float)(bestI * width);
        return (-t, t);
    }

    /// <summary>KL(P ‖ Q) for threshold bin count i and the given number of quantized levels: P is hist[0, i) with the
    /// tail folded into its last bin; Q merges hist[0, i) (without the tail) into the levels and spreads each level's mass
    /// evenly over the bins where P is non-zero.</summary>
    internal static double Divergence(double[] hist, int i, int levels)
    {
        var p = new double[i];
        Array.Copy(hist, p, i);
        for (int j = i; j < hist.Length; j++) p[i - 1] += hist[j];
        var q = new double[i];
        for (int l = 0; l < levels; l++)
        {
            int start = (int)((long)l * i / levels), end = (int)((long)(l + 1) * i / levels);
            double sum = 0; int nonzero = 0;
            for (int j = start; j < end; j++) { sum += hist[j]; if (p[j] > 0) nonzero++; }
            for (int j = start; j < end; j++) q[j] = p[j] > 0 ? sum / nonzero : 0;
        }
        double ps = p.Sum(), qs = q.Sum();
        if (ps == 0 || qs == 0) return double.PositiveInfinity;
        double kl = 0;
        for (int j = 0; j < i; j++)
        {
            if (p[j] == 0) continue;
            double pj = p[j] / ps, qj = q[j] / qs;
            kl += qj > 0 ? pj * Math.Log(pj / qj) : double.PositiveInfinity;
        }
        return kl;
    }
}
