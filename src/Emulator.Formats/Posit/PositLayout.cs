using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emulator.Formats;

/// <summary>
/// The bit layout of posit&lt;n,es&gt; (FORMATS.md section 3): unpacking a code into sign, scale and significand, and
/// the one rounding of an exact (or exact-floor-plus-sticky) real value to a code on the bit string. Every posit
/// conversion and operation of the library ends in <see cref="Round"/>.
/// </summary>
/// <remarks>
/// Rounding builds regime, exponent, fraction and sticky with unbounded length, keeps n-1 bits and asks
/// <see cref="RoundingDecision.RoundsUp"/> whether to add one (lowerOdd = lsb of the kept bits, nu = the discarded bits).
/// The result never becomes 0 or NaR: in every rounding mode a magnitude below minpos gives minpos and a magnitude
/// above maxpos gives maxpos (with the sign kept).
/// </remarks>
public readonly partial struct PositLayout : IEquatable<PositLayout>
{
    /// <summary>Creates the layout of posit&lt;n,es&gt;.</summary>
    /// <param name="n">Total bits, 2..32.</param>
    /// <param name="es">Exponent bits, 0..4.</param>
    public PositLayout(int n, int es)
    {
        if (n is < 2 or > 32)
            throw new ArgumentOutOfRangeException(nameof(n), n, "posit bits n must be in 2..32");
        if (es is < 0 or > 4)
            throw new ArgumentOutOfRangeException(nameof(es), es, "posit exponent bits es must be in 0..4");
        N = n;
        Es = es;
    }

    /// <summary>Total bits n.</summary>
    public int N { get; }

    /// <summary>Exponent bits es.</summary>
    public int Es { get; }

    /// <summary>Mask of the n code bits.</summary>
    public uint Mask => (uint)((1UL << N) - 1);

    /// <summary>The NaR code 100...0.</summary>
    public uint NaR => 1u << (N - 1);

    /// <summary>The code of maxpos, 011...1.</summary>
    public uint MaxPosCode => (1u << (N - 1)) - 1;

    /// <summary>The code of minpos, 000...1.</summary>
    public uint MinPosCode => 1u;

    /// <summary>log2(maxpos) = (n-2) * 2^es; minpos = 2^-MaxScale.</summary>
    public int MaxScale => (N - 2) << Es;

    /// <summary>Whether <paramref name="code"/> (any bits above n ignored) is NaR.</summary>
    public bool IsNaR(uint code) => (code & Mask) == NaR;

    /// <summary>The code of -x (two's complement; 0 and NaR are their own negation).</summary>
    public uint Negate(uint code) => (0u - code) & Mask;

    /// <summary>The code read as an n-bit two's-complement integer (the posit order: NaR is the smallest).</summary>
    public int SignedCode(uint code) => (int)(code << (32 - N)) >> (32 - N);

    /// <summary>
    /// Unpacks a code that is neither 0 nor NaR: |x| = <paramref name="significand"/> * 2^(<paramref name="scale"/> -
    /// <paramref name="fractionBits"/>), with the significand in [2^fractionBits, 2^(fractionBits+1)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unpack(uint code, out bool negative, out int scale, out uint significand, out int fractionBits)
    {
        int n = N;
        negative = ((code >> (n - 1)) & 1) != 0;
        uint mag = negative ? (0u - code) & Mask : code & Mask;
        uint w = mag << (33 - n); // the n-1 magnitude bits at the top of the word
        int m, k;
        if ((int)w < 0) { m = BitOperations.LeadingZeroCount(~w); k = m - 1; }
        else { m = BitOperations.LeadingZeroCount(w); k = -m; }
        ulong rest = ((ulong)w << 32) << (m + 1); // after the regime run and its terminating bit
        int es = Es;
        int exponent = es == 0 ? 0 : (int)(rest >> (64 - es));
        fractionBits = Math.Max(0, n - 2 - m - es);
        uint fraction = fractionBits == 0 ? 0u : (uint)((rest << es) >> (64 - fractionBits));
        significand = (1u << fractionBits) | fraction;
        scale = (k << es) + exponent;
    }

    /// <summary>The value of a code as a double (exact; NaR gives NaN).</summary>
    public double ToDouble(uint code)
    {
        code &= Mask;
        if (code == 0) return 0.0;
        if (code == NaR) return double.NaN;
        Unpack(code, out bool negative, out int scale, out uint sig, out int fb);
        double v = Math.ScaleB((double)sig, scale - fb);
        return negative ? -v : v;
    }

    /// <summary>Encodes a double: NaN and ±Inf give NaR, ±0 gives 0, anything else rounds with <see cref="Round"/>.</summary>
    public uint FromDouble(double x, in RoundingOptions options = default, uint randomWord = 0)
    {
        if (!double.IsFinite(x)) return NaR;
        if (x == 0) return 0;
        var (m, e) = BinarySplit.Decompose(x);
        return Round(x < 0, m, e, false, options, randomWord);
    }

    /// <summary>
    /// Rounds (<paramref name="m"/> + s) * 2^<paramref name="e2"/> to a code, where s = 0 when <paramref name="sticky"/>
    /// is false and s is in (0, 1) otherwise (the caller truncated nonzero bits below <paramref name="m"/>'s lsb).
    /// </summary>
    /// <param name="negative">Sign of the value.</param>
    /// <param name="m">Integer magnitude, nonzero.</param>
    /// <param name="e2">Binary exponent of m's lsb.</param>
    /// <param name="sticky">Whether nonzero bits were cut below m. A caller that sets it keeps m's top bit at bit 61 or
    /// higher, so that at least 32 discarded bits are exact and stochastic rounding sees floor(nu * 2^32) exactly.</param>
    /// <param name="options">Rounding mode (the overflow policy does not apply: posits saturate).</param>
    /// <param name="randomWord">The element's Philox word for stochastic modes.</param>
    public uint Round(bool negative, ulong m, int e2, bool sticky, in RoundingOptions options, uint randomWord)
    {
        Debug.Assert(m != 0, "Round needs a nonzero magnitude");
        Debug.Assert(!sticky || m >= 1UL << 61, "a sticky magnitude must keep at least 62 exact bits");
        int f = 63 - BitOperations.LeadingZeroCount(m); // fraction bits of m
        int scale = e2 + f;
        int maxScale = MaxScale;
        uint magnitude;
        if (scale >= maxScale) magnitude = MaxPosCode;
        else if (scale < -maxScale) magnitude = 1u;
        else magnitude = RoundMagnitude(negative, m, f, scale, sticky, options, randomWord);
        return negative ? (0u - magnitude) & Mask : magnitude;
    }

    private uint RoundMagnitude(bool negative, ulong m, int f, int scale, bool sticky, in RoundingOptions options, uint randomWord)
    {
        int es = Es;
        int k = scale >> es;
        uint e = (uint)(scale & ((1 << es) - 1));
        int regimeLength = k >= 0 ? k + 2 : 1 - k; // with its terminating bit; at most n-1 here
        uint regime = k >= 0 ? ((1u << (k + 1)) - 1) << 1 : 1u;
        int avail = N - 1 - regimeLength; // bits left for exponent and fraction
        ulong fraction = m ^ (1UL << f);
        uint kept;
        Remainder nu;
        if (avail >= es)
        {
            int fb = avail - es; // fraction bits kept
            if (fb >= f)
            {
                kept = (e << fb) | (uint)(fraction << (fb - f));
                nu = sticky ? Tiny : Remainder.Exact;
            }
            else
            {
                int d = f - fb;
                kept = (e << fb) | (uint)(fraction >> d);
                nu = Discarded(fraction & ((1UL << d) - 1), d, sticky);
            }
        }
        else
        {
            int d = es - avail; // exponent bits cut off: the tie point is geometric
            kept = e >> d;
            UInt128 rest = ((UInt128)(e & ((1u << d) - 1)) << f) | fraction;
            nu = WithSticky(Remainder.FromBinary(rest, d + f), sticky);
        }
        uint code = (regime << avail) | kept;
        if (RoundingDecision.RoundsUp(options, negative, (code & 1) != 0, nu, randomWord)) code++;
        return Math.Min(code, MaxPosCode);
    }

    /// <summary>nu for a value strictly between 0 and 2^-64 (only sticky bits were discarded).</summary>
    private static Remainder Tiny => new(true, -1, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Remainder Discarded(ulong rem, int d, bool sticky)
    {
        if (rem == 0) return sticky ? Tiny : Remainder.Exact;
        ulong half = 1UL << (d - 1);
        int cmp = rem < half ? -1 : rem > half ? 1 : sticky ? 1 : 0;
        uint top = d <= 32 ? (uint)(rem << (32 - d)) : (uint)(rem >> (d - 32));
        return new Remainder(true, cmp, top);
    }

    private static Remainder WithSticky(Remainder nu, bool sticky)
    {
        if (!sticky) return nu;
        if (!nu.Inexact) return Tiny;
        return nu.CompareHalf == 0 ? nu with { CompareHalf = 1 } : nu;
    }

    /// <inheritdoc />
    public bool Equals(PositLayout other) => N == other.N && Es == other.Es;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PositLayout other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(N, Es);

    /// <summary>Equality of layouts.</summary>
    public static bool operator ==(PositLayout left, PositLayout right) => left.Equals(right);

    /// <summary>Inequality of layouts.</summary>
    public static bool operator !=(PositLayout left, PositLayout right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => $"posit<{N},{Es}>";
}
