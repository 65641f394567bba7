namespace Emulator.Formats;

public readonly partial struct Posit8
{
    /// <summary>Rounds a posit&lt;16,2&gt; to posit&lt;8,2&gt; (nearest-even on the bit string).</summary>
    public static explicit operator Posit8(Posit16 p) => From(Posit16.Layout, p.Bits);

    /// <summary>Rounds a posit&lt;32,2&gt; to posit&lt;8,2&gt; (nearest-even on the bit string).</summary>
    public static explicit operator Posit8(Posit32 p) => From(Posit32.Layout, p.Bits);
}

public readonly partial struct Posit16
{
    /// <summary>Widens a posit&lt;8,2&gt; exactly.</summary>
    public static implicit operator Posit16(Posit8 p) => From(Posit8.Layout, p.Bits);

    /// <summary>Rounds a posit&lt;32,2&gt; to posit&lt;16,2&gt; (nearest-even on the bit string).</summary>
    public static explicit operator Posit16(Posit32 p) => From(Posit32.Layout, p.Bits);
}

public readonly partial struct Posit32
{
    /// <summary>Widens a posit&lt;8,2&gt; exactly.</summary>
    public static implicit operator Posit32(Posit8 p) => From(Posit8.Layout, p.Bits);

    /// <summary>Widens a posit&lt;16,2&gt; exactly.</summary>
    public static implicit operator Posit32(Posit16 p) => From(Posit16.Layout, p.Bits);
}
