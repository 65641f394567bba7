using Emulator.Formats;

namespace Emulator.Cli.Study;

/// <summary>A block format with its own scales (MX, NVFP4, BFP): blocks along the last axis, tiles over the last two.</summary>
internal sealed class BlockStudyQuantizer(BlockFormat format, string label) : StudyQuantizer
{
    public static StudyQuantizer Create(BlockFormat f, string? scaling, string entry) => scaling is null or "none"
        ? new BlockStudyQuantizer(f, entry)
        : throw new CliException($"--formats '{entry}': block format '{f.Name}' carries its own scales; scaling '{scaling}' is not available (none)");

    public override string Label => label;

    public override RoundingMode RoundingOf(in RoundingOptions options) => format.Element.WithDefaults(options).Mode;

    /// <summary>Element bits plus every stored block scale (partial edge blocks included) and the 32-bit tensor scale.</summary>
    public override double BitsPerValue(ReadOnlySpan<int> shape)
    {
        BlockLayout layout = Layout(shape);
        if (layout.ElementCount == 0) return format.BitsPerValue;
        double bits = (double)layout.ElementCount * format.Element.Bits + (double)layout.BlockCount * format.ScaleStorageBits + (format.HasTensorScale ? 32 : 0);
        return bits / layout.ElementCount;
    }

    private BlockLayout Layout(ReadOnlySpan<int> shape)
    {
        if (format.BlockRows > 1 && shape.Length < 2)
            throw new CliException($"--formats '{label}': {format.BlockRows}x{format.BlockCols} tiles need a tensor of rank 2 or more");
        return format.Layout(shape);
    }

    /// <summary>Quantizes; an element counts as clipped when it saturated at the element format's largest magnitude.</summary>
    public override long Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options)
    {
        BlockLayout layout = Layout(shape);
        var codes = new uint[x.Length];
        var scales = new uint[layout.BlockCount];
        TensorScale ts = format.TensorScaleFor(BlockFormat.Amax(x));
        format.Encode(x, layout, codes, scales, ts, options);
        format.Decode(codes, scales, layout, y, ts.Decode);
        long clipped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) { y[i] = float.NaN; continue; }
            if (Math.Abs(format.Element.Decode(codes[i])) == format.Element.MaxFinite && Math.Abs(x[i]) > Math.Abs(y[i])) clipped++;
        }
        return clipped;
    }
}
