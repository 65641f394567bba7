using System.Globalization;
using System.Security;
using System.Text;

namespace Emulator.Cli.IO;

/// <summary>One line of a chart panel.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (non-finite points are skipped).</param>
/// <param name="Color">CSS colour.</param>
public sealed record SvgSeries(string Name, double[] X, double[] Y, string Color);

/// <summary>One panel: a title, axis labels and its lines.</summary>
public sealed record SvgPanel(string Title, string XLabel, string YLabel, IReadOnlyList<SvgSeries> Series);

/// <summary>
/// Line charts as SVG text written by our own code (no native dependency), so a report always has its figure even
/// where ScottPlot's native renderer cannot load. Panels sit side by side; axes get "nice" ticks.
/// </summary>
public static class SvgChart
{
    private const int PanelWidth = 480, Height = 360, Left = 64, Right = 16, Top = 36, Bottom = 52;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The SVG document of the panels.</summary>
    public static string Render(IReadOnlyList<SvgPanel> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        int width = PanelWidth * Math.Max(1, panels.Count);
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{Height}\" viewBox=\"0 0 {width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(Inv, $"<rect width=\"{width}\" height=\"{Height}\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.Count; i++) Panel(sb, panels[i], i * PanelWidth);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, SvgPanel p, int x0)
    {
        var points = p.Series.SelectMany(s => s.X.Zip(s.Y)).Where(q => double.IsFinite(q.First) && double.IsFinite(q.Second)).ToList();
        double xMin = points.Count > 0 ? points.Min(q => q.First) : 0, xMax = points.Count > 0 ? points.Max(q => q.First) : 1;
        double yMin = points.Count > 0 ? points.Min(q => q.Second) : 0, yMax = points.Count > 0 ? points.Max(q => q.Second) : 1;
        var xTicks = Ticks(ref xMin, ref xMax);
        var yTicks = Ticks(ref yMin, ref yMax);
        double pl = x0 + Left, pr = x0 + PanelWidth - Right, pt = Top, pb = Height - Bottom;
        double Sx(double v) => pl + (v - xMin) / (xMax - xMin) * (pr - pl);
        double Sy(double v) => pb - (v - yMin) / (yMax - yMin) * (pb - pt);

        sb.Append(Inv, $"<text x=\"{(pl + pr) / 2:F1}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Esc(p.Title)}</text>\n");
        foreach (double t in yTicks)
        {
            double y = Sy(t);
            sb.Append(Inv, $"<line x1=\"{pl:F1}\" y1=\"{y:F1}\" x2=\"{pr:F1}\" y2=\"{y:F1}\" stroke=\"#e5e5e5\"/>\n");
            sb.Append(Inv, $"<text x=\"{pl - 6:F1}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Label(t)}</text>\n");
        }
        foreach (double t in xTicks)
        {
            double x = Sx(t);
            sb.Append(Inv, $"<line x1=\"{x:F1}\" y1=\"{pt:F1}\" x2=\"{x:F1}\" y2=\"{pb:F1}\" stroke=\"#e5e5e5\"/>\n");
            sb.Append(Inv, $"<text x=\"{x:F1}\" y=\"{pb + 16:F1}\" text-anchor=\"middle\">{Label(t)}</text>\n");
        }
        sb.Append(Inv, $"<rect x=\"{pl:F1}\" y=\"{pt:F1}\" width=\"{pr - pl:F1}\" height=\"{pb - pt:F1}\" fill=\"none\" stroke=\"#444\"/>\n");
        sb.Append(Inv, $"<text x=\"{(pl + pr) / 2:F1}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Esc(p.XLabel)}</text>\n");
        sb.Append(Inv, $"<text transform=\"translate({x0 + 16},{(pt + pb) / 2:F1}) rotate(-90)\" text-anchor=\"middle\">{Esc(p.YLabel)}</text>\n");
        int legend = 0;
        foreach (var s in p.Series)
        {
            var pts = s.X.Zip(s.Y).Where(q => double.IsFinite(q.First) && double.IsFinite(q.Second)).Select(q => string.Create(Inv, $"{Sx(q.First):F1},{Sy(q.Second):F1}")).ToList();
            if (pts.Count == 0) continue;
            sb.Append(Inv, $"<polyline fill=\"none\" stroke=\"{Esc(s.Color)}\" stroke-width=\"2\" points=\"{string.Join(' ', pts)}\"/>\n");
            foreach (string q in pts)
            {
                var xy = q.Split(',');
                sb.Append(Inv, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"3\" fill=\"{Esc(s.Color)}\"/>\n");
            }
            double ly = pt + 14 + 16 * legend++;
            sb.Append(Inv, $"<line x1=\"{pr - 110:F1}\" y1=\"{ly - 4:F1}\" x2=\"{pr - 90:F1}\" y2=\"{ly - 4:F1}\" stroke=\"{Esc(s.Color)}\" stroke-width=\"2\"/>\n");
            sb.Append(Inv, $"<text x=\"{pr - 84:F1}\" y=\"{ly:F1}\">{Esc(s.Name)}</text>\n");
        }
    }

    /// <summary>About five round tick values covering [min, max]; widens the range to the outer ticks.</summary>
    private static List<double> Ticks(ref double min, ref double max)
    {
        if (max <= min) { double c = min; min = c - (c == 0 ? 1 : Math.Abs(c) * 0.1); max = c + (c == 0 ? 1 : Math.Abs(c) * 0.1); }
        double raw = (max - min) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), f = raw / mag;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        min = Math.Floor(min / step) * step;
        max = Math.Ceiling(max / step) * step;
        var ticks = new List<double>();
        for (double t = min; t <= max + step / 2; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks;
    }

    private static string Label(double v) => Math.Abs(v) < 1e-12 ? "0" : v.ToString("G4", Inv);

    private static string Esc(string s) => SecurityElement.Escape(s);
}
