using System.Numerics;

namespace Emulator.Formats;

/// <summary>Correctly rounded posit arithmetic: the exact result (or its floor plus a sticky bit) rounded once by
/// <see cref="PositLayout.Round"/>. NaR in gives NaR out; so do division by zero and the square root of a negative.</summary>
public readonly partial struct PositLayout
{
    /// <summary>a + b, rounded once.</summary>
    public uint Add(uint a, uint b, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        b &= Mask;
        uint nar = NaR;
        if (a == nar || b == nar) return nar;
        if (a == 0) return b;
        if (b == 0) return a;
        Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        Unpack(b, out bool nb, out int sb, out uint mb, out int fb);
        ulong x = (ulong)ma << (62 - fa); // both significands with their leading one at bit 62
        ulong y = (ulong)mb << (62 - fb);
        if (sb > sa || (sb == sa && y > x))
        {
            (x, y) = (y, x);
            (sa, sb) = (sb, sa);
            (na, nb) = (nb, na);
        }
        int d = sa - sb;
        bool sticky;
        if (d > 63) { sticky = true; y = 0; }
        else { sticky = d > 0 && (y & ((1UL << d) - 1)) != 0; y >>= d; }
        ulong sum;
        if (na == nb) sum = x + y;
        else
        {
            sum = x - y - (sticky ? 1UL : 0UL); // floor of the exact difference
            if (sum == 0 && !sticky) return 0;
        }
        return Round(na, sum, sa - 62, sticky, options, randomWord);
    }

    /// <summary>a - b, rounded once.</summary>
    public uint Subtract(uint a, uint b, in RoundingOptions options = default, uint randomWord = 0) =>
        Add(a, Negate(b), options, randomWord);

    /// <summary>a * b, rounded once.</summary>
    public uint Multiply(uint a, uint b, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        b &= Mask;
        uint nar = NaR;
        if (a == nar || b == nar) return nar;
        if (a == 0 || b == 0) return 0;
        Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        Unpack(b, out bool nb, out int sb, out uint mb, out int fb);
        return Round(na ^ nb, (ulong)ma * mb, sa - fa + sb - fb, false, options, randomWord);
    }

    /// <summary>a / b, rounded once (x / 0 is NaR).</summary>
    public uint Divide(uint a, uint b, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        b &= Mask;
        uint nar = NaR;
        if (a == nar || b == nar || b == 0) return nar;
        if (a == 0) return 0;
        Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        Unpack(b, out bool nb, out int sb, out uint mb, out int fb);
        UInt128 num = (UInt128)ma << (126 - fa); // leading one at bit 126
        (UInt128 q, UInt128 rem) = UInt128.DivRem(num, mb);
        // a / b = (q + rem / mb) * 2^(sa - 126 - sb + fb); q has at least 96 bits
        NarrowToSticky(q, rem != 0, out ulong m, out int shift, out bool sticky);
        return Round(na ^ nb, m, sa - 126 - sb + fb + shift, sticky, options, randomWord);
    }

    /// <summary>sqrt(a), rounded once (negative a gives NaR).</summary>
    public uint Sqrt(uint a, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        if (a == 0) return 0;
        if (a == NaR || ((a >> (N - 1)) & 1) != 0) return NaR;
        Unpack(a, out _, out int sa, out uint ma, out int fa);
        // a = X * 2^E with X's leading one at bit 124 or 125 and E even
        int t = 125 - fa;
        if (((sa - fa - t) & 1) != 0) t--;
        UInt128 x = (UInt128)ma << t;
        ulong r = IntegerSqrt(x);
        bool sticky = (UInt128)r * r != x;
        return Round(false, r, (sa - fa - t) / 2, sticky, options, randomWord);
    }

    /// <summary>a * b + c with one rounding.</summary>
    public uint FusedMultiplyAdd(uint a, uint b, uint c, in RoundingOptions options = default, uint randomWord = 0)
    {
        a &= Mask;
        b &= Mask;
        c &= Mask;
        uint nar = NaR;
        if (a == nar || b == nar || c == nar) return nar;
        if (a == 0 || b == 0) return c;
        Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        Unpack(b, out bool nb, out int sb, out uint mb, out int fb);
        ulong p = (ulong)ma * mb;
        int ep = sa - fa + sb - fb;
        if (c == 0) return Round(na ^ nb, p, ep, false, options, randomWord);
        Unpack(c, out bool nc, out int sc, out uint mc, out int fc);
        return RoundSum(na ^ nb, p, ep, nc, mc, sc - fc, options, randomWord);
    }

    /// <summary>Rounds x1 * 2^e1 ± x2 * 2^e2 (nonzero integer magnitudes with signs) once.</summary>
    private uint RoundSum(bool n1, ulong x1, int e1, bool n2, ulong x2, int e2, in RoundingOptions options, uint randomWord)
    {
        // Align both with their leading one at bit 126 and top exponents t1 >= t2.
        int l1 = 63 - BitOperations.LeadingZeroCount(x1), l2 = 63 - BitOperations.LeadingZeroCount(x2);
        UInt128 y1 = (UInt128)x1 << (126 - l1), y2 = (UInt128)x2 << (126 - l2);
        int t1 = e1 + l1, t2 = e2 + l2;
        if (t2 > t1 || (t2 == t1 && y2 > y1))
        {
            (y1, y2) = (y2, y1);
            (t1, t2) = (t2, t1);
            (n1, n2) = (n2, n1);
        }
        int d = t1 - t2;
        bool sticky;
        if (d > 127) { sticky = true; y2 = 0; }
        else { sticky = d > 0 && (y2 & (((UInt128)1 << d) - 1)) != 0; y2 >>= d; }
        UInt128 sum;
        if (n1 == n2) sum = y1 + y2;
        else
        {
            sum = y1 - y2 - (sticky ? UInt128.One : UInt128.Zero);
            if (sum == 0 && !sticky) return 0;
        }
        NarrowToSticky(sum, sticky, out ulong m, out int shift, out bool s);
        return Round(n1, m, t1 - 126 + shift, s, options, randomWord);
    }

    /// <summary>Keeps the top 64 bits of a wide magnitude (shifted right by <paramref name="shift"/>), folding the rest into sticky.</summary>
    internal static void NarrowToSticky(UInt128 x, bool stickyIn, out ulong m, out int shift, out bool sticky)
    {
        int length = 128 - (int)UInt128.LeadingZeroCount(x);
        shift = Math.Max(0, length - 64);
        m = (ulong)(x >> shift);
        sticky = stickyIn || (shift > 0 && (x & (((UInt128)1 << shift) - 1)) != 0);
        if (sticky && length < 64)
            throw new InvalidOperationException("internal: a sticky magnitude lost its guard bits");
    }

    /// <summary>floor(sqrt(x)) for x below 2^126.</summary>
    private static ulong IntegerSqrt(UInt128 x)
    {
        ulong r = (ulong)Math.Sqrt((double)x);
        if (r != 0) r = (ulong)(((UInt128)r + x / r) >> 1);
        while ((UInt128)r * r > x) r--;
        while ((UInt128)(r + 1) * (r + 1) <= x) r++;
        return r;
    }

    /// <summary>The posit order: -1, 0 or 1 as a &lt; b, a = b, a &gt; b (NaR equals itself and is below every real).</summary>
    public int Compare(uint a, uint b) => SignedCode(a).CompareTo(SignedCode(b));

    /// <summary>Converts a code of this layout to <paramref name="target"/>, rounded once.</summary>
    public uint ConvertTo(in PositLayout target, uint code, in RoundingOptions options = default, uint randomWord = 0)
    {
        code &= Mask;
        if (code == 0) return 0;
        if (code == NaR) return target.NaR;
        Unpack(code, out bool negative, out int scale, out uint sig, out int fb);
        return target.Round(negative, sig, scale - fb, false, options, randomWord);
    }

    /// <summary>The posit nearest to an integer (rounded per <paramref name="options"/>).</summary>
    public uint FromInt64(long value, in RoundingOptions options = default, uint randomWord = 0) =>
        value == 0 ? 0 : Round(value < 0, value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value, 0, false, options, randomWord);

    /// <summary>The posit nearest to an unsigned integer (rounded per <paramref name="options"/>).</summary>
    public uint FromUInt64(ulong value, in RoundingOptions options = default, uint randomWord = 0) =>
        value == 0 ? 0 : Round(false, value, 0, false, options, randomWord);

    /// <summary>
    /// The integer nearest to a posit under <paramref name="options"/> (section 1 on the integer grid). Out-of-range
    /// values clamp to <see cref="long.MinValue"/> / <see cref="long.MaxValue"/>; NaR gives <see cref="long.MinValue"/>.
    /// </summary>
    public long ToInt64(uint code, in RoundingOptions options = default, uint randomWord = 0)
    {
        code &= Mask;
        if (code == 0) return 0;
        if (code == NaR) return long.MinValue;
        Unpack(code, out bool negative, out int scale, out uint sig, out int fb);
        int s = fb - scale; // |x| = sig / 2^s
        ulong magnitude;
        if (s <= 0)
        {
            if (scale >= 63) return negative ? long.MinValue : long.MaxValue;
            magnitude = (ulong)sig << -s;
        }
        else
        {
            ulong floor = s >= 64 ? 0 : (ulong)sig >> s;
            Remainder nu = s > 120
                ? new Remainder(true, -1, 0)
                : Remainder.FromBinary((UInt128)sig & (((UInt128)1 << s) - 1), s);
            magnitude = floor + (RoundingDecision.RoundsUp(options, negative, (floor & 1) != 0, nu, randomWord) ? 1UL : 0UL);
        }
        if (negative) return magnitude > 1UL << 63 ? long.MinValue : (long)(0UL - magnitude);
        return magnitude > long.MaxValue ? long.MaxValue : (long)magnitude;
    }
}
