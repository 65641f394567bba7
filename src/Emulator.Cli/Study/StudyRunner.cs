using Emulator.Formats;

namespace Emulator.Cli.Study;

/// <summary>One row of a study: a format on a data set.</summary>
public sealed record StudyResult(
    string Format, string Data, string Rounding, double BitsPerValue, double SqnrDb, double Mse, double MaxAbsError,
    double FractionSaturated, double FractionFlushedToZero, long Elements);

/// <summary>Quantizes data sets with study quantizers and measures the error.</summary>
public static class StudyRunner
{
    /// <summary>The curated default set (about 20 formats). Entries whose format is not available are skipped.</summary>
    public static IReadOnlyList<string> DefaultFormats { get; } =
    [
        "bfloat16", "binary16", "e4m3", "e5m2", "e4m3fnuz", "e3m2", "e2m3", "e2m1",
        "mxfp8-e4m3", "mxfp6-e2m3", "mxfp4", "nvfp4",
        "int8@channel", "int8@group-32", "int4@channel", "int4@group-32",
        "posit8", "posit16", "hifloat8", "nf4", "e8p",
    ];

    /// <summary>Measures one quantizer on one tensor.</summary>
    public static StudyResult Measure(StudyQuantizer q, string dataName, float[] x, int[] shape, in RoundingOptions options)
    {
        var y = new float[x.Length];
        long clipped = q.Quantize(x, shape, y, options);
        double signal = 0, noise = 0, maxErr = 0;
        long flushed = 0, counted = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i])) continue;
            counted++;
            double e = (double)y[i] - x[i];
            if (double.IsNaN(e)) e = double.PositiveInfinity;
            signal += (double)x[i] * x[i];
            noise += e * e;
            maxErr = Math.Max(maxErr, Math.Abs(e));
            if (x[i] != 0 && y[i] == 0) flushed++;
        }
        double mse = counted > 0 ? noise / counted : double.NaN;
        double sqnr = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
        return new StudyResult(q.Label, dataName, q.RoundingOf(options).Name(), q.BitsPerValue(shape), sqnr, mse, maxErr,
            counted > 0 ? (double)clipped / counted : 0, counted > 0 ? (double)flushed / counted : 0, counted);
    }

    /// <summary>Shape used for synthetic data of <paramref name="size"/> values: rows of 256 (channels = rows).</summary>
    public static int[] SyntheticShape(int size) => size % 256 == 0 && size >= 256 ? [size / 256, 256] : [1, size];
}
