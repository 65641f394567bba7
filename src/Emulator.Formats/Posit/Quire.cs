using System.Numerics;

namespace Emulator.Formats;

/// <summary>
/// The quire of posit&lt;n,2&gt; (2022 Posit Standard): a 16n-bit two's-complement fixed-point accumulator whose lsb is
/// minpos^2 = 2^(16-8n). Products of posits and posits are added exactly; <see cref="ToPosit"/> rounds once.
/// NaR in any input makes the quire NaR until <see cref="Clear"/>. n = 8 uses an <see cref="Int128"/>; larger n use a
/// fixed-size array of 64-bit words. A sum beyond the 16n-bit range (more than about 2^31 products of maxpos^2) wraps.
/// </summary>
public sealed class Quire
{
    private readonly PositLayout _layout;
    private readonly int _lsbExponent; // 16 - 8n
    private readonly ulong[]? _words; // little-endian two's complement, for n > 8
    private Int128 _small; // for n <= 8

    /// <summary>Creates a zero quire for posit&lt;n,2&gt;.</summary>
    /// <param name="n">Posit width, 2..32.</param>
    public Quire(int n)
    {
        if (n is < 2 or > 32)
            throw new ArgumentOutOfRangeException(nameof(n), n, "quire posit width n must be in 2..32 (es = 2)");
        _layout = new PositLayout(n, 2);
        _lsbExponent = 16 - 8 * n;
        if (n > 8) _words = new ulong[(16 * n + 63) / 64];
    }

    /// <summary>Creates a zero quire for a posit format with es = 2.</summary>
    public Quire(PositFormat format) : this(CheckFormat(format)) { }

