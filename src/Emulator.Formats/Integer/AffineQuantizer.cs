namespace Emulator.Formats;

/// <summary>How scales and zero points are shared across a tensor.</summary>
public enum QuantizationGranularity
{
    /// <summary>One scale and zero point for the whole tensor.</summary>
    PerTensor,
    /// <summary>One per index along an axis (e.g. output channels of a weight).</summary>
    PerChannel,
    /// <summary>One per group of g consecutive elements along the last axis (a partial last group per row is allowed).</summary>
    PerGroup,
}

/// <summary>
/// Affine integer quantization x -> clamp(round(x / s) + z) and back to (q - z) * s, with the scale s and zero point z
/// chosen per tensor, per channel (axis) or per group (FORMATS.md section 3). Rounding is exact: x / s is never rounded
/// before the integer rounding.
/// </summary>
public sealed class AffineQuantizer
{
    private readonly double[] _scales;
    private readonly long[] _zeroPoints;

    private AffineQuantizer(IntegerFormat format, QuantizationGranularity granularity, double[] scales, long[] zeroPoints, int axis, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.FractionBits != 0)
            throw new ArgumentException($"affine quantization needs a plain integer format; '{format.Name}' is fixed point", nameof(format));
        if (scales.Length == 0) throw new ArgumentException("at least one scale is required", nameof(scales));
        if (zeroPoints.Length != scales.Length)
            throw new ArgumentException($"zeroPoints has {zeroPoints.Length} entries; it must match the {scales.Length} scales", nameof(zeroPoints));
        for (int i = 0; i < scales.Length; i++)
        {
            if (!(scales[i] > 0) || double.IsInfinity(scales[i]))
                throw new ArgumentOutOfRangeException(nameof(scales), scales[i], $"scales[{i}] must be positive and finite");
            if (zeroPoints[i] < format.MinInt || zeroPoints[i] > format.MaxInt)
                throw new ArgumentOutOfRangeException(nameof(zeroPoints), zeroPoints[i], $"zeroPoints[{i}] must be in [{format.MinInt}, {format.MaxInt}]");
        }
        Format = format;
        Granularity = granularity;
        _scales = scales;
        _zeroPoints = zeroPoints;
        Axis = axis;
        GroupSize = groupSize;
    }

    /// <summary>The integer grid.</summary>
    public IntegerFormat Format { get; }

    /// <summary>How scales are shared.</summary>
    public QuantizationGranularity Granularity { get; }

    /// <summary>Channel axis (per-channel only).</summary>
    public int Axis { get; }

    /// <summary>Group size g (per-group only).</summary>
    public int GroupSize { get; }

    /// <summary>The scales.</summary>
    public IReadOnlyList<double> Scales => _scales;

    /// <summary>The zero points.</summary>
    public IReadOnlyList<long> ZeroPoints => _zeroPoints;

    /// <summary>One scale and zero point for the tensor.</summary>
    public static AffineQuantizer PerTensor(IntegerFormat format, double scale, long zeroPoint = 0) =>
        new(format, QuantizationGranularity.PerTensor, [scale], [zeroPoint], 0, 0);

    /// <summary>One scale and zero point per index along <paramref name="axis"/>.</summary>
    public static AffineQuantizer PerChannel(IntegerFormat format, int axis, ReadOnlySpan<double> scales, ReadOnlySpan<long> zeroPoints = default)
    {
        if (axis < 0) throw new ArgumentOutOfRangeException(nameof(axis), axis, "axis must be non-negative");
        return new(format, QuantizationGranularity.PerChannel, scales.ToArray(),
            zeroPoints.IsEmpty ? new long[scales.Length] : zeroPoints.ToArray(), axis, 0);
    }

    /// <summary>One scale and zero point per group of <paramref name="groupSize"/> elements along the last axis.</summary>
    public static AffineQuantizer PerGroup(IntegerFormat format, int groupSize, ReadOnlySpan<double> scales, ReadOnlySpan<long> zeroPoints = default)
    {
        if (groupSize < 1) throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "group size must be at least 1");
        return new(format, QuantizationGranularity.PerGroup, scales.ToArray(),
            zeroPoints.IsEmpty ? new long[scales.Length] : zeroPoints.ToArray(), 0, groupSize);
    }

    /// <summary>Index into <see cref="Scales"/> of each flat (row-major) element of a tensor of the given shape.</summary>
    public int ParameterIndex(long flatIndex, ReadOnlySpan<int> shape)
    {
        switch (Granularity)
        {
            case QuantizationGranularity.PerTensor:
                return 0;
            case QuantizationGranularity.PerChannel:
            {
                long inner = 1;
                for (int d = Axis + 1; d < shape.Length; d++) inner *= shape[d];
                return (int)(flatIndex / inner % shape[Axis]);
            }
            default:
            {
                int last = shape[^1];
                long row = flatIndex / last, col = flatIndex % last;
                long groupsPerRow = (last + GroupSize - 1) / GroupSize;
                return (int)(row * groupsPerRow + col / GroupSize);
            }
        }
    }

    /// <summary>Number of scales a tensor of this shape needs under the given granularity.</summary>
    public static int ParameterCount(QuantizationGranularity granularity, ReadOnlySpan<int> shape, int axis = 0, int groupSize = 1)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        return granularity switch
        {
            QuantizationGranularity.PerTensor => 1,
            QuantizationGranularity.PerChannel => shape[axis],
            _ => (int)(count / shape[^1] * ((shape[^1] + groupSize - 1) / groupSize)),
        };
    }

    private void ValidateShape(int length, ReadOnlySpan<int> shape)
    {
        if (shape.IsEmpty) throw new ArgumentException("shape must have at least one dimension", nameof(shape));
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 1) throw new ArgumentOutOfRangeException(nameof(shape), d, "every dimension must be at least 1");
            count *= d;
        }
        if (count != length)
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] holds {count} elements but x has {length}", nameof(shape));
        if (Granularity == QuantizationGranularity.PerChannel && Axis >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(shape), Axis, $"axis {Axis} is beyond the shape's {shape.Length} dimensions");
        int needed = ParameterCount(Granularity, shape, Axis, Math.Max(GroupSize, 1));
        if (needed != _scales.Length)
            throw new ArgumentException($"this shape needs {needed} scales; the quantizer has {_scales.Length}", nameof(shape));
    }

    /// <summary>The clamped integer q of one element with parameter set <paramref name="p"/> (options that name no mode
    /// round with the integer format's default).</summary>
    public long QuantizeToInteger(double x, int p, in RoundingOptions options, uint randomWord) =>
        Format.Clamp(IntegerFormat.RoundQuotient(x, _scales[p], Format.WithDefaults(options), randomWord) + _zeroPoints[p]);

    /// <summary>The dequantized value (q - z) * s of parameter set <paramref name="p"/>.</summary>
    public double Dequantize(long q, int p) => (q - _zeroPoints[p]) * _scales[p];

    /// <summary>Encodes a row-major tensor to integer codes; element i uses Philox index <paramref name="indexOffset"/> + i.</summary>
    public void Encode(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> codes, in RoundingOptions options = default, long indexOffset = 0)
    {
        ValidateShape(x.Length, shape);
        if (codes.Length < x.Length) throw new ArgumentException($"codes has length {codes.Length}; it must be at least {x.Length}", nameof(codes));
        for (int i = 0; i < x.Length; i++)
        {
            int p = ParameterIndex(i, shape);
            codes[i] = Format.CodeOf(QuantizeToInteger(x[i], p, options, options.RandomWord(indexOffset + i)));
        }
    }

    /// <summary>Fake-quantizes a row-major tensor (in place allowed); NaN inputs stay NaN.</summary>
    public void Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options = default, long indexOffset = 0)
    {
        ValidateShape(x.Length, shape);
        if (y.Length < x.Length) throw new ArgumentException($"y has length {y.Length}; it must be at least {x.Length}", nameof(y));
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i])) { y[i] = float.NaN; continue; }
            int p = ParameterIndex(i, shape);
            y[i] = (float)Dequantize(QuantizeToInteger(x[i], p, options, options.RandomWord(indexOffset + i)), p);
        }
    }
}
