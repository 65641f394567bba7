using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Emulator.Formats;
using Emulator.Kernels;
using Emulator.Nn;
using Emulator.Quantization.Estimators;

namespace Emulator.Quantization;

/// <summary>
/// One quantizer for every format kind: a format (any registered or JSON format) + where scales are shared
/// (<see cref="Granularity"/>) + how a scale is stored (<see cref="ScaleFormat"/>) + rounding + a range estimator.
/// <list type="bullet">
/// <item>Scalar floats, posits, tables and HiFloat8: y = s·Q(x / s) with one scale per slice (symmetric).</item>
/// <item>Integers: affine (symmetric, or asymmetric with a zero point; narrow range is the format's own), exact x / s.</item>
/// <item>Block formats (MX, NVFP4, BFP): their own block scales along the last axis (and a tensor scale where the
/// format has one); granularity, scale format and estimator do not apply.</item>
/// <item>Lattice codecs (E8P, Leech): row or group scales chosen for least squared error, optional seeded Hadamard rotation.</item>
/// </list>
/// Scales come from calibration (<see cref="Observe"/> then <see cref="Freeze"/>) or, while not frozen, from each
/// tensor as it is quantized (dynamic, as weights are). <see cref="Scale"/> is a tensor so it can be learned (LSQ).
/// Every path is the vectorized kernel, bit-identical to the Formats reference.
/// </summary>
public sealed class TensorQuantizer
{
    private readonly ScalarGrid? _grid;
    private (float Min, float Max)[]? _running;
    private List<float>[]? _samples;

    /// <summary>A quantizer; the defaults are per-tensor float32 scales, nearest-even, min-max.</summary>
    public TensorQuantizer(NumberFormat format, Granularity? granularity = null, ScaleFormat? scaleFormat = null,
        RoundingOptions rounding = default, RangeEstimator? estimator = null, bool symmetric = true)
    {
        Format = format ?? throw new ArgumentNullException(nameof(format));
        Granularity = granularity ?? Granularity.PerTensor;
        ScaleFormat = scaleFormat ?? ScaleFormat.Float32;
        Rounding = rounding;
        Estimator = estimator ?? new MinMaxEstimator();
        Symmetric = symmetric;
        if (format is ScalarFormat sf) _grid = new ScalarGrid(sf);
        else if (format is not (BlockFormat or VectorCodec))
            throw new ArgumentException($"format '{format.Name}' of kind '{format.Kind}' cannot be used by a tensor quantizer", nameof(format));
        if (!symmetric && _grid?.Integer is null)
            throw new ArgumentException($"asymmetric quantization needs an integer format; '{format.Name}' is {format.Kind}", nameof(symmetric));
        if (format is BlockFormat && granularity is { Kind: not GranularityKind.PerTensor })
            throw new ArgumentException($"block format '{format.Name}' has its own block scales; granularity '{granularity}' does not apply", nameof(granularity));
    }

    /// <summary>The element format.</summary>
    public NumberFormat Format { get; }

    /// <summary>Where scales are shared.</summary>
    public Granularity Granularity { get; }

    /// <summary>How scales are stored.</summary>
    public ScaleFormat ScaleFormat { get; }

    /// <summary>Rounding of the elements (stochastic modes are keyed by seed, stream and element index).</summary>
    public RoundingOptions Rounding { get; set; }

    /// <summary>How calibration chooses ranges.</summary>
    public RangeEstimator Estimator { get; }

    /// <summary>Symmetric (zero point 0) or asymmetric (integers only).</summary>
    public bool Symmetric { get; }

    /// <summary>Whether the format is behind a scale this quantizer owns (scalar and integer formats).</summary>
    public bool HasScale => _grid is not null;

    /// <summary>The grid's largest positive value at scale 1 (Qp in LSQ), for scaled formats.</summary>
    public double Qp => _grid?.Qp ?? throw new InvalidOperationException($"'{Format.Name}' has no quantizer-owned scale");

    /// <summary>The grid's most negative value's magnitude at scale 1 (Qn in LSQ).</summary>
    public double Qn => _grid?.Qn ?? throw new InvalidOperationException($"'{Format.Name}' has no quantizer-owned scale");

    /// <summary>The scales, one per slice (null until calibrated or first used); a persistent tensor that may require grad (LSQ).</summary>
    public Tensor? Scale { get; private set; }

