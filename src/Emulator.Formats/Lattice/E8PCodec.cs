using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// The E8P codec (QuIP#'s 2-bit codebook, <see cref="E8PCodebook"/>): 16-bit indices for 8 weights.
/// Nearest codeword, exactly: each input coordinate is first rounded to the fixed-point grid 2^-32 (ties away from zero)
/// after clamping to ±2^20; squared distances to codewords are then compared exactly in integers, and among equally near
/// codewords the smallest index wins. <see cref="EncodeExhaustive"/> is the reference (all 65,536 codewords);
/// <see cref="VectorCodec.EncodeUnscaled"/> uses a structured search that returns the same index: for each of the 256 base vectors and
/// both shifts the best sign pattern is the sign of each coordinate with one parity repair (cost 2·a_i·|y_i|, least first).
/// </summary>
public sealed class E8PCodec : VectorCodec
{
    private const double FixedOne = 4294967296.0; // 2^32
    private const double MaxMagnitude = 1048576.0; // 2^20

    /// <summary>Creates the codec with a scale.</summary>
    public E8PCodec(FormatInfo info, double scale = 1.0) : base(info, 8, scale) { }

    /// <inheritdoc />
    public override ulong IndexCount => E8PCodebook.Size;

    /// <inheritdoc />
    protected override void DecodeUnit(ulong index, Span<double> y)
    {
        Span<int> u = stackalloc int[8];
        E8PCodebook.Decode((int)index, u);
        for (int k = 0; k < 8; k++) y[k] = u[k] * 0.25;
    }

    private static void ToFixed(ReadOnlySpan<double> x, Span<long> fixedX)
    {
        for (int k = 0; k < 8; k++)
            fixedX[k] = (long)Math.Round(Math.Clamp(x[k], -MaxMagnitude, MaxMagnitude) * FixedOne, MidpointRounding.AwayFromZero);
    }

    /// <summary>Exhaustive reference: the smallest index among the codewords nearest to x (unit scale).</summary>
    public static int EncodeExhaustive(ReadOnlySpan<double> x)
    {
        if (x.Length != 8) throw new ArgumentException($"x has length {x.Length}; E8P needs 8", nameof(x));
        Span<long> fx = stackalloc long[8];
        ToFixed(x, fx);
        ReadOnlySpan<sbyte> grid = E8PCodebook.Codewords;
        long best = long.MaxValue;
        int bestIndex = 0;
        for (int i = 0; i < E8PCodebook.Size; i++)
        {
            // 16·2^32·(‖x - c‖² - ‖x‖²) = Σ 2^32·u² - 8·X·u with u = 4c and X = 2^32·x.
            long score = 0;
            for (int k = 0; k < 8; k++)
            {
                long u = grid[i * 8 + k];
                score += (u * u << 32) - 8 * fx[k] * u;
            }
            if (score < best) { best = score; bestIndex = i; }
        }
        return bestIndex;
    }

    /// <inheritdoc />
    protected override ulong EncodeUnit(ReadOnlySpan<double> x)
    {
        Span<long> fx = stackalloc long[8];
        ToFixed(x, fx);
        long sumX = 0;
        for (int k = 0; k < 8; k++) sumX += fx[k];
        ReadOnlySpan<sbyte> bases = E8PCodebook.BaseVectors;
        // y = x - t for t = +¼ (shift 0) and t = -¼ (shift 1): Y = X - 2^30·T.
        Span<long> absY = stackalloc long[16];
        Span<int> negatives = stackalloc int[2];
        for (int t = 0; t < 2; t++)
        {
            long shift = t == 0 ? 1L << 30 : -(1L << 30);
            int neg = 0;
            for (int k = 0; k < 8; k++)
            {
                long y = fx[k] - shift;
                absY[t * 8 + k] = Math.Abs(y);
                if (y < 0) neg++;
            }
            negatives[t] = neg;
        }
        Span<long> scores = stackalloc long[512];
        long best = long.MaxValue;
        for (int a = 0; a < 256; a++)
        {
            ReadOnlySpan<sbyte> b = bases.Slice(a * 8, 8);
            long norm = 0;
            int baseNegatives = b[7] < 0 ? 1 : 0;
            for (int k = 0; k < 8; k++) norm += b[k] * b[k];
            for (int t = 0; t < 2; t++)
            {
                long dot = 0, least = long.MaxValue;
                for (int k = 0; k < 8; k++)
                {
                    long p = Math.Abs(b[k]) * absY[t * 8 + k];
                    dot += p;
                    if (p < least) least = p;
                }
                if (((negatives[t] ^ baseNegatives) & 1) != 0) dot -= 2 * least;
                long T = t == 0 ? 1 : -1;
                // Σ_k 2^32·(A_k² + 1) - 8·X_k·T - 8·σ_k·A_k·Y_k with the best signs σ.
                long score = ((norm + 8) << 32) - 8 * T * sumX - 8 * dot;
                scores[a * 2 + t] = score;
                if (score < best) best = score;
            }
        }
        // Smallest index among all optimal codewords: the smallest base vector first, then the smallest sign byte.
        for (int a = 0; a < 256; a++)
        {
            int bestByte = int.MaxValue;
            for (int t = 0; t < 2; t++)
                if (scores[a * 2 + t] == best) bestByte = Math.Min(bestByte, SmallestSignByte(bases.Slice(a * 8, 8), fx, t));
            if (bestByte != int.MaxValue) return (ulong)(a * 256 + bestByte);
        }
        throw new InvalidOperationException("E8P search found no optimal codeword");
    }

    /// <summary>The smallest sign byte among the optimal sign patterns for a base vector and shift.</summary>
    private static int SmallestSignByte(ReadOnlySpan<sbyte> b, ReadOnlySpan<long> fx, int t)
    {
        long shift = t == 0 ? 1L << 30 : -(1L << 30);
        Span<long> y = stackalloc long[8];
        Span<long> weight = stackalloc long[8];
        int zeroMask = 0, wanted = 0;
        for (int k = 0; k < 8; k++)
        {
            y[k] = fx[k] - shift;
            weight[k] = Math.Abs(b[k]) * Math.Abs(y[k]);
            if (y[k] == 0) zeroMask |= 1 << k;
            else if ((y[k] < 0) != (b[k] < 0)) wanted |= 1 << k; // negate coordinate k relative to the base vector
        }
        int best = int.MaxValue;
        if (zeroMask != 0)
        {
            // Free coordinates: any choice on them, as long as the number of flips is even.
            for (int sub = zeroMask; ; sub = (sub - 1) & zeroMask)
            {
                int flips = (wanted & ~zeroMask) | sub;
                if ((BitOperations.PopCount((uint)flips) & 1) == 0) best = Math.Min(best, SignByte(flips, t));
                if (sub == 0) break;
            }
            return best;
        }
        if ((BitOperations.PopCount((uint)wanted) & 1) == 0) return SignByte(wanted, t);
        long least = long.MaxValue;
        for (int k = 0; k < 8; k++) least = Math.Min(least, weight[k]);
        for (int k = 0; k < 8; k++)
            if (weight[k] == least) best = Math.Min(best, SignByte(wanted ^ (1 << k), t));
        return best;
    }

    /// <summary>The sign byte of a set of negated coordinates (relative to the base vector) and a shift.</summary>
    private static int SignByte(int flips, int t)
    {
        int s = 0;
        for (int k = 0; k < 8; k++) if ((flips >> k & 1) != 0) s |= 1 << E8PCodebook.SignBit(k);
        return t == 0 ? s : s ^ 1;
    }
}
