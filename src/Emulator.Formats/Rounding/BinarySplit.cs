namespace Emulator.Formats;

/// <summary>Exact splitting of a positive double against a power-of-two grid: a / 2^q = F + nu.</summary>
public static class BinarySplit
{
    /// <summary>Writes a positive finite <paramref name="a"/> as m * 2^e with m an integer below 2^53.</summary>
    public static (ulong M, int E) Decompose(double a)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(a) & 0x7FFF_FFFF_FFFF_FFFFUL;
        int ef = (int)(bits >> 52);
        ulong frac = bits & 0xF_FFFF_FFFF_FFFFUL;
        return ef == 0 ? (frac, -1074) : (frac | (1UL << 52), ef - 1075);
    }

    /// <summary>floor(log2 a) for a positive finite double.</summary>
    public static int FloorLog2(double a)
    {
        var (m, e) = Decompose(a);
        return e + 63 - System.Numerics.BitOperations.LeadingZeroCount(m);
    }

    /// <summary>
    /// F = floor(a / 2^q) and the discarded fraction nu, exactly, for a positive finite <paramref name="a"/>.
    /// The caller guarantees a / 2^q &lt; 2^63.
    /// </summary>
    public static ulong Floor(double a, int q, out Remainder nu)
    {
        var (m, e) = Decompose(a);
        int shift = q - e;
        if (shift <= 0)
        {
            nu = Remainder.Exact;
            if (-shift >= 64 || (m >> (63 + shift)) != 0)
                throw new ArgumentOutOfRangeException(nameof(a), a, $"a / 2^{q} must be below 2^63");
            return m << -shift;
        }
        if (shift > 100)
        {
            // a < 2^(53 - 100): nu below 2^-47 keeps every rounding decision of a 32-bit-or-less remainder.
            nu = Remainder.FromBinary(m, 100);
            return 0;
        }
        UInt128 wide = m;
        UInt128 mask = ((UInt128)1 << shift) - 1;
        nu = Remainder.FromBinary(wide & mask, shift);
        return (ulong)(wide >> shift);
    }
}