    /// <summary>Zero points of asymmetric integers (integers held in float32), or learned offsets β (LSQ+); null when none.</summary>
    public Tensor? Offset { get; private set; }

    /// <summary>Whether the scales are fixed (after <see cref="Freeze"/> or <see cref="SetScales"/>); otherwise each call computes them from its input.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>Whether <see cref="Offset"/> is a learned real offset β (LSQ+) rather than integer zero points.</summary>
    public bool LearnedOffset { get; private set; }

    /// <summary>The number of scales a tensor of this shape has.</summary>
    public int SliceCount(ReadOnlySpan<int> shape) => new SliceLayout(shape, Granularity).Slices;

    /// <summary>Adds a calibration batch (shape must agree with earlier batches except in dimension 0 for per-tensor and per-channel axis > 0 quantizers).</summary>
    public void Observe(ReadOnlySpan<float> x, ReadOnlySpan<int> shape)
    {
        if (_grid is null) return;
        var layout = Layout(x, shape);
        if (Estimator is RunningMinMaxEstimator ema)
        {
            bool first = _running is null;
            _running ??= new (float, float)[layout.Slices];
            var buffer = new float[layout.SliceSize];
            for (int s = 0; s < layout.Slices; s++)
            {
                int n = layout.Gather(x, s, buffer);
                var batch = MinMaxEstimator.MinMax(buffer.AsSpan(0, n));
                _running[s] = ema.Update(first ? null : _running[s], batch);
            }
            return;
        }
        if (_samples is null || _samples.Length != layout.Slices)
        {
            _samples = new List<float>[layout.Slices];
            for (int s = 0; s < layout.Slices; s++) _samples[s] = [];
        }
        var tmp = new float[layout.SliceSize];
        for (int s = 0; s < layout.Slices; s++)
        {
            int n = layout.Gather(x, s, tmp);
            if (Estimator.NeedsSamples) _samples[s].AddRange(tmp.AsSpan(0, n));
            else
            {
                var (lo, hi) = MinMaxEstimator.MinMax(tmp.AsSpan(0, n));
                if (_samples[s].Count == 0) { _samples[s].Add(lo); _samples[s].Add(hi); }
                else { _samples[s][0] = Math.Min(_samples[s][0], lo); _samples[s][1] = Math.Max(_samples[s][1], hi); }
            }
        }
    }

    /// <summary>Turns the observed data into fixed scales (and zero points); later calls use them.</summary>
    public void Freeze()
    {
        if (_grid is null) { IsFrozen = true; return; }
        if (_samples is null && _running is null)
            throw new InvalidOperationException("Freeze: no calibration data was observed (call Observe first)");
        int slices = _running?.Length ?? _samples!.Length;
        var ranges = new (float, float)[slices];
        for (int s = 0; s < slices; s++)
            ranges[s] = _running is not null ? _running[s] : Estimator.Estimate(_samples![s].ToArray(), Context(s));
        SetRanges(ranges);
        IsFrozen = true;
        _samples = null;
        _running = null;
    }

    /// <summary>Observes one tensor and freezes (calibration on a single batch).</summary>
    public void Calibrate(ReadOnlySpan<float> x, ReadOnlySpan<int> shape)
    {
        Observe(x, shape);
        Freeze();
    }

    /// <summary>Sets the scales (and optional zero points / offsets) directly and freezes.</summary>
    public void SetScales(ReadOnlySpan<float> scales, ReadOnlySpan<float> offsets = default, bool learnedOffset = false)
    {
        if (_grid is null) throw new InvalidOperationException($"'{Format.Name}' has no quantizer-owned scale");
        for (int i = 0; i < scales.Length; i++)
            if (!(scales[i] > 0) || !float.IsFinite(scales[i]))
                throw new ArgumentOutOfRangeException(nameof(scales), scales[i], $"scales[{i}] must be positive and finite");
        Scale = Tensor.FromArray(scales, scales.Length).Keep();
        Offset = offsets.IsEmpty ? null : Tensor.FromArray(offsets, offsets.Length).Keep();
        LearnedOffset = learnedOffset;
        IsFrozen = true;
    }

