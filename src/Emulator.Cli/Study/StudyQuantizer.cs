using Emulator.Formats;

namespace Emulator.Cli.Study;

/// <summary>What a study measures for one element array: the quantized values and the count of clipped elements.</summary>
public abstract class StudyQuantizer
{
    /// <summary>Label in reports, e.g. <c>int4@group-32</c>.</summary>
    public abstract string Label { get; }

    /// <summary>Storage bits per value including scale overhead, for a tensor of <paramref name="shape"/>.</summary>
    public abstract double BitsPerValue(ReadOnlySpan<int> shape);

    /// <summary>The rounding mode the quantizer applies under <paramref name="options"/>: the one named, else its format's default.</summary>
    public abstract RoundingMode RoundingOf(in RoundingOptions options);

    /// <summary>Quantizes a row-major tensor; returns how many elements were clipped to the largest magnitude.</summary>
    public abstract long Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options);

    /// <summary>
    /// Builds the quantizer of a study entry <c>name[@scaling]</c>. Scalings: <c>none</c> (values as they are),
    /// <c>tensor</c> (one float32 scale amax / max), <c>channel</c> (per row), <c>group-G</c> (per G values along a row).
    /// Default: integers per channel, floats of at most 8 bits per tensor, everything else none.
    /// </summary>
    public static StudyQuantizer Create(string entry)
    {
        string[] parts = entry.Split('@', 2);
        NumberFormat format = FormatRegistry.Default.Get(parts[0]);
        string? scaling = parts.Length > 1 ? parts[1] : null;
        foreach (var factory in Factories)
            if (factory(format, scaling, entry) is { } q) return q;
        throw new CliException($"--formats '{entry}': '{format.Kind}' formats cannot be studied yet");
    }

    /// <summary>Floats of at most 8 bits get a per-tensor scale, table formats (NF4) QLoRA's absmax per 64; the rest none.</summary>
    private static string DefaultScaling(ScalarFormat f) => f.Kind switch
    {
        "float" when f.Bits <= 8 => "tensor",
        "table" => "group-64",
        _ => "none",
    };

    /// <summary>Builders tried in order; each kind of format contributes one.</summary>
    private static readonly List<Func<NumberFormat, string?, string, StudyQuantizer?>> Factories =
    [
        (f, s, e) => f is IntegerFormat i ? IntegerStudyQuantizer.Create(i, s ?? "channel", e) : null,
        (f, s, e) => f is BlockFormat b ? BlockStudyQuantizer.Create(b, s, e) : null,
        (f, s, e) => f is VectorCodec v ? LatticeStudyQuantizer.Create(v, s ?? "channel", e) : null,
        (f, s, e) => f is ScalarFormat sf ? ScalarStudyQuantizer.Create(sf, s ?? DefaultScaling(sf), e) : null,
    ];
}

/// <summary>A scalar format, optionally behind float32 absmax scales amax / max: one per tensor (as FP8 training recipes do),
/// per row (channel) or per group of G along a row (as QLoRA's NF4 with G = 64).</summary>
internal sealed class ScalarStudyQuantizer(ScalarFormat format, QuantizationGranularity? granularity, int group, string label) : StudyQuantizer
{
    public static StudyQuantizer Create(ScalarFormat f, string scaling, string entry)
    {
        var (granularity, group) = StudyScaling.Parse(scaling, entry, allowNone: true, allowTensor: true);
        return new ScalarStudyQuantizer(f, granularity, group, StudyScaling.Label(entry, scaling));
    }

    public override string Label => label;

    public override RoundingMode RoundingOf(in RoundingOptions options) => format.WithDefaults(options).Mode;

    public override double BitsPerValue(ReadOnlySpan<int> shape)
    {
        if (granularity is not { } g) return format.Bits;
        long count = 1;
        foreach (int d in shape) count *= d;
        return format.Bits + 32.0 * AffineQuantizer.ParameterCount(g, shape, 0, Math.Max(group, 1)) / count;
    }

    public override long Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options)
    {
        int rowLength = shape[^1];
        int span = granularity switch { null => x.Length, QuantizationGranularity.PerTensor => x.Length, QuantizationGranularity.PerChannel => rowLength, _ => group };
        long clipped = 0;
        for (int row = 0; row < x.Length; row += granularity == QuantizationGranularity.PerGroup ? rowLength : x.Length)
        {
            int rowEnd = granularity == QuantizationGranularity.PerGroup ? Math.Min(row + rowLength, x.Length) : x.Length;
            for (int start = row; start < rowEnd; start += span)
            {
                int end = Math.Min(start + span, rowEnd);
                float scale = 1;
                if (granularity is not null)
                {
                    float amax = 0;
                    for (int i = start; i < end; i++) if (float.IsFinite(x[i])) amax = Math.Max(amax, Math.Abs(x[i]));
                    scale = amax > 0 ? (float)(amax / format.MaxFinite) : 1;
                    if (amax / (double)scale > format.MaxFinite) scale = MathF.BitIncrement(scale); // amax maps inside the range
                }
                for (int i = start; i < end; i++)
                {
                    float v = x[i] / scale;
                    if (Math.Abs(v) > format.MaxFinite) clipped++;
                    y[i] = format.Quantize(v, options, i) * scale;
                }
            }
        }
        return clipped;
    }
}

