namespace Emulator.Formats;

/// <summary>
/// Z^n, D_n or E8 restricted to the points with every coordinate in [-R, R] (R = <see cref="MaxCoordinate"/>), times the
/// codec's scale. Encoding returns the nearest such point (<see cref="LatticeDecoder"/>; for inputs inside the box this is
/// the nearest lattice point). Index layout, mixed radix with B = 2R + 1, coordinate 0 least significant:
/// Z^n: Σ (z_i + R) B^i. D_n: the first n - 1 digits as for Z^n, then floor((z_{n-1} + R) / 2) with radix R + 1 (the last
/// coordinate's parity follows from the others). E8: bit 0 is the coset (1 for D8 + ½), the rest is the D_8 index of
/// z - coset/2 (whose coordinates lie in [-R, R - coset]). Indices that name no point are rejected by <see cref="IsCodeword"/>.
/// </summary>
public sealed class RootLatticeCodec : VectorCodec
{
    private readonly ulong _indexCount;

    /// <summary>Creates the codec.</summary>
    /// <param name="info">Name and provenance.</param>
    /// <param name="lattice">Z^n, D_n or E8.</param>
    /// <param name="dimension">n (8 for E8; at least 2 for D_n).</param>
    /// <param name="maxCoordinate">R >= 1: coordinates of codewords lie in [-R, R].</param>
    /// <param name="scale">Codeword values are multiplied by it.</param>
    public RootLatticeCodec(FormatInfo info, RootLattice lattice, int dimension, int maxCoordinate, double scale = 1.0)
        : base(info, dimension, scale)
    {
        if (!Enum.IsDefined(lattice)) throw new ArgumentOutOfRangeException(nameof(lattice), lattice, "not a defined lattice");
        if (lattice == RootLattice.Gosset && dimension != 8)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "E8 has dimension 8");
        if (lattice == RootLattice.Checkerboard && dimension < 2)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "D_n needs dimension >= 2");
        if (maxCoordinate is < 1 or > 1 << 20)
            throw new ArgumentOutOfRangeException(nameof(maxCoordinate), maxCoordinate, "maxCoordinate must be in 1..2^20");
        Lattice = lattice;
        MaxCoordinate = maxCoordinate;
        ulong radix = 2 * (ulong)maxCoordinate + 1;
        UInt128 count = 1;
        int free = lattice == RootLattice.Integer ? dimension : dimension - 1;
        for (int i = 0; i < free; i++) count *= radix;
        if (lattice != RootLattice.Integer) count *= (ulong)maxCoordinate + 1;
        if (lattice == RootLattice.Gosset) count *= 2;
        if (count > ulong.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(maxCoordinate), maxCoordinate, $"the index space of {lattice} in dimension {dimension} with maxCoordinate {maxCoordinate} exceeds 64 bits");
        _indexCount = (ulong)count;
    }

    /// <summary>The lattice.</summary>
    public RootLattice Lattice { get; }

    /// <summary>R: codeword coordinates (before scaling) lie in [-R, R].</summary>
    public int MaxCoordinate { get; }

    /// <inheritdoc />
    public override ulong IndexCount => _indexCount;

    private ulong Radix => 2 * (ulong)MaxCoordinate + 1;

    /// <inheritdoc />
    public override bool IsCodeword(ulong index)
    {
        if (index >= _indexCount) return false;
        Span<double> y = stackalloc double[Dimension];
        return TryDecode(index, y);
    }

    /// <inheritdoc />
    protected override ulong EncodeUnit(ReadOnlySpan<double> x)
    {
        double r = MaxCoordinate;
        Span<double> y = stackalloc double[Dimension];
        switch (Lattice)
        {
            case RootLattice.Integer:
                LatticeDecoder.NearestZn(x, y, -r, r);
                return Digits(y, parityFree: true);
            case RootLattice.Checkerboard:
                LatticeDecoder.NearestDn(x, y, -r, r);
                return Digits(y, parityFree: false);
            default:
                int coset = LatticeDecoder.NearestE8(x, y, r);
                if (coset == 1) for (int i = 0; i < 8; i++) y[i] -= 0.5;
                return (uint)coset + (Digits(y, parityFree: false) << 1);
        }
    }

    private ulong Digits(ReadOnlySpan<double> z, bool parityFree)
    {
        ulong index = 0, weight = 1;
        int n = parityFree ? Dimension : Dimension - 1;
        for (int i = 0; i < n; i++)
        {
            index += (ulong)((long)z[i] + MaxCoordinate) * weight;
            weight *= Radix;
        }
        if (!parityFree) index += (ulong)(((long)z[n] + MaxCoordinate) >> 1) * weight;
        return index;
    }

    /// <inheritdoc />
    protected override void DecodeUnit(ulong index, Span<double> y)
    {
        if (!TryDecode(index, y)) throw new ArgumentOutOfRangeException(nameof(index), index, $"index does not name a codeword of '{Name}'");
    }

    private bool TryDecode(ulong index, Span<double> y)
    {
        long r = MaxCoordinate;
        int coset = 0;
        if (Lattice == RootLattice.Gosset) { coset = (int)(index & 1); index >>= 1; }
        int n = Lattice == RootLattice.Integer ? Dimension : Dimension - 1;
        long hi = r - coset, sum = 0;
        for (int i = 0; i < n; i++)
        {
            long z = (long)(index % Radix) - r;
            index /= Radix;
            if (z > hi) return false;
            y[i] = z;
            sum += z;
        }
        if (Lattice != RootLattice.Integer)
        {
            if (index > (ulong)r) return false;
            // The last coordinate has the parity of the sum of the others: z + r = 2h + ((sum + r) mod 2).
            long d = 2 * (long)index + ((sum + r) & 1);
            long z = d - r;
            if (z > hi) return false;
            y[n] = z;
        }
        else if (index != 0) return false;
        if (coset == 1) for (int i = 0; i < Dimension; i++) y[i] += 0.5;
        return true;
    }
}