    /// <summary>Makes the scale (and, for LSQ+, an offset β initialised to the zero-point equivalent) learnable.</summary>
    public void EnableLearning(bool learnOffset = false)
    {
        if (Scale is null) throw new InvalidOperationException("EnableLearning: calibrate the quantizer first (the learned scale starts from the calibrated one)");
        Scale.RequiresGrad = true;
        if (learnOffset)
        {
            var beta = Tensor.Persistent(Scale.Numel);
            if (Offset is not null && !LearnedOffset)
                for (int i = 0; i < beta.Numel; i++) beta.Data[i] = -Offset.Data[i] * Scale.Data[i]; // x ≈ s·(q − z) = s·q + β
            Offset = beta;
            LearnedOffset = true;
            Offset.RequiresGrad = true;
        }
    }

    /// <summary>
    /// Fake-quantizes a row-major tensor (in place allowed). Frozen scales are used as they are; otherwise the scales come
    /// from <paramref name="x"/> itself with the estimator. <paramref name="indexOffset"/> keys stochastic rounding.
    /// </summary>
    public void Quantize(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y, long indexOffset = 0)
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has length {y.Length}; it must be at least {x.Length}", nameof(y));
        var options = new KernelOptions { IndexOffset = indexOffset };
        switch (Format)
        {
            case BlockFormat b:
                BlockKernels.Quantize(x, shape, y, b, Rounding, options);
                return;
            case VectorCodec v:
                QuantizeLattice(v, x, shape, y);
                return;
        }
        var layout = Layout(x, shape);
        if (!IsFrozen)
        {
            var ranges = new (float, float)[layout.Slices];
            var tmp = new float[layout.SliceSize];
            for (int s = 0; s < layout.Slices; s++)
            {
                int n = layout.Gather(x, s, tmp);
                ranges[s] = Estimator.Estimate(tmp.AsSpan(0, n), Context(s));
            }
            SetRanges(ranges);
        }
        if (Scale!.Numel != layout.Slices)
            throw new ArgumentException($"the quantizer has {Scale.Numel} scales but a tensor of shape [{string.Join(", ", shape.ToArray())}] needs {layout.Slices} ({Granularity})", nameof(shape));
        ReadOnlySpan<float> scales = Scale.Data;
        ReadOnlySpan<float> offsets = Offset is null ? default : Offset.Data;
        if (_grid!.Integer is { } integer && !LearnedOffset)
        {
            var aq = Affine(integer, scales, offsets);
            AffineKernels.Quantize(x, shape, y, aq, Rounding, options);
            return;
        }
        // scaled formats (and LSQ+ offsets): v = (x − β) / s per run, Q on the whole tensor, y = v·s + β per run
        for (int r = 0; r < layout.Runs; r++)
        {
            var (start, len, slice) = layout.Run(r);
            var src = x.Slice(start, len); var dst = y.Slice(start, len);
            if (LearnedOffset) { TensorPrimitives.Subtract(src, offsets[slice], dst); src = dst; }
            TensorPrimitives.Divide(src, scales[slice], dst);
        }
        if (_grid.Integer is { } i2)
            AffineKernels.Quantize(y[..x.Length], [x.Length], y, AffineQuantizer.PerTensor(i2, 1.0), Rounding, options);
        else
            QuantizeKernels.Quantize(y[..x.Length], y, _grid.Format, Rounding, options);
        for (int r = 0; r < layout.Runs; r++)
        {
            var (start, len, slice) = layout.Run(r);
            var dst = y.Slice(start, len);
            TensorPrimitives.Multiply(dst, scales[slice], dst);
            if (LearnedOffset) TensorPrimitives.Add(dst, offsets[slice], dst);
        }
    }

    /// <summary>Storage bits per value of a tensor of this shape, scales (and zero points) included.</summary>
    public double BitsPerValue(ReadOnlySpan<int> shape)
    {
        if (_grid is null) return Format.BitsPerValue;
        long n = 1;
        foreach (int d in shape) n *= d;
        int slices = SliceCount(shape);
        double perSlice = ScaleFormat.Bits + (Symmetric ? 0 : ((ScalarFormat)Format).Bits);
        return ((ScalarFormat)Format).Bits + perSlice * slices / Math.Max(1, n);
    }

    /// <summary>The spec text, e.g. <c>int4@channel:mse</c>.</summary>
    public override string ToString() =>
        Format.Name + (_grid is null ? "" : "@" + Granularity) + (_grid is null ? "" : ":" + Estimator.Name)
        + (ScaleFormat == ScaleFormat.Float32 ? "" : "/scale=" + ScaleFormat.Name) + (Symmetric ? "" : "/asym");

    private SliceLayout Layout(ReadOnlySpan<float> x, ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n != x.Length) throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] holds {n} elements but x has {x.Length}", nameof(shape));
        return new SliceLayout(shape, Granularity);
    }

    private RangeContext Context(int slice)
    {
        var grid = _grid!;
        int levels = grid.Integer is { } i ? (int)Math.Min(i.MaxInt + 1, 1 << 16) : (int)Math.Min(grid.Format.CodeCount / 2, 1 << 16);
        return new RangeContext((lo, hi, x, y) =>
        {
            var (s, z) = ScaleOf(lo, hi);
            if (!(s > 0)) return false;
            grid.Quantize(x, s, z, y, Rounding, 0);
            return true;
        }, Symmetric, levels);
    }

    /// <summary>The stored scale and zero point for a clipping range.</summary>
    private (float Scale, long Zero) ScaleOf(float lo, float hi)
    {
        var grid = _grid!;
        if (!Symmetric && grid.Integer is { } i)
        {
            var (s, z) = ScaleCalibration.Asymmetric(i, lo, hi);
            float sq = ScaleFormat.Quantize((float)s);
            return (sq, z);
        }
        double amax = Math.Max(Math.Abs((double)lo), Math.Abs((double)hi));
        double scale = amax > 0 ? amax / grid.Qp : 1.0;
        float s32 = (float)scale;
        if (s32 * grid.Qp < amax) s32 = MathF.BitIncrement(s32); // amax maps inside the grid
        return (ScaleFormat.Quantize(s32), 0);
    }

    private void SetRanges((float Min, float Max)[] ranges)
    {
        var scales = new float[ranges.Length];
        var zeros = Symmetric ? null : new float[ranges.Length];
        for (int s = 0; s < ranges.Length; s++)
        {
            var (sc, z) = ScaleOf(ranges[s].Min, ranges[s].Max);
            scales[s] = sc;
            if (zeros is not null) zeros[s] = z;
        }
        if (Scale is null || Scale.Numel != scales.Length) Scale = Tensor.FromArray(scales, scales.Length).Keep();
        else scales.CopyTo(Scale.Data);
        if (zeros is not null)
        {
            if (Offset is null || Offset.Numel != zeros.Length) Offset = Tensor.FromArray(zeros, zeros.Length).Keep();
            else zeros.CopyTo(Offset.Data);
        }
    }

    private AffineQuantizer Affine(IntegerFormat format, ReadOnlySpan<float> scales, ReadOnlySpan<float> zeros)
    {
        var s = new double[scales.Length];
        var z = new long[scales.Length];
        for (int i = 0; i < s.Length; i++) { s[i] = scales[i]; z[i] = zeros.IsEmpty ? 0 : (long)zeros[i]; }
        return Granularity.Kind switch
        {
            GranularityKind.PerTensor => AffineQuantizer.PerTensor(format, s[0], z[0]),
            GranularityKind.PerChannel => AffineQuantizer.PerChannel(format, Granularity.Axis, s, z),
            _ => AffineQuantizer.PerGroup(format, Granularity.GroupSize, s, z),
        };
    }

    private void QuantizeLattice(VectorCodec codec, ReadOnlySpan<float> x, ReadOnlySpan<int> shape, Span<float> y)
    {
        int cols = shape.Length == 0 ? 1 : shape[^1], rows = x.Length / Math.Max(1, cols);
        if (cols % codec.Dimension != 0)
            throw new ArgumentException($"lattice codec '{codec.Name}' needs rows whose length is a multiple of {codec.Dimension}; the last axis is {cols}", nameof(shape));
        int group = Granularity.Kind == GranularityKind.PerGroup ? Granularity.GroupSize : cols;
        var result = Emulator.Formats.LatticeMatrixQuantizer.Quantize(codec, x, rows, cols,
            new LatticeQuantizationOptions { GroupSize = group, Rotate = LatticeRotation, Seed = Rounding.Seed });
        result.Dequantized.AsSpan().CopyTo(y);
    }

    /// <summary>Lattice codecs: rotate rows with a seeded random Hadamard transform first (QuIP#'s incoherence processing).</summary>
    public bool LatticeRotation { get; init; }
}