/// <summary>An integer grid with symmetric min-max scales per tensor, channel (row) or group of G along a row.</summary>
internal sealed class IntegerStudyQuantizer(IntegerFormat format, QuantizationGranularity granularity, int group, string label) : StudyQuantizer
{
    public static StudyQuantizer Create(IntegerFormat f, string scaling, string entry)
    {
        var (granularity, group) = StudyScaling.Parse(scaling, entry, allowNone: false, allowTensor: true);
        return new IntegerStudyQuantizer(f, granularity!.Value, group, StudyScaling.Label(entry, scaling));
    }

    public override string Label => label;

    public override RoundingMode RoundingOf(in RoundingOptions options) => format.WithDefaults(options).Mode;

    public override double BitsPerValue(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        int scales = AffineQuantizer.ParameterCount(granularity, shape, 0, Math.Max(group, 1));
        return format.Bits + 32.0 * scales / count;
    }

    public override long Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options)
    {
        AffineQuantizer q = granularity switch
        {
            QuantizationGranularity.PerTensor => ScaleCalibration.SymmetricPerTensor(format, x),
            QuantizationGranularity.PerChannel => ScaleCalibration.PerChannel(format, x, shape, 0),
            _ => ScaleCalibration.PerGroup(format, x, shape, group),
        };
        q.Quantize(x, shape, y, options);
        return 0; // symmetric min-max scales never clip
    }
}

/// <summary>A lattice codec over groups of d values along each row, with the per-row (channel) or per-group scale that
/// minimises the squared error (QuIP#-style; <see cref="LatticeMatrixQuantizer"/>); fp16 scales.</summary>
internal sealed class LatticeStudyQuantizer(VectorCodec codec, int group, string label) : StudyQuantizer
{
    public static StudyQuantizer Create(VectorCodec v, string scaling, string entry)
    {
        var (_, group) = StudyScaling.Parse(scaling, entry, allowNone: false, allowTensor: false);
        if (group % v.Dimension != 0)
            throw new CliException($"--formats '{entry}': group {group} must be a multiple of the dimension {v.Dimension}");
        return new LatticeStudyQuantizer(v, group, StudyScaling.Label(entry, scaling));
    }

    public override string Label => label;

    /// <summary>Lattice codecs take the nearest codeword; the options' mode is reported as given.</summary>
    public override RoundingMode RoundingOf(in RoundingOptions options) => options.Mode;

    private LatticeQuantizationResult? _last;

    public override double BitsPerValue(ReadOnlySpan<int> shape) => _last?.BitsPerWeight ?? codec.BitsPerValue;

    public override long Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options)
    {
        int cols = shape[^1], rows = x.Length / cols;
        if (cols % codec.Dimension != 0)
            throw new CliException($"{label}: rows of {cols} values do not split into groups of {codec.Dimension}");
        _last = LatticeMatrixQuantizer.Quantize(codec, x, rows, cols, new LatticeQuantizationOptions { GroupSize = group });
        _last.Dequantized.AsSpan().CopyTo(y);
        return 0;
    }
}

/// <summary>The <c>@scaling</c> part of a study entry: <c>none</c>, <c>tensor</c>, <c>channel</c> or <c>group-G</c>.</summary>
internal static class StudyScaling
{
    /// <summary>Parses a scaling; null granularity means none. Group is 0 unless per group.</summary>
    public static (QuantizationGranularity? Granularity, int Group) Parse(string scaling, string entry, bool allowNone, bool allowTensor)
    {
        if (scaling == "none" && allowNone) return (null, 0);
        if (scaling == "tensor" && allowTensor) return (QuantizationGranularity.PerTensor, 0);
        if (scaling == "channel") return (QuantizationGranularity.PerChannel, 0);
        if (scaling.StartsWith("group-", StringComparison.Ordinal) && int.TryParse(scaling[6..], out int g) && g is >= 1 and <= 1 << 20)
            return (QuantizationGranularity.PerGroup, g);
        string valid = string.Join(", ", new[] { allowNone ? "none" : null, allowTensor ? "tensor" : null, "channel", "group-G (G = 1..1048576)" }.Where(v => v is not null));
        throw new CliException($"--formats '{entry}': scaling '{scaling}' is not one of {valid}");
    }

    /// <summary>The report label: the entry as given, with the default scaling made explicit (none stays implicit).</summary>
    public static string Label(string entry, string scaling) => entry.Contains('@') || scaling == "none" ? entry : $"{entry}@{scaling}";
}
