using System.Globalization;
using System.Text;
using Emulator.Cli.IO;

namespace Emulator.Cli.Study;

/// <summary>Writes study.md, study.csv and study.png.</summary>
public static class StudyReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Formats a metric for tables.</summary>
    public static string Sqnr(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("F2", Inv);

    /// <summary>Short scientific notation.</summary>
    public static string Sci(double v) => v.ToString("0.000e+00", Inv);

    /// <summary>A fraction as a percentage.</summary>
    public static string Pct(double v) => (100 * v).ToString("0.###", Inv) + "%";

    /// <summary>CSV text of the results.</summary>
    public static string Csv(IReadOnlyList<StudyResult> rows)
    {
        var sb = new StringBuilder("format,data,rounding,bits_per_value,sqnr_db,mse,max_abs_error,fraction_saturated,fraction_flushed_to_zero,elements\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture,
                $"{r.Format},{r.Data},{r.Rounding},{r.BitsPerValue:R},{r.SqnrDb:R},{r.Mse:R},{r.MaxAbsError:R},{r.FractionSaturated:R},{r.FractionFlushedToZero:R},{r.Elements}\n");
        return sb.ToString();
    }

    /// <summary>Markdown report: one table per data set.</summary>
    public static string Markdown(IReadOnlyList<StudyResult> rows, string settings)
    {
        var sb = new StringBuilder("# Format study\n\n").Append(settings).Append("\n\n");
        sb.Append("SQNR = 10 log10(sum x^2 / sum (x - q)^2). Saturated: |x| beyond the largest magnitude its scale can represent. ")
          .Append("Flushed: nonzero x quantized to 0. Bits per value include float32 scales and shared exponents.\n\n");
        foreach (var group in rows.GroupBy(r => r.Data))
        {
            sb.Append("## ").Append(group.Key).Append("\n\n| format | bits/value | SQNR (dB) | MSE | max abs error | saturated | flushed to zero |\n|---|---|---|---|---|---|---|\n");
            foreach (var r in group.OrderByDescending(r => r.SqnrDb))
                sb.Append(Inv, $"| {r.Format} | {r.BitsPerValue:0.###} | {Sqnr(r.SqnrDb)} | {Sci(r.Mse)} | {Sci(r.MaxAbsError)} | {Pct(r.FractionSaturated)} | {Pct(r.FractionFlushedToZero)} |\n");
            sb.Append('\n');
        }
        sb.Append("![SQNR against bits per value](study.png)\n");
        return sb.ToString();
    }

    /// <summary>PNG scatter plot: SQNR against bits per value, one marker per format, one colour per data set.</summary>
    public static byte[] Plot(IReadOnlyList<StudyResult> rows)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var group in rows.GroupBy(r => r.Data))
        {
            var finite = group.Where(r => double.IsFinite(r.SqnrDb)).ToList();
            if (finite.Count == 0) continue;
            var scatter = plot.Add.ScatterPoints(finite.Select(r => r.BitsPerValue).ToArray(), finite.Select(r => r.SqnrDb).ToArray());
            scatter.Color = palette.GetColor(k++);
            scatter.MarkerSize = 8;
            scatter.LegendText = group.Key;
            if (k == 1)
                foreach (var r in finite)
                {
                    var text = plot.Add.Text(r.Format, r.BitsPerValue, r.SqnrDb);
                    text.LabelFontSize = 9;
                    text.LabelOffsetX = 5;
                }
        }
        plot.Title("SQNR against bits per value");
        plot.XLabel("bits per value (including scales)");
        plot.YLabel("SQNR (dB)");
        plot.ShowLegend();
        return plot.GetImageBytes(1200, 800, ScottPlot.ImageFormat.Png);
    }

    /// <summary>Writes the three files into <paramref name="dir"/> (created if needed), atomically per file set.</summary>
    public static void Write(string dir, IReadOnlyList<StudyResult> rows, string settings)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"--out '{dir}': cannot create the directory: {e.Message}");
        }
        using var outputs = new AtomicOutputs();
        outputs.Add(Path.Combine(dir, "study.md"), "--out", Encoding.UTF8.GetBytes(Markdown(rows, settings)));
        outputs.Add(Path.Combine(dir, "study.csv"), "--out", Encoding.UTF8.GetBytes(Csv(rows)));
        outputs.Add(Path.Combine(dir, "study.png"), "--out", Plot(rows));
        outputs.Commit();
    }
}
