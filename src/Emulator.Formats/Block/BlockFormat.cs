namespace Emulator.Formats;

/// <summary>
/// A block-scaled format (FORMATS.md section 5): an element format, a block shape (1xB along an axis, or R x C tiles over the
/// last two axes), a scale format with a <see cref="ScaleRule"/>, and optionally a float32 per-tensor scale (NVFP4).
/// Decoded value = element * block scale (* tensor decode scale), rounded once to float32.
/// </summary>
/// <remarks>
/// Elements are rounded with the caller's <see cref="RoundingOptions"/> (any mode of section 1; stochastic modes draw the
/// Philox word of the element's flat index in the tensor plus the index offset) and always saturate to the element's
/// largest finite value. Power-of-two scales divide exactly (in double); <see cref="ScaleRule.AmaxOverMax"/> follows the
/// NVFP4 reference's float32 chain. Non-finite inputs: with a power-of-two rule and a scale format that has NaN, a NaN or
/// ±Inf anywhere in a block gives the NaN scale, the element +0 code and NaN outputs (OCP MX); with
/// <see cref="ScaleRule.AmaxOverMax"/> NaN does the same while ±Inf saturates the scale and the element (NVFP4 reference);
/// a scale format without NaN (integer exponents, BFP) ignores non-finite values when choosing the scale, saturates ±Inf
/// elements, encodes NaN elements as the element format does (integers: 0), and Quantize returns NaN for them.
/// </remarks>
public sealed class BlockFormat : NumberFormat
{
    /// <summary>Largest number of elements in one block.</summary>
    public const int MaxBlockSize = 1 << 16;

    private readonly float _elementMaxF, _inverseElementMax, _scaleMaxF, _tensorRange;
    private readonly int _minExponent, _maxExponent, _elementPrecisionBits;
    private readonly uint _elementZeroCode, _scaleNaNCode;
    private readonly bool _scaleHasNaN;

    /// <summary>Creates and validates a block format.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="element">The element format (any scalar format with a positive largest finite value).</param>
    /// <param name="blockRows">Block height: 1 for 1xB blocks along an axis, more for tiles over the last two axes.</param>
    /// <param name="blockCols">Block width B.</param>
    /// <param name="scale">The scale format (E8M0, UE4M3, binary32, or a signed integer when <paramref name="scaleIsExponent"/>).</param>
    /// <param name="rule">How the scale follows from the block amax.</param>
    /// <param name="scaleIsExponent">The scale code is a two's-complement integer k meaning 2^k (block floating point).</param>
    /// <param name="tensorScale">Use the NVFP4 float32 per-tensor scale (requires <see cref="ScaleRule.AmaxOverMax"/>).</param>
    public BlockFormat(FormatInfo info, ScalarFormat element, int blockRows, int blockCols, ScalarFormat scale,
        ScaleRule rule, bool scaleIsExponent = false, bool tensorScale = false) : base(info)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(scale);
        if (!Enum.IsDefined(rule)) throw new ArgumentOutOfRangeException(nameof(rule), rule, "not a scale rule");
        if (blockRows < 1 || blockCols < 1 || (long)blockRows * blockCols > MaxBlockSize)
            throw new ArgumentOutOfRangeException(nameof(blockCols), $"{blockRows}x{blockCols}",
                $"block rows and columns must be at least 1 with at most {MaxBlockSize} elements per block");
        if (!(element.MaxFinite > 0) || double.IsInfinity(element.MaxFinite) || element.MaxFinite > float.MaxValue)
            throw new ArgumentException($"element format '{element.Name}' needs a positive finite largest value within float32", nameof(element));
        Element = element;
        Scale = scale;
        BlockRows = blockRows;
        BlockCols = blockCols;
        Rule = rule;
        ScaleIsExponent = scaleIsExponent;
        HasTensorScale = tensorScale;
        ElementMaxExponent = BinarySplit.FloorLog2(element.MaxFinite);
        _elementMaxF = (float)element.MaxFinite;
        _inverseElementMax = 1f / _elementMaxF;
        _elementZeroCode = element.Encode(0.0, default, 0u);

