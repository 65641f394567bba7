using System.Globalization;

namespace Emulator.Quantization;

/// <summary>How many scales a tensor has.</summary>
public enum GranularityKind
{
    /// <summary>One scale for the whole tensor.</summary>
    PerTensor,
    /// <summary>One scale per index along an axis (output channels of a weight: axis 0; channels of an NCHW activation: axis 1).</summary>
    PerChannel,
    /// <summary>One scale per group of G consecutive elements along the last axis (a shorter last group per row is allowed).</summary>
    PerGroup,
}

/// <summary>Where scales are shared: per tensor, per channel along an axis, or per group of G along the last axis.</summary>
public readonly record struct Granularity(GranularityKind Kind, int Axis = 0, int GroupSize = 0)
{
    /// <summary>One scale for the tensor.</summary>
    public static Granularity PerTensor => new(GranularityKind.PerTensor);

    /// <summary>One scale per channel along <paramref name="axis"/>.</summary>
    public static Granularity PerChannel(int axis = 0) => new(GranularityKind.PerChannel, axis);

    /// <summary>One scale per group of <paramref name="size"/> along the last axis.</summary>
    public static Granularity PerGroup(int size)
    {
        if (size < 1 || size > 1 << 20) throw new ArgumentOutOfRangeException(nameof(size), size, "group size must be in 1..1048576");
        return new(GranularityKind.PerGroup, -1, size);
    }

    /// <summary>Parses <c>tensor</c>, <c>channel</c> (axis 0), <c>channel-A</c> or <c>group-G</c>.</summary>
    public static Granularity Parse(string text)
    {
        if (text == "tensor") return PerTensor;
        if (text == "channel") return PerChannel();
        if (text.StartsWith("channel-", StringComparison.Ordinal) && int.TryParse(text[8..], NumberStyles.None, CultureInfo.InvariantCulture, out int a))
            return PerChannel(a);
        if (text.StartsWith("group-", StringComparison.Ordinal) && int.TryParse(text[6..], NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g >= 1)
            return PerGroup(g);
        throw new ArgumentException($"granularity '{text}' is not one of tensor, channel, channel-A (axis A), group-G (G >= 1)", nameof(text));
    }

    /// <summary>The text form (<c>tensor</c>, <c>channel</c>, <c>channel-1</c>, <c>group-32</c>).</summary>
    public override string ToString() => Kind switch
    {
        GranularityKind.PerTensor => "tensor",
        GranularityKind.PerChannel => Axis == 0 ? "channel" : $"channel-{Axis}",
        _ => $"group-{GroupSize}",
    };
}

/// <summary>
/// The runs of contiguous elements that share a scale, for a shape and a granularity: run r covers
/// [Start(r), Start(r) + RunLength) and uses slice (scale index) Slice(r).
/// </summary>
internal readonly struct SliceLayout
{
    public readonly int Slices;      // number of scales
    public readonly int Runs;        // number of runs
    public readonly int RunLength;   // elements per run (the last run of a row may be shorter for groups)
    private readonly int _channels, _rowLength, _groupsPerRow;
    private readonly GranularityKind _kind;

    public SliceLayout(ReadOnlySpan<int> shape, Granularity g)
    {
        int numel = 1;
        foreach (int d in shape) numel *= d;
        _kind = g.Kind;
        _channels = 1; _rowLength = numel; _groupsPerRow = 1;
        switch (g.Kind)
        {
            case GranularityKind.PerTensor:
                Slices = 1; Runs = 1; RunLength = numel;
                break;
            case GranularityKind.PerChannel:
            {
                if (shape.Length == 0 || g.Axis < 0 || g.Axis >= shape.Length)
                    throw new ArgumentOutOfRangeException(nameof(g), g.Axis, $"per-channel axis {g.Axis} is out of range for a tensor of rank {shape.Length}");
                int inner = 1;
                for (int i = g.Axis + 1; i < shape.Length; i++) inner *= shape[i];
                _channels = shape[g.Axis];
                Slices = _channels;
                RunLength = inner;
                Runs = inner == 0 ? 0 : numel / inner;
                break;
            }
            default:
            {
                int last = shape.Length == 0 ? 1 : shape[^1];
                _rowLength = last;
                _groupsPerRow = (last + g.GroupSize - 1) / g.GroupSize;
                int rows = last == 0 ? 0 : numel / last;
                Slices = rows * _groupsPerRow;
                Runs = Slices;
                RunLength = g.GroupSize;
                break;
            }
        }
    }

    public (int Start, int Length, int Slice) Run(int r)
    {
        switch (_kind)
        {
            case GranularityKind.PerTensor: return (0, RunLength, 0);
            case GranularityKind.PerChannel: return (r * RunLength, RunLength, r % _channels);
            default:
            {
                int row = r / _groupsPerRow, g = r % _groupsPerRow;
                int start = g * RunLength;
                return (row * _rowLength + start, Math.Min(RunLength, _rowLength - start), r);
            }
        }
    }

    /// <summary>Copies the elements of one slice, in increasing index order, into <paramref name="into"/>; returns the count.</summary>
    public int Gather(ReadOnlySpan<float> x, int slice, Span<float> into)
    {
        int n = 0;
        if (_kind == GranularityKind.PerChannel)
        {
            for (int r = slice; r < Runs; r += _channels)
            {
                x.Slice(r * RunLength, RunLength).CopyTo(into[n..]);
                n += RunLength;
            }
            return n;
        }
        if (_kind == GranularityKind.PerTensor) { x.CopyTo(into); return x.Length; }
        var (s, len, _) = Run(slice);
        x.Slice(s, len).CopyTo(into);
        return len;
    }

    /// <summary>Elements per slice (the largest, for groups).</summary>
    public int SliceSize => _kind switch
    {
        GranularityKind.PerTensor => RunLength,
        GranularityKind.PerChannel => _channels == 0 ? 0 : Runs / _channels * RunLength,
        _ => Math.Min(RunLength, _rowLength),
    };
}
