namespace Emulator.Formats;

/// <summary>
/// Shape-gain coding with the Leech lattice: a codeword is scale · g_k · v / √8, where v is a point of √8·Λ24 in a union
/// of shells (<see cref="LeechShellIndex"/>, e.g. standard norms 0, 4, 6, 8) and g_k one of a list of gains. The index is
/// k · |union| + rank(v), so <see cref="VectorCodec.BitsPerVector"/> = ceil(log2(gains · |union|)).
/// Encoding tries every gain: the maximum-likelihood decoder (<see cref="LeechLattice.Nearest"/>) gives the nearest lattice
/// point to x·√8/g_k; if it lies in the shell set it is a candidate, and the candidate with the least squared error wins
/// (the first gain on ties). When no gain gives a point of the shell set (x far outside the largest shell), x is rescaled
/// onto each shell's radius and decoded again. This search is exact whenever the nearest lattice point at the chosen gain
/// lies in the shell set; it is not an exhaustive search of the codebook.
/// </summary>
public sealed class LeechCodec : VectorCodec
{
    private static readonly double Root8 = Math.Sqrt(8);
    private readonly double[] _gains;

    /// <summary>Creates the codec.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="shells">Standard norms of the shells (0, 4, 6, ..., at most 48).</param>
    /// <param name="gains">Gains, strictly increasing, positive (1..4096 of them).</param>
    /// <param name="scale">Codeword values are multiplied by it.</param>
    public LeechCodec(FormatInfo info, IEnumerable<int> shells, IReadOnlyList<double> gains, double scale = 1.0)
        : base(info, LeechLattice.Dimension, scale)
    {
        ArgumentNullException.ThrowIfNull(gains);
        if (gains.Count is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(gains), gains.Count, "the number of gains must be in 1..4096");
        for (int k = 0; k < gains.Count; k++)
            if (!double.IsFinite(gains[k]) || gains[k] <= 0 || (k > 0 && gains[k] <= gains[k - 1]))
                throw new ArgumentOutOfRangeException(nameof(gains), gains[k], $"gains[{k}] must be finite, > 0 and greater than the previous gain");
        _gains = gains.ToArray();
        Points = new LeechShellIndex(shells);
        UInt128 count = (UInt128)Points.Count() * (ulong)_gains.Length;
        if (count > ulong.MaxValue) throw new ArgumentOutOfRangeException(nameof(shells), "the index space (gains x points) exceeds 64 bits");
        IndexCount = (ulong)count;
    }

    /// <summary>The indexed lattice points.</summary>
    public LeechShellIndex Points { get; }

    /// <summary>The gains.</summary>
    public IReadOnlyList<double> Gains => _gains;

    /// <inheritdoc />
    public override ulong IndexCount { get; }

    /// <inheritdoc />
    protected override void DecodeUnit(ulong index, Span<double> y)
    {
        ulong n = Points.Count();
        double g = _gains[(int)(index / n)] / Root8;
        Span<long> v = stackalloc long[24];
        Points.Unrank(index % n, v);
        for (int i = 0; i < 24; i++) y[i] = g * v[i];
    }

    /// <inheritdoc />
    protected override ulong EncodeUnit(ReadOnlySpan<double> x)
    {
        Span<double> t = stackalloc double[24];
        Span<long> v = stackalloc long[24];
        Span<long> bestV = stackalloc long[24];
        double best = double.PositiveInfinity;
        int bestGain = -1;
        for (int k = 0; k < _gains.Length; k++)
        {
            for (int i = 0; i < 24; i++) t[i] = x[i] * Root8 / _gains[k];
            LeechLattice.Nearest(t, v);
            Consider(x, k, v, bestV, ref best, ref bestGain);
        }
        if (bestGain < 0)
        {
            double norm = 0;
            for (int i = 0; i < 24; i++) norm += x[i] * x[i];
            for (int k = 0; k < _gains.Length; k++)
                foreach (int shell in Points.Shells)
                {
                    if (shell == 0 || norm == 0) continue;
                    double f = Math.Sqrt(8.0 * shell / norm);
                    for (int i = 0; i < 24; i++) t[i] = x[i] * f;
                    LeechLattice.Nearest(t, v);
                    Consider(x, k, v, bestV, ref best, ref bestGain);
                }
        }
        if (bestGain < 0)
        {
            // Last resort (e.g. x = 0 without the zero shell): the first point of the union at the gain that fits it best.
            Points.Unrank(0, v);
            for (int k = 0; k < _gains.Length; k++) Consider(x, k, v, bestV, ref best, ref bestGain);
        }
        return (ulong)bestGain * Points.Count() + Points.Rank(bestV);
    }

    private void Consider(ReadOnlySpan<double> x, int k, ReadOnlySpan<long> v, Span<long> bestV, ref double best, ref int bestGain)
    {
        if (!Points.Contains(v)) return;
        double g = _gains[k] / Root8, err = 0;
        for (int i = 0; i < 24; i++) { double d = x[i] - g * v[i]; err += d * d; }
        if (err < best) { best = err; bestGain = k; v.CopyTo(bestV); }
    }
}