        if (scaleIsExponent)
        {
            if (scale is not IntegerFormat { Signed: true, FractionBits: 0, Bits: >= 2 and <= 10 })
                throw new ArgumentException($"an exponent scale must be a signed integer format of 2..10 bits; '{scale.Name}' is not", nameof(scale));
            if (!rule.IsPowerOfTwo())
                throw new ArgumentException($"scale rule '{rule.Name()}' gives arbitrary values; an exponent scale needs a power-of-two rule", nameof(rule));
            var si = (IntegerFormat)scale;
            _minExponent = (int)si.MinInt;
            _maxExponent = (int)si.MaxInt;
        }
        else
        {
            if (!(scale.MaxFinite > 0) || scale.MaxFinite > float.MaxValue || scale.MinSubnormal <= 0)
                throw new ArgumentException($"scale format '{scale.Name}' needs positive values within float32", nameof(scale));
            if (rule.IsPowerOfTwo() && scale is not FloatFormat)
                throw new ArgumentException($"scale rule '{rule.Name()}' needs a float scale format (powers of two); '{scale.Name}' is {scale.Kind}", nameof(scale));
            _minExponent = BinarySplit.FloorLog2(scale.MinSubnormal);
            _maxExponent = BinarySplit.FloorLog2(scale.MaxFinite);
            if (_minExponent < -149 - 64 || _maxExponent > 127 + 64)
                throw new ArgumentException($"scale format '{scale.Name}' spans 2^{_minExponent}..2^{_maxExponent}; scales must stay near float32's range", nameof(scale));
        }
        _scaleHasNaN = !scaleIsExponent && scale.HasNaN;
        _scaleNaNCode = _scaleHasNaN ? scale.Encode(double.NaN, default, 0u) : 0u;
        _scaleMaxF = (float)scale.MaxFinite;

