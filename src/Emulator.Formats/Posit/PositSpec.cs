namespace Emulator.Formats;

/// <summary>The <c>posit</c> kind of a format spec: <c>bits</c> (n, 2..32) and <c>es</c> (0..4, default 2).</summary>
internal static class PositSpec
{
    public static NumberFormat Parse(SpecObject s, FormatInfo info)
    {
        int bits = s.Int("bits", 2, 32, required: true)!.Value;
        int es = s.Int("es", 0, 4) ?? 2;
        if (s.Has("overflow") && FormatSpecReader.Overflow(s) != OverflowPolicy.Saturate)
            throw s.Error("overflow", "posits always saturate (never 0 or NaR from a finite nonzero value); use \"saturate\" or omit the field");
        return new PositFormat(info, bits, es) { DefaultRounding = FormatSpecReader.Rounding(s) };
    }
}