    private static int CheckFormat(PositFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.ExponentBits != 2)
            throw new ArgumentException($"format '{format.Name}' has es = {format.ExponentBits}; the quire is defined for es = 2", nameof(format));
        return format.Bits;
    }

    /// <summary>The posit layout posit&lt;n,2&gt; this quire accumulates.</summary>
    public PositLayout Layout => _layout;

    /// <summary>Width of the accumulator in bits, 16n.</summary>
    public int Bits => 16 * _layout.N;

    /// <summary>Whether a NaR was accumulated.</summary>
    public bool IsNaR { get; private set; }

    /// <summary>Whether the quire holds exactly zero (and is not NaR).</summary>
    public bool IsZero => !IsNaR && (_words is null ? _small == 0 : Array.TrueForAll(_words, w => w == 0));

    /// <summary>Sets the quire to zero.</summary>
    public void Clear()
    {
        IsNaR = false;
        _small = 0;
        if (_words is not null) Array.Clear(_words);
    }

    /// <summary>quire += a * b, exactly.</summary>
    public void AddProduct(uint a, uint b) => Accumulate(a, b, false);

    /// <summary>quire -= a * b, exactly.</summary>
    public void SubtractProduct(uint a, uint b) => Accumulate(a, b, true);

    /// <summary>quire += a, exactly.</summary>
    public void Add(uint a) => AccumulatePosit(a, false);

    /// <summary>quire -= a, exactly.</summary>
    public void Subtract(uint a) => AccumulatePosit(a, true);

    private void Accumulate(uint a, uint b, bool subtract)
    {
        a &= _layout.Mask;
        b &= _layout.Mask;
        if (a == _layout.NaR || b == _layout.NaR) { IsNaR = true; return; }
        if (IsNaR || a == 0 || b == 0) return;
        _layout.Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        _layout.Unpack(b, out bool nb, out int sb, out uint mb, out int fb);
        AddShifted(na ^ nb ^ subtract, (ulong)ma * mb, sa - fa + sb - fb - _lsbExponent);
    }

    private void AccumulatePosit(uint a, bool subtract)
    {
        a &= _layout.Mask;
        if (a == _layout.NaR) { IsNaR = true; return; }
        if (IsNaR || a == 0) return;
        _layout.Unpack(a, out bool na, out int sa, out uint ma, out int fa);
        AddShifted(na ^ subtract, ma, sa - fa - _lsbExponent);
    }

    /// <summary>quire += ±m * 2^shift (in units of the lsb).</summary>
    private void AddShifted(bool negative, ulong m, int shift)
    {
        if (_words is null)
        {
            Int128 v = (Int128)((UInt128)m << shift);
            _small = negative ? _small - v : _small + v;
            return;
        }
        int w = shift >> 6, s = shift & 63;
        ulong lo = m << s, hi = s == 0 ? 0 : m >> (64 - s);
        ulong[] words = _words;
        if (!negative)
        {
            ulong carry = 0;
            for (int i = w; i < words.Length; i++)
            {
                ulong add = i == w ? lo : i == w + 1 ? hi : 0;
                if (add == 0 && carry == 0 && i > w + 1) break;
                ulong t = words[i] + add;
                ulong c1 = t < add ? 1UL : 0UL;
                ulong r = t + carry;
                ulong c2 = r < carry ? 1UL : 0UL;
                words[i] = r;
                carry = c1 | c2;
            }
        }
        else
        {
            ulong borrow = 0;
            for (int i = w; i < words.Length; i++)
            {
                ulong sub = i == w ? lo : i == w + 1 ? hi : 0;
                if (sub == 0 && borrow == 0 && i > w + 1) break;
                ulong x = words[i];
                ulong t = x - sub;
                ulong b1 = x < sub ? 1UL : 0UL;
                ulong r = t - borrow;
                ulong b2 = t < borrow ? 1UL : 0UL;
                words[i] = r;
                borrow = b1 | b2;
            }
        }
    }

    /// <summary>Rounds the quire once to a posit&lt;n,2&gt; code (NaR if a NaR was accumulated).</summary>
    public uint ToPosit(in RoundingOptions options = default, uint randomWord = 0)
    {
        if (IsNaR) return _layout.NaR;
        bool negative;
        ulong m;
        int top;
        bool sticky;
        if (_words is null)
        {
            if (_small == 0) return 0;
            negative = _small < 0;
            UInt128 mag = negative ? (UInt128)(-_small) : (UInt128)_small;
            top = 127 - (int)UInt128.LeadingZeroCount(mag);
            int cut = Math.Max(0, top - 63);
            m = (ulong)(mag >> cut);
            sticky = cut > 0 && (mag & (((UInt128)1 << cut) - 1)) != 0;
            return _layout.Round(negative, m, cut + _lsbExponent, sticky, options, randomWord);
        }
        ulong[] words = (ulong[])_words.Clone();
        negative = (long)words[^1] < 0;
        if (negative) NegateInPlace(words);
        int hiWord = words.Length - 1;
        while (hiWord >= 0 && words[hiWord] == 0) hiWord--;
        if (hiWord < 0) return 0;
        top = hiWord * 64 + 63 - BitOperations.LeadingZeroCount(words[hiWord]);
        int low = Math.Max(0, top - 63); // lowest bit kept in m
        m = ExtractBits(words, low);
        sticky = false;
        for (int i = 0; i < (low >> 6) && !sticky; i++) sticky = words[i] != 0;
        if (!sticky && (low & 63) != 0) sticky = (words[low >> 6] & ((1UL << (low & 63)) - 1)) != 0;
        return _layout.Round(negative, m, low + _lsbExponent, sticky, options, randomWord);
    }

    private static ulong ExtractBits(ulong[] words, int low)
    {
        int w = low >> 6, s = low & 63;
        ulong lo = words[w] >> s;
        if (s != 0 && w + 1 < words.Length) lo |= words[w + 1] << (64 - s);
        return lo;
    }

    private static void NegateInPlace(ulong[] words)
    {
        ulong carry = 1;
        for (int i = 0; i < words.Length; i++)
        {
            ulong r = ~words[i] + carry;
            carry = r < carry ? 1UL : 0UL;
            words[i] = r;
        }
    }

    /// <summary>
    /// The fused dot product sum a[i] * b[i] of posit&lt;n,2&gt; codes, accumulated exactly in a quire and rounded once.
    /// </summary>
    public static uint Dot(int n, ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, in RoundingOptions options = default, uint randomWord = 0)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"b has length {b.Length}; it must equal a.Length = {a.Length}", nameof(b));
        var quire = new Quire(n);
        for (int i = 0; i < a.Length; i++) quire.AddProduct(a[i], b[i]);
        return quire.ToPosit(options, randomWord);
    }
}