        if (tensorScale && rule != ScaleRule.AmaxOverMax)
            throw new ArgumentException($"a tensor scale needs scale rule 'amax-over-max', not '{rule.Name()}'", nameof(tensorScale));
        _tensorRange = _scaleMaxF * _elementMaxF;
        if (rule == ScaleRule.Even)
        {
            _elementPrecisionBits = element switch
            {
                FloatFormat f => f.MantissaBits,
                IntegerFormat i => BinarySplit.FloorLog2(i.MaxInt),
                _ => throw new ArgumentException($"scale rule 'even' needs a float or integer element format; '{element.Name}' is {element.Kind}", nameof(element)),
            };
        }
    }

    /// <inheritdoc />
    public override string Kind => "block";

    /// <summary>Element bits plus the stored scale's bits shared by a full block (the per-tensor scale is not counted):
    /// MXFP4 4.25, NVFP4 4.5.</summary>
    public override double BitsPerValue => Element.Bits + (double)ScaleStorageBits / BlockSize;

    /// <summary>Bits a stored scale code occupies: its width rounded up to 8, 16 or 32 (UE4M3's 7 bits take a byte).</summary>
    public int ScaleStorageBits => Scale.Bits <= 8 ? 8 : Scale.Bits <= 16 ? 16 : 32;

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, string>> Parameters =>
    [
        new("kind", Kind), new("element", Element.Name), new("block", $"{BlockRows}x{BlockCols}"),
        new("scale", ScaleIsExponent ? $"2^k, k a {Scale.Name} ({ScaleExponentRange.Min}..{ScaleExponentRange.Max})" : Scale.Name),
        new("scale rule", Rule.Name()), new("tensor scale", HasTensorScale ? "float32 (amax)" : "none"),
        new("element max", Element.MaxFinite.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        new("bits per value", BitsPerValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>The element format.</summary>
    public ScalarFormat Element { get; }

    /// <summary>The scale format (when <see cref="ScaleIsExponent"/>, an integer holding the exponent).</summary>
    public ScalarFormat Scale { get; }

    /// <summary>Whether a scale code is a two's-complement exponent k meaning 2^k.</summary>
    public bool ScaleIsExponent { get; }

    /// <summary>The scale rule.</summary>
    public ScaleRule Rule { get; }

    /// <summary>Block height (1 for 1xB blocks).</summary>
    public int BlockRows { get; }

    /// <summary>Block width.</summary>
    public int BlockCols { get; }

    /// <summary>Elements in a full block.</summary>
    public int BlockSize => BlockRows * BlockCols;

    /// <summary>Whether the format has the NVFP4 float32 per-tensor scale.</summary>
    public bool HasTensorScale { get; }

    /// <summary>emax_elem = floor(log2(element max finite)): 8 for e4m3, 15 for e5m2, 4 for e3m2, 2 for e2m3 and e2m1.</summary>
    public int ElementMaxExponent { get; }

    /// <summary>The range of power-of-two scale exponents: [min, max].</summary>
    public (int Min, int Max) ScaleExponentRange => (_minExponent, _maxExponent);

    /// <summary>The layout of a row-major tensor of <paramref name="shape"/> (1xB blocks along <paramref name="axis"/>).</summary>
    public BlockLayout Layout(ReadOnlySpan<int> shape, int axis = -1) => new(shape, BlockRows, BlockCols, axis);

    /// <summary>Number of block scales of a tensor of <paramref name="shape"/>.</summary>
    public long ScaleCount(ReadOnlySpan<int> shape, int axis = -1) => Layout(shape, axis).BlockCount;

    /// <summary>The largest magnitude of <paramref name="x"/> (NaN if any element is NaN; 0 for an empty span).</summary>
    public static float Amax(ReadOnlySpan<float> x)
    {
        float m = 0f;
        foreach (float v in x)
        {
            if (float.IsNaN(v)) return float.NaN;
            m = MathF.Max(m, MathF.Abs(v));
        }
        return m;
    }

    /// <summary>The tensor scale for a tensor amax (<see cref="TensorScale.None"/> for formats without one).</summary>
    public TensorScale TensorScaleFor(float tensorAmax) =>
        HasTensorScale ? TensorScale.FromAmax(tensorAmax, _tensorRange) : TensorScale.None;

    /// <summary>The value of a scale code (NaN for the NaN code).</summary>
    public double ScaleValue(uint scaleCode) =>
        ScaleIsExponent ? Math.ScaleB(1.0, (int)((IntegerFormat)Scale).IntegerOf(scaleCode)) : Scale.Decode(scaleCode);

    /// <summary>The power-of-two exponent the scale rule gives for a finite block amax, clamped to <see cref="ScaleExponentRange"/>.
    /// Not defined for <see cref="ScaleRule.AmaxOverMax"/>.</summary>
    public int SharedExponent(float amax)
    {
        if (!float.IsFinite(amax) || amax < 0)
            throw new ArgumentOutOfRangeException(nameof(amax), amax, "amax must be finite and non-negative");
        if (amax == 0) return _minExponent;
        int k;
        switch (Rule)
        {
            case ScaleRule.Floor:
                k = BinarySplit.FloorLog2(amax) - ElementMaxExponent;
                break;
            case ScaleRule.Ceil:
                k = CeilLog2(amax) - ElementMaxExponent;
                break;
            case ScaleRule.Even:
            {
                int e = BinarySplit.FloorLog2(amax);
                double threshold = Math.ScaleB(1.0, e + 1) - Math.ScaleB(1.0, e - _elementPrecisionBits - 1);
                k = (amax >= threshold ? e + 1 : e) - ElementMaxExponent;
                break;
            }
            case ScaleRule.RCeil:
            {
                float q = amax * _inverseElementMax;
                if (q == 0f) return _minExponent;
                k = float.IsInfinity(q) ? _maxExponent : CeilLog2(q);
                break;
            }
            default:
                throw new InvalidOperationException($"scale rule '{Rule.Name()}' does not give a power of two");
        }
        return Math.Clamp(k, _minExponent, _maxExponent);
    }

    private static int CeilLog2(double a)
    {
        int f = BinarySplit.FloorLog2(a);
        return Math.ScaleB(1.0, f) == a ? f : f + 1;
    }

    private uint ExponentCode(int k) => ScaleIsExponent
        ? ((IntegerFormat)Scale).CodeOf(k)
        : Scale.Encode(Math.ScaleB(1.0, k), default, 0u);

    /// <summary>
    /// Encodes one block: <paramref name="x"/> holds its elements in block order, <paramref name="indices"/> their flat
    /// positions in the tensor (the stochastic-rounding index is <paramref name="indexOffset"/> + position).
    /// Writes the element codes in block order and returns the scale code.
    /// </summary>
    public uint EncodeBlock(ReadOnlySpan<float> x, ReadOnlySpan<int> indices, Span<uint> codes, TensorScale tensorScale,
        in RoundingOptions options = default, long indexOffset = 0)
    {
        int n = x.Length;
        if (n > BlockSize) throw new ArgumentException($"x has {n} elements; a block holds at most {BlockSize}", nameof(x));
        if (indices.Length < n) throw new ArgumentException($"indices has length {indices.Length}; it must be at least x.Length = {n}", nameof(indices));
        if (codes.Length < n) throw new ArgumentException($"codes has length {codes.Length}; it must be at least x.Length = {n}", nameof(codes));
        RoundingOptions elementOptions = options with { Overflow = OverflowPolicy.Saturate };

        bool hasNaN = false, hasInf = false;
        float finiteAmax = 0f;
        foreach (float v in x)
        {
            if (float.IsNaN(v)) hasNaN = true;
            else if (float.IsInfinity(v)) hasInf = true;
            else finiteAmax = MathF.Max(finiteAmax, MathF.Abs(v));
        }

        if (Rule.IsPowerOfTwo())
        {
            if ((hasNaN || hasInf) && _scaleHasNaN)
            {
                codes[..n].Fill(_elementZeroCode);
                return _scaleNaNCode;
            }
            int k = SharedExponent(finiteAmax);
            double factor = Math.ScaleB(1.0, -k);
            for (int j = 0; j < n; j++)
                codes[j] = Element.Encode(x[j] * factor, elementOptions, elementOptions.RandomWord(indexOffset + indices[j]));
            return ExponentCode(k);
        }

        float amax = hasNaN ? float.NaN : hasInf ? float.PositiveInfinity : finiteAmax;
        float d = amax * (tensorScale.Encode * _inverseElementMax);
        d = Math.Clamp(MathF.Min(d, float.MaxValue), -_scaleMaxF, _scaleMaxF);
        uint scaleCode = Scale.Encode(d, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate), 0u);
        double s = Scale.Decode(scaleCode);
        if (double.IsNaN(s))
        {
            codes[..n].Fill(_elementZeroCode);
            return scaleCode;
        }
        float product = (float)s * tensorScale.Decode;
        float encode = product == 0f ? float.MaxValue : MathF.Min(1f / product, float.MaxValue);
        for (int j = 0; j < n; j++)
        {
            float v = Math.Clamp(x[j] * encode, -_elementMaxF, _elementMaxF);
            codes[j] = Element.Encode(v, elementOptions, elementOptions.RandomWord(indexOffset + indices[j]));
        }
        return scaleCode;
    }

    /// <summary>Decodes one block's element codes (block order) to float32: fl32(fl32(element * scale) * tensor decode scale).</summary>
    public void DecodeBlock(ReadOnlySpan<uint> codes, uint scaleCode, Span<float> y, float tensorDecodeScale = 1f)
    {
        if (y.Length < codes.Length) throw new ArgumentException($"y has length {y.Length}; it must be at least codes.Length = {codes.Length}", nameof(y));
        double s = ScaleValue(scaleCode);
        for (int j = 0; j < codes.Length; j++)
        {
            double v = Element.Decode(codes[j]);
            y[j] = double.IsNaN(s) ? float.NaN : (float)((double)(float)(v * s) * tensorDecodeScale);
        }
    }

    /// <summary>Encodes a row-major tensor: element codes in tensor order, one scale code per block (row-major over
    /// <see cref="BlockLayout.ScaleShape"/>). The tensor scale comes from the amax of <paramref name="x"/> and is returned.</summary>
    public TensorScale Encode(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<uint> elementCodes, Span<uint> scaleCodes,
        in RoundingOptions options = default, long indexOffset = 0)
    {
        BlockLayout layout = Layout(shape);
        TensorScale ts = HasTensorScale ? TensorScaleFor(Amax(x)) : TensorScale.None;
        Encode(x, layout, elementCodes, scaleCodes, ts, options, indexOffset);
        return ts;
    }

    /// <summary>Encodes a tensor with an explicit layout and tensor scale.</summary>
    public void Encode(ReadOnlySpan<float> x, BlockLayout layout, Span<uint> elementCodes, Span<uint> scaleCodes,
        TensorScale tensorScale, in RoundingOptions options = default, long indexOffset = 0)
    {
        Check(layout, x.Length, nameof(x));
        if (elementCodes.Length < x.Length)
            throw new ArgumentException($"elementCodes has length {elementCodes.Length}; it must be at least {x.Length}", nameof(elementCodes));
        if (scaleCodes.Length < layout.BlockCount)
            throw new ArgumentException($"scaleCodes has length {scaleCodes.Length}; the tensor has {layout.BlockCount} blocks", nameof(scaleCodes));
        using var scratch = new BlockScratch(BlockSize);
        Span<int> idx = scratch.Indices;
        Span<float> xs = scratch.Values;
        Span<uint> codes = scratch.Codes;
        for (long b = 0; b < layout.BlockCount; b++)
        {
            int n = layout.BlockIndices(b, idx);
            for (int j = 0; j < n; j++) xs[j] = x[idx[j]];
            scaleCodes[(int)b] = EncodeBlock(xs[..n], idx[..n], codes, tensorScale, options, indexOffset);
            for (int j = 0; j < n; j++) elementCodes[idx[j]] = codes[j];
        }
    }

    /// <summary>Decodes a tensor of <paramref name="shape"/> (1xB blocks along the last axis).</summary>
    public void Decode(ReadOnlySpan<uint> elementCodes, ReadOnlySpan<uint> scaleCodes, ReadOnlySpan<int> shape, Span<float> y,
        float tensorDecodeScale = 1f) => Decode(elementCodes, scaleCodes, Layout(shape), y, tensorDecodeScale);

    /// <summary>Decodes a tensor with an explicit layout.</summary>
    public void Decode(ReadOnlySpan<uint> elementCodes, ReadOnlySpan<uint> scaleCodes, BlockLayout layout, Span<float> y,
        float tensorDecodeScale = 1f)
    {
        Check(layout, elementCodes.Length, nameof(elementCodes));
        if (y.Length < elementCodes.Length)
            throw new ArgumentException($"y has length {y.Length}; it must be at least {elementCodes.Length}", nameof(y));
        if (scaleCodes.Length < layout.BlockCount)
            throw new ArgumentException($"scaleCodes has length {scaleCodes.Length}; the tensor has {layout.BlockCount} blocks", nameof(scaleCodes));
        using var scratch = new BlockScratch(BlockSize);
        Span<int> idx = scratch.Indices;
        Span<uint> codes = scratch.Codes;
        Span<float> ys = scratch.Results;
        for (long b = 0; b < layout.BlockCount; b++)
        {
            int n = layout.BlockIndices(b, idx);
            for (int j = 0; j < n; j++) codes[j] = elementCodes[idx[j]];
            DecodeBlock(codes[..n], scaleCodes[(int)b], ys, tensorDecodeScale);
            for (int j = 0; j < n; j++) y[idx[j]] = ys[j];
        }
    }

    /// <summary>Fake-quantizes a row-major tensor (in place allowed): decode(encode(x)), except that NaN inputs stay NaN
    /// where the format cannot encode NaN. Returns the tensor scale used.</summary>
    public TensorScale Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, in RoundingOptions options = default,
        long indexOffset = 0)
    {
        BlockLayout layout = Layout(shape);
        TensorScale ts = HasTensorScale ? TensorScaleFor(Amax(x)) : TensorScale.None;
        Quantize(x, layout, y, ts, options, indexOffset);
        return ts;
    }

    /// <summary>Fake-quantizes a tensor with an explicit layout and tensor scale (in place allowed).</summary>
    public void Quantize(ReadOnlySpan<float> x, BlockLayout layout, Span<float> y, TensorScale tensorScale,
        in RoundingOptions options = default, long indexOffset = 0)
    {
        Check(layout, x.Length, nameof(x));
        if (y.Length < x.Length) throw new ArgumentException($"y has length {y.Length}; it must be at least {x.Length}", nameof(y));
        using var scratch = new BlockScratch(BlockSize);
        Span<int> idx = scratch.Indices;
        Span<float> xs = scratch.Values;
        Span<uint> codes = scratch.Codes;
        Span<float> ys = scratch.Results;
        for (long b = 0; b < layout.BlockCount; b++)
        {
            int n = layout.BlockIndices(b, idx);
            for (int j = 0; j < n; j++) xs[j] = x[idx[j]];
            uint scaleCode = EncodeBlock(xs[..n], idx[..n], codes, tensorScale, options, indexOffset);
            DecodeBlock(codes[..n], scaleCode, ys, tensorScale.Decode);
            for (int j = 0; j < n; j++) y[idx[j]] = float.IsNaN(xs[j]) ? float.NaN : ys[j];
        }
    }

    private void Check(BlockLayout layout, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.BlockRows != BlockRows || layout.BlockCols != BlockCols)
            throw new ArgumentException($"layout has {layout.BlockRows}x{layout.BlockCols} blocks; format '{Name}' uses {BlockRows}x{BlockCols}", nameof(layout));
        if (length != layout.ElementCount)
            throw new ArgumentException($"{name} has length {length}; the shape [{string.Join(", ", layout.Shape)}] has {layout.ElementCount} elements", name);
    }
}
