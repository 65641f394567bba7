using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// The Leech lattice in the integer scaling √8·Λ24 (FORMATS.md section 6): x is in it when all x_i have one parity m,
/// Σ x_i ≡ 4m (mod 8), and the positions with x_i ≡ 2 (mod 4) (m = 0) or x_i ≡ 3 (mod 4) (m = 1) form a codeword of
/// <see cref="GolayCode"/>. Equivalently it is the union of the 8192 cosets m·1 + 2c + 4z (c a Golay codeword, z an integer
/// vector with Σ z ≡ m (mod 2)). Norms here are 8 times the standard ones (minimal norm 32).
/// </summary>
public static class LeechLattice
{
    /// <summary>Dimension.</summary>
    public const int Dimension = 24;

    /// <summary>Largest input magnitude accepted by <see cref="Nearest"/> (2^48).</summary>
    public const double MaxInput = 281474976710656.0;

    /// <summary>Membership test in the integer scaling.</summary>
    public static bool IsMember(ReadOnlySpan<long> x)
    {
        if (x.Length != Dimension) throw new ArgumentException($"x has length {x.Length}; the Leech lattice has dimension 24", nameof(x));
        long m = x[0] & 1;
        long sum = 0;
        uint word = 0;
        for (int i = 0; i < Dimension; i++)
        {
            if ((x[i] & 1) != m) return false;
            sum += x[i];
            if ((x[i] & 3) == 2 + m) word |= 1u << i;
        }
        return ((sum - 4 * m) & 7) == 0 && GolayCode.IsCodeword(word);
    }

    /// <summary>The coset of a lattice point: parity m and the Golay codeword index; (-1, -1) if x is not in the lattice.</summary>
    public static (int Parity, int Codeword) CosetOf(ReadOnlySpan<long> x)
    {
        if (!IsMember(x)) return (-1, -1);
        int m = (int)(x[0] & 1);
        uint word = 0;
        for (int i = 0; i < Dimension; i++) if ((x[i] & 3) == 2 + m) word |= 1u << i;
        return (m, GolayCode.IndexOf(word));
    }

