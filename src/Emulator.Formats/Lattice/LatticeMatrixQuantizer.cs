namespace Emulator.Formats;

/// <summary>Settings of <see cref="LatticeMatrixQuantizer"/>.</summary>
public sealed record LatticeQuantizationOptions
{
    /// <summary>Values sharing one scale along a row: 0 = the whole row; otherwise a multiple of the codec's dimension that divides the row length.</summary>
    public int GroupSize { get; init; }

    /// <summary>Rotate every row by a seeded random Hadamard transform before quantizing (the row length must be a power of two).</summary>
    public bool Rotate { get; init; }

    /// <summary>Seed of the rotation's signs.</summary>
    public ulong Seed { get; init; }

    /// <summary>Storage of a scale: 16 (rounded to binary16, the default) or 32 (float32).</summary>
    public int ScaleBits { get; init; } = 16;

    /// <summary>Scale candidates of the grid search (geometric from <see cref="MinScaleFactor"/> to <see cref="MaxScaleFactor"/> times the group's RMS).</summary>
    public int ScaleSearchSteps { get; init; } = 48;

    /// <summary>Smallest candidate scale, as a multiple of the group's RMS.</summary>
    public double MinScaleFactor { get; init; } = 1.0 / 16;

    /// <summary>Largest candidate scale, as a multiple of the group's RMS.</summary>
    public double MaxScaleFactor { get; init; } = 4;

    /// <summary>Candidates of the refinement between the best grid point's neighbours (0 = none).</summary>
    public int RefineSteps { get; init; } = 12;
}

/// <summary>The result of quantizing a matrix with a vector codec.</summary>
public sealed class LatticeQuantizationResult
{
    internal LatticeQuantizationResult(float[] dequantized, ulong[] indices, double[] scales, double bitsPerWeight, double squaredError)
    {
        Dequantized = dequantized;
        Indices = indices;
        Scales = scales;
        BitsPerWeight = bitsPerWeight;
        SquaredError = squaredError;
    }

    /// <summary>The dequantized matrix (rotated back when a rotation was used), row-major.</summary>
    public float[] Dequantized { get; }

    /// <summary>One index per group of d values, in row-major order (in the rotated domain when a rotation was used).</summary>
    public ulong[] Indices { get; }

    /// <summary>One scale per group, row-major (already rounded to their storage format).</summary>
    public double[] Scales { get; }

    /// <summary>Bits per weight: packed index bits plus scale bits, divided by the number of weights.</summary>
    public double BitsPerWeight { get; }

    /// <summary>Σ (w - ŵ)² over the matrix.</summary>
    public double SquaredError { get; }

    /// <summary>Mean squared error per weight.</summary>
    public double MeanSquaredError => SquaredError / Math.Max(1, Dequantized.Length);
}

