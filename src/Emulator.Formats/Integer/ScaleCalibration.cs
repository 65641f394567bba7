namespace Emulator.Formats;

/// <summary>Min-max calibration of affine scales and zero points (symmetric: z = 0, s = amax / qmax; asymmetric: the range
/// [min(x, 0), max(x, 0)] maps onto [qmin, qmax]). NaNs are ignored; an all-zero range gives scale 1.</summary>
public static class ScaleCalibration
{
    /// <summary>Symmetric scale for a given absolute maximum.</summary>
    public static double Symmetric(IntegerFormat format, double amax)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (double.IsNaN(amax) || amax < 0) throw new ArgumentOutOfRangeException(nameof(amax), amax, "amax must be a non-negative number");
        double s = amax / format.MaxInt;
        return s > 0 && !double.IsInfinity(s) ? s : 1.0;
    }

    /// <summary>Asymmetric scale and zero point for a range [min, max].</summary>
    public static (double Scale, long ZeroPoint) Asymmetric(IntegerFormat format, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (double.IsNaN(min) || double.IsNaN(max) || min > max)
            throw new ArgumentOutOfRangeException(nameof(min), min, $"min must be a number not above max = {max}");
        min = Math.Min(min, 0); max = Math.Max(max, 0);
        double s = (max - min) / (format.MaxInt - format.MinInt);
        if (!(s > 0) || double.IsInfinity(s)) return (1.0, format.Signed ? 0 : format.MinInt);
        long z = format.Clamp((long)Math.Round(format.MinInt - min / s, MidpointRounding.ToEven));
        return (s, z);
    }

    /// <summary>Symmetric per-tensor quantizer from the data.</summary>
    public static AffineQuantizer SymmetricPerTensor(IntegerFormat format, ReadOnlySpan<float> x) =>
        AffineQuantizer.PerTensor(format, Symmetric(format, AbsMax(x)));

    /// <summary>Asymmetric per-tensor quantizer from the data.</summary>
    public static AffineQuantizer AsymmetricPerTensor(IntegerFormat format, ReadOnlySpan<float> x)
    {
        var (lo, hi) = MinMax(x);
        var (s, z) = Asymmetric(format, lo, hi);
        return AffineQuantizer.PerTensor(format, s, z);
    }

    /// <summary>Per-channel (along <paramref name="axis"/>) quantizer, symmetric or asymmetric, from the data.</summary>
    public static AffineQuantizer PerChannel(IntegerFormat format, ReadOnlySpan<float> x, ReadOnlySpan<int> shape, int axis, bool symmetric = true)
    {
        if (axis < 0 || axis >= shape.Length) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"axis must be in 0..{shape.Length - 1}");
        var probe = AffineQuantizer.PerChannel(format, axis, new double[shape[axis]].AsSpan().Fill1());
        return Calibrate(format, x, shape, probe, symmetric, (s, z) => AffineQuantizer.PerChannel(format, axis, s, z));
    }

    /// <summary>Per-group quantizer (groups of <paramref name="groupSize"/> along the last axis), from the data.</summary>
    public static AffineQuantizer PerGroup(IntegerFormat format, ReadOnlySpan<float> x, ReadOnlySpan<int> shape, int groupSize, bool symmetric = true)
    {
        if (groupSize < 1) throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "group size must be at least 1");
        int count = AffineQuantizer.ParameterCount(QuantizationGranularity.PerGroup, shape, 0, groupSize);
        var probe = AffineQuantizer.PerGroup(format, groupSize, new double[count].AsSpan().Fill1());
        return Calibrate(format, x, shape, probe, symmetric, (s, z) => AffineQuantizer.PerGroup(format, groupSize, s, z));
    }

    private static Span<double> Fill1(this Span<double> s) { s.Fill(1.0); return s; }

    private static AffineQuantizer Calibrate(IntegerFormat format, ReadOnlySpan<float> x, ReadOnlySpan<int> shape,
        AffineQuantizer probe, bool symmetric, Func<double[], long[], AffineQuantizer> build)
    {
        int n = probe.Scales.Count;
        var lo = new double[n];
        var hi = new double[n];
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) continue;
            int p = probe.ParameterIndex(i, shape);
            lo[p] = Math.Min(lo[p], x[i]);
            hi[p] = Math.Max(hi[p], x[i]);
        }
        var scales = new double[n];
        var zeros = new long[n];
        for (int p = 0; p < n; p++)
        {
            if (symmetric) scales[p] = Symmetric(format, Math.Max(-lo[p], hi[p]));
            else (scales[p], zeros[p]) = Asymmetric(format, lo[p], hi[p]);
        }
        return build(scales, zeros);
    }

    private static double AbsMax(ReadOnlySpan<float> x)
    {
        double m = 0;
        foreach (float v in x) if (!float.IsNaN(v)) m = Math.Max(m, Math.Abs((double)v));
        return m;
    }

    private static (double, double) MinMax(ReadOnlySpan<float> x)
    {
        double lo = 0, hi = 0;
        foreach (float v in x) if (!float.IsNaN(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return (lo, hi);
    }
}