    /// <summary>
    /// Maximum-likelihood (nearest-point) decoding over the 8192 cosets s + 4·D24 (Conway and Sloane): in each coset every
    /// coordinate rounds to s_i + 4z_i (half away from zero) and, if Σ z has the wrong parity, the coordinate whose
    /// re-rounding costs least moves the other way. Per-coordinate costs are tabulated for the three bytes of a codeword so
    /// each coset costs three look-ups. Distances are compared in double; ties keep the first coset in the order
    /// (m = 0 before 1, then codeword index), and the lowest coordinate index in the parity repair. Returns the squared distance.
    /// </summary>
    public static double Nearest(ReadOnlySpan<double> x, Span<long> y)
    {
        if (x.Length != Dimension) throw new ArgumentException($"x has length {x.Length}; the Leech lattice has dimension 24", nameof(x));
        if (y.Length != Dimension) throw new ArgumentException($"y has length {y.Length}; it must be 24", nameof(y));
        for (int i = 0; i < Dimension; i++)
            if (!(Math.Abs(x[i]) < MaxInput)) throw new ArgumentOutOfRangeException(nameof(x), x[i], $"x[{i}] must be finite with magnitude below 2^48");

        Span<double> err = stackalloc double[3 * 256];
        Span<double> repair = stackalloc double[3 * 256];
        Span<byte> parity = stackalloc byte[3 * 256];
        Span<double> e = stackalloc double[48];
        Span<double> d = stackalloc double[48];
        Span<byte> p = stackalloc byte[48];
        Span<double> nibErr = stackalloc double[32];
        Span<double> nibRep = stackalloc double[32];
        Span<byte> nibPar = stackalloc byte[32];
        ReadOnlySpan<uint> words = GolayCode.Codewords;
        double best = double.PositiveInfinity;
        int bestM = 0, bestWord = 0;
        for (int m = 0; m < 2; m++)
        {
            for (int i = 0; i < Dimension; i++)
                for (int b = 0; b < 2; b++)
                {
                    (long z, double ei, double di) = RoundCoordinate(x[i], m + 2 * b);
                    e[i * 2 + b] = ei; d[i * 2 + b] = di; p[i * 2 + b] = (byte)(z & 1);
                }
            for (int blk = 0; blk < 3; blk++)
            {
                // Each byte pattern is a low and a high nibble: tabulate the 2 x 16 nibbles, then combine.
                for (int half = 0; half < 2; half++)
                    for (int nib = 0; nib < 16; nib++)
                    {
                        double s = 0, r = double.PositiveInfinity;
                        int par = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            int j = (blk * 8 + half * 4 + k) * 2 + (nib >> k & 1);
                            s += e[j]; par ^= p[j]; r = Math.Min(r, d[j]);
                        }
                        nibErr[half * 16 + nib] = s; nibPar[half * 16 + nib] = (byte)par; nibRep[half * 16 + nib] = r;
                    }
                for (int pattern = 0; pattern < 256; pattern++)
                {
                    int lo = pattern & 15, hi = 16 + (pattern >> 4);
                    err[blk * 256 + pattern] = nibErr[lo] + nibErr[hi];
                    parity[blk * 256 + pattern] = (byte)(nibPar[lo] ^ nibPar[hi]);
                    repair[blk * 256 + pattern] = Math.Min(nibRep[lo], nibRep[hi]);
                }
            }
            (int Word, double Dist) found = BestCoset(err, repair, parity, m);
            if (found.Dist < best) { best = found.Dist; bestM = m; bestWord = found.Word; }
        }
        return Reconstruct(x, bestM, words[bestWord], y);
    }

    private static readonly Lazy<int[]> ByteOffsets = new(() =>
    {
        var o = new int[3 * GolayCode.Count];
        for (int c = 0; c < GolayCode.Count; c++)
        {
            uint w = GolayCode.Codewords[c];
            o[3 * c] = (int)(w & 255); o[3 * c + 1] = 256 + (int)(w >> 8 & 255); o[3 * c + 2] = 512 + (int)(w >> 16);
        }
        return o;
    });

    /// <summary>The first codeword of least distance for parity m, from the per-byte tables.</summary>
    private static unsafe (int Word, double Dist) BestCoset(ReadOnlySpan<double> err, ReadOnlySpan<double> repair, ReadOnlySpan<byte> parity, int m)
    {
        double best = double.PositiveInfinity;
        int bestWord = 0;
        fixed (double* e = err, r = repair)
        fixed (byte* p = parity)
        fixed (int* o = ByteOffsets.Value)
        {
            for (int c = 0; c < GolayCode.Count; c++)
            {
                int b0 = o[3 * c], b1 = o[3 * c + 1], b2 = o[3 * c + 2];
                double dist = e[b0] + e[b1] + e[b2];
                if ((p[b0] ^ p[b1] ^ p[b2]) != m)
                {
                    double fix = r[b0] < r[b1] ? r[b0] : r[b1];
                    dist += fix < r[b2] ? fix : r[b2];
                }
                if (dist < best) { best = dist; bestWord = c; }
            }
        }
        return (bestWord, best);
    }

    private static (long Z, double Error, double Repair) RoundCoordinate(double xi, int s)
    {
        double t = (xi - s) / 4;
        double z = Math.Round(t, MidpointRounding.AwayFromZero);
        double r = xi - s - 4 * z;
        double other = t >= z ? z + 1 : z - 1;
        double ro = xi - s - 4 * other;
        return ((long)z, r * r, ro * ro - r * r);
    }

    private static double Reconstruct(ReadOnlySpan<double> x, int m, uint word, Span<long> y)
    {
        long parity = 0;
        int fix = 0;
        double least = double.PositiveInfinity;
        for (int i = 0; i < Dimension; i++)
        {
            int s = m + 2 * (int)(word >> i & 1);
            (long z, _, double repair) = RoundCoordinate(x[i], s);
            y[i] = s + 4 * z;
            parity ^= z & 1;
            if (repair < least) { least = repair; fix = i; }
        }
        if (parity != m)
        {
            int s = m + 2 * (int)(word >> fix & 1);
            double t = (x[fix] - s) / 4;
            long z = (y[fix] - s) / 4;
            y[fix] = s + 4 * (t >= z ? z + 1 : z - 1);
        }
        double dist = 0;
        for (int i = 0; i < Dimension; i++) { double t = x[i] - y[i]; dist += t * t; }
        return dist;
    }

    /// <summary>Squared norm of an integer vector.</summary>
    public static long Norm(ReadOnlySpan<long> y)
    {
        long n = 0;
        foreach (long v in y) n += v * v;
        return n;
    }

    internal static int Weight(uint word) => BitOperations.PopCount(word);
}