/// <summary>
/// Quantizes a row-major weight matrix with a <see cref="VectorCodec"/>: optionally rotates each row
/// (<see cref="RandomHadamard"/>), splits rows into scale groups and each group into vectors of d values, picks per group
/// the scale that minimises the squared error (a geometric grid around the group's RMS, then a finer grid between the best
/// point's neighbours; scales are rounded to their storage format before use; the first candidate wins ties), and codes
/// every vector with the codec's nearest-codeword search.
/// </summary>
public static class LatticeMatrixQuantizer
{
    /// <summary>Quantizes <paramref name="weights"/> (rows × cols, row-major).</summary>
    public static LatticeQuantizationResult Quantize(VectorCodec codec, ReadOnlySpan<float> weights, int rows, int cols, LatticeQuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        options ??= new LatticeQuantizationOptions();
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be >= 1");
        if (cols < 1) throw new ArgumentOutOfRangeException(nameof(cols), cols, "cols must be >= 1");
        if (weights.Length != (long)rows * cols)
            throw new ArgumentException($"weights has length {weights.Length}; it must be rows * cols = {(long)rows * cols}", nameof(weights));
        int d = codec.Dimension;
        if (cols % d != 0) throw new ArgumentException($"cols = {cols} must be a multiple of the codec dimension {d}", nameof(cols));
        int group = options.GroupSize == 0 ? cols : options.GroupSize;
        if (group < d || group % d != 0 || cols % group != 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.GroupSize, $"GroupSize must be 0 or a multiple of {d} that divides cols = {cols}");
        if (options.ScaleBits is not (16 or 32))
            throw new ArgumentOutOfRangeException(nameof(options), options.ScaleBits, "ScaleBits must be 16 or 32");
        if (options.ScaleSearchSteps < 1 || options.RefineSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ScaleSearchSteps, "ScaleSearchSteps must be >= 1 and RefineSteps >= 0");
        if (!(options.MinScaleFactor > 0) || !(options.MaxScaleFactor >= options.MinScaleFactor) || !double.IsFinite(options.MaxScaleFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.MinScaleFactor, "scale factors must satisfy 0 < MinScaleFactor <= MaxScaleFactor < infinity");
        for (int i = 0; i < weights.Length; i++)
            if (!float.IsFinite(weights[i])) throw new ArgumentException($"weights[{i}] is {weights[i]}; only finite weights can be quantized", nameof(weights));

        RandomHadamard? rotation = options.Rotate ? new RandomHadamard(cols, options.Seed) : null;
        var output = new float[weights.Length];
        int groupsPerRow = cols / group;
        var scales = new double[rows * groupsPerRow];
        var indices = new ulong[rows * (cols / d)];
        var row = new double[cols];
        var rowF = new float[cols];
        var best = new float[group];
        var trial = new float[group];
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) row[c] = weights[r * cols + c];
            rotation?.Forward(row);
            for (int c = 0; c < cols; c++) rowF[c] = (float)row[c];
            for (int g = 0; g < groupsPerRow; g++)
            {
                ReadOnlySpan<float> values = rowF.AsSpan(g * group, group);
                Span<ulong> codes = indices.AsSpan((r * cols + g * group) / d, group / d);
                scales[r * groupsPerRow + g] = SearchScale(codec, values, codes, best, trial, options);
                for (int c = 0; c < group; c++) row[g * group + c] = best[c];
            }
            rotation?.Inverse(row);
            for (int c = 0; c < cols; c++)
            {
                output[r * cols + c] = (float)row[c];
                double e = (double)weights[r * cols + c] - output[r * cols + c];
                total += e * e;
            }
        }
        double bits = (double)indices.Length * codec.BitsPerVector + (double)scales.Length * options.ScaleBits;
        return new LatticeQuantizationResult(output, indices, scales, bits / weights.Length, total);
    }

    private static double StoredScale(double s, int bits) => bits == 16 ? (double)(Half)s : (float)s;

    private static double SearchScale(VectorCodec codec, ReadOnlySpan<float> values, Span<ulong> codes, Span<float> best, Span<float> trial, LatticeQuantizationOptions o)
    {
        double sq = 0;
        foreach (float v in values) sq += (double)v * v;
        double rms = Math.Sqrt(sq / values.Length);
        var tried = new HashSet<double>();
        double bestError = double.PositiveInfinity, bestScale = 0;
        var trialCodes = new ulong[codes.Length];
        double ratio = o.ScaleSearchSteps > 1 ? Math.Pow(o.MaxScaleFactor / o.MinScaleFactor, 1.0 / (o.ScaleSearchSteps - 1)) : 1;
        int bestStep = 0;
        int candidates = o.ScaleSearchSteps + (o.ScaleSearchSteps > 1 ? o.RefineSteps : 0);
        double lo = 0, hi = 0;
        for (int k = 0; k < candidates; k++)
        {
            if (k == o.ScaleSearchSteps)
            {
                lo = o.MinScaleFactor * Math.Pow(ratio, bestStep - 1);
                hi = o.MinScaleFactor * Math.Pow(ratio, bestStep + 1);
            }
            double factor = k < o.ScaleSearchSteps
                ? o.MinScaleFactor * Math.Pow(ratio, k)
                : lo * Math.Pow(hi / lo, (double)(k - o.ScaleSearchSteps + 1) / (o.RefineSteps + 1));
            double s = StoredScale(rms > 0 ? rms * factor : factor, o.ScaleBits);
            if (!(s > 0) || !double.IsFinite(s) || !tried.Add(s)) continue;
            double err = 0;
            int d = codec.Dimension;
            for (int v = 0; v < codes.Length; v++)
            {
                trialCodes[v] = codec.Quantize(values.Slice(v * d, d), trial.Slice(v * d, d), s);
                for (int i = v * d; i < (v + 1) * d; i++) { double e = (double)values[i] - trial[i]; err += e * e; }
            }
            if (err < bestError)
            {
                bestError = err; bestScale = s;
                if (k < o.ScaleSearchSteps) bestStep = k;
                trial.CopyTo(best);
                trialCodes.CopyTo(codes);
            }
        }
        return bestScale;
    }
}
