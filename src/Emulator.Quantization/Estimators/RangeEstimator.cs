namespace Emulator.Quantization.Estimators;

/// <summary>
/// Chooses the clipping range [min, max] of one slice (the values sharing a scale) from calibration data. The quantizer
/// turns the range into a scale: symmetric s = max(|min|, |max|) / Qp, or for asymmetric integers the affine pair of
/// <see cref="Emulator.Formats.ScaleCalibration.Asymmetric"/>.
/// </summary>
public abstract class RangeEstimator
{
    /// <summary>The name used in specs (<c>minmax</c>, <c>ema</c>, <c>percentile</c>, <c>mse</c>, <c>sqnr</c>, <c>kl</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Whether the estimator needs every observed value (else it keeps a running min and max only).</summary>
    public virtual bool NeedsSamples => true;

    /// <summary>The range from all values observed for a slice, given how a candidate range would quantize them.</summary>
    internal abstract (float Min, float Max) Estimate(ReadOnlySpan<float> values, RangeContext context);

    /// <summary>Parses <c>minmax</c>, <c>ema</c>/<c>ema-0.01</c>, <c>percentile</c>/<c>percentile-99.9</c>, <c>mse</c>,
    /// <c>sqnr</c>/<c>sqnr-3</c> (clipping-noise weight γ) or <c>kl</c>/<c>entropy</c>.</summary>
    public static RangeEstimator Parse(string text)
    {
        string[] parts = text.Split('-', 2);
        double? arg = null;
        if (parts.Length == 2)
        {
            if (!double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v))
                throw new ArgumentException($"range estimator '{text}': '{parts[1]}' is not a number", nameof(text));
            arg = v;
        }
        return parts[0] switch
        {
            "minmax" => new MinMaxEstimator(),
            "ema" => new RunningMinMaxEstimator(arg ?? 0.01),
            "percentile" => new PercentileEstimator(arg ?? 99.99),
            "mse" => new MseEstimator(),
            "sqnr" => new SqnrEstimator(arg ?? 3.0),
            "kl" or "entropy" => new KlEstimator(),
            _ => throw new ArgumentException($"range estimator '{text}' is not one of minmax, ema[-c], percentile[-p], mse, sqnr[-gamma], kl", nameof(text)),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>What an estimator may ask of the quantizer: the error of a candidate clipping range on the values.</summary>
internal sealed class RangeContext(Func<float, float, ReadOnlySpan<float>, Span<float>, bool> quantize, bool symmetric, int positiveLevels)
{
    /// <summary>Whether ranges are symmetric around zero.</summary>
    public bool Symmetric { get; } = symmetric;

    /// <summary>The number of positive grid values (for histogram methods): 127 for int8, 448/step... for floats the code count.</summary>
    public int PositiveLevels { get; } = positiveLevels;

    /// <summary>Fake-quantizes values with the scale the range [min, max] implies; false if the range is degenerate.</summary>
    public bool Quantize(float min, float max, ReadOnlySpan<float> x, Span<float> y) => quantize(min, max, x, y);
}
