using System.Globalization;
using System.Text;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>Formatting round-trips through parsing; decimal text is read exactly (no double rounding).</summary>
public class TextTests
{
    private static void RoundTrip<T>(IEnumerable<uint> codes) where T : struct, IEmulatedNumber<T>, ISpanFormattable, ISpanParsable<T>, IUtf8SpanFormattable
    {
        FloatFormat f = T.Format;
        var german = CultureInfo.GetCultureInfo("de-DE");
        Span<char> chars = stackalloc char[64];
        Span<byte> bytes = stackalloc byte[64];
        foreach (uint code in codes)
        {
            T x = T.FromCode(code);
            foreach (IFormatProvider culture in new IFormatProvider[] { CultureInfo.InvariantCulture, german })
            {
                string s = x.ToString(null, culture);
                T back = T.Parse(s, culture);
                bool nan = f.IsNaNCode(code);
                if (nan) Assert.True(f.IsNaNCode(back.Code), $"{f.Name} '{s}'");
                else Assert.True(code == back.Code, $"{f.Name}: 0x{code:X} formats as '{s}' and parses back as 0x{back.Code:X}");
                Assert.True(x.TryFormat(chars, out int n, default, culture));
                Assert.Equal(s, chars[..n].ToString());
                Assert.True(x.TryFormat(bytes, out int nb, default, culture));
                Assert.Equal(s, Encoding.UTF8.GetString(bytes[..nb]));
                Assert.True(T.TryParse(s.AsSpan(), culture, out T fromSpan));
                Assert.True(nan ? f.IsNaNCode(fromSpan.Code) : fromSpan.Code == code);
            }
        }
    }

    private static IEnumerable<uint> All(FloatFormat f) => Enumerable.Range(0, (int)f.CodeCount).Select(i => (uint)i);

    /// <summary>Every code of the 8-bit and smaller types, and of BFloat16; a sample of TF32.</summary>
    [Fact]
    public void Every_code_round_trips()
    {
        RoundTrip<Float8E4M3>(All(Float8E4M3.Format));
        RoundTrip<Float8E5M2>(All(Float8E5M2.Format));
        RoundTrip<Float8E4M3Fnuz>(All(Float8E4M3Fnuz.Format));
        RoundTrip<Float8E5M2Fnuz>(All(Float8E5M2Fnuz.Format));
        RoundTrip<Float6E2M3>(All(Float6E2M3.Format));
        RoundTrip<Float6E3M2>(All(Float6E3M2.Format));
        RoundTrip<Float4E2M1>(All(Float4E2M1.Format));
        RoundTrip<Float8E8M0>(All(Float8E8M0.Format));
        RoundTrip<BFloat16>(Enumerable.Range(0, 4096).Select(i => (uint)(i * 16 + i % 16)));
        var rng = new Random(5);
        RoundTrip<Tf32>(Enumerable.Range(0, 2000).Select(_ => (uint)rng.Next(1 << 19)));
    }

    /// <summary>Formatting gives the shortest text that identifies the value in the type.</summary>
    [Fact]
    public void Shortest_text()
    {
        Assert.Equal("0.1", ((BFloat16)0.1).ToString(CultureInfo.InvariantCulture));
        Assert.Equal("0,1", ((BFloat16)0.1).ToString(CultureInfo.GetCultureInfo("de-DE")));
        Assert.Equal("448", Float8E4M3.MaxValue.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("-0", Float8E4M3.NegativeZero.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("NaN", Float8E4M3.NaN.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("-Infinity", Float8E5M2.NegativeInfinity.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("6E-39", Float8E8M0.MinValue.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0.10009765625, (double)(BFloat16)0.1); // the value "0.1" stands for
        Assert.Equal("1.000E+000", Float8E4M3.One.ToString("E3", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Text just above an E4M3 tie must round up: 1.0625 is the tie between 1 and 1.125, and the nearest double of the
    /// text is the tie itself, which would round to even (1) through double.
    /// </summary>
    [Fact]
    public void Parsing_is_exact()
    {
        const string justAbove = "1.06250000000000000000001";
        const string justBelow = "1.06249999999999999999999";
        Assert.Equal(1.0625, double.Parse(justAbove, CultureInfo.InvariantCulture));
        Assert.Equal(1.0625, double.Parse(justBelow, CultureInfo.InvariantCulture));
        Assert.Equal(1.125, (double)Float8E4M3.Parse(justAbove, CultureInfo.InvariantCulture));
        Assert.Equal(1.0, (double)Float8E4M3.Parse(justBelow, CultureInfo.InvariantCulture));
        Assert.Equal(1.0, (double)Float8E4M3.Parse("1.0625", CultureInfo.InvariantCulture));
        Assert.Equal(-1.125, (double)Float8E4M3.Parse("-106250000000000000000001e-23", CultureInfo.InvariantCulture));
        Assert.Equal(1.125, (double)Float8E4M3.Parse("1,06250000000000000000001", NumberStyles.Float, CultureInfo.GetCultureInfo("de-DE")));
        Assert.Equal(1.125, (double)Float8E4M3.Parse(Encoding.UTF8.GetBytes(justAbove), NumberStyles.Float, CultureInfo.InvariantCulture));
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.Parse("1e400", CultureInfo.InvariantCulture))); // overflow as the casts: NaN
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.Parse("1e400", CultureInfo.InvariantCulture))); // Inf, as Half.Parse
        Assert.True(Half.IsPositiveInfinity(Half.Parse("1e400", CultureInfo.InvariantCulture)));
        Assert.Equal(0, Float8E4M3.Parse("1e-400", CultureInfo.InvariantCulture).ToBits());
        Assert.Equal(0x80, Float8E4M3.Parse("-1e-400", CultureInfo.InvariantCulture).ToBits());
        Assert.Equal(1024.0, (double)Float8E5M2.Parse("1,000", CultureInfo.InvariantCulture)); // group separator allowed
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.Parse("Infinity", CultureInfo.InvariantCulture)));
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.Parse("NaN", CultureInfo.InvariantCulture)));
        Assert.False(Float8E4M3.TryParse("1.2.3", CultureInfo.InvariantCulture, out _));
        Assert.False(Float8E4M3.TryParse((string?)null, CultureInfo.InvariantCulture, out _));
        var error = Assert.Throws<FormatException>(() => Float8E4M3.Parse("abc", CultureInfo.InvariantCulture));
        Assert.Contains("abc", error.Message);
    }
}
