namespace Emulator.Formats.Tests.Posits;

/// <summary>Every file of golden/posit (SoftPosit): decode, conversion from double, arithmetic and the quire.</summary>
public sealed class PositGoldenTests
{
    private static PositLayout Standard(int n) => new(n, 2);

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void DecodeMatchesEveryCode(int n)
    {
        var format = (PositFormat)FormatRegistry.Default.Get($"posit{n}");
        int count = 0;
        foreach (string[] f in PositGolden.Lines($"p{n}e2_decode.txt"))
        {
            uint code = PositGolden.Code(f[0]);
            double value = format.Decode(code);
            if (f[1] == "nar")
            {
                Assert.True(double.IsNaN(value), $"code {f[0]} should be NaR");
                Assert.Equal(format.NaRCode, code);
            }
            else Assert.Equal(PositGolden.HexFloat(f[1]), value);
            count++;
        }
        Assert.Equal(1 << n, count);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void FromDoubleMatches(int n)
    {
        var format = (PositFormat)FormatRegistry.Default.Get($"posit{n}");
        int count = 0, mismatches = 0;
        string first = "";
        foreach (string[] f in PositGolden.Lines($"p{n}e2_from_double.txt"))
        {
            double x = PositGolden.HexFloat(f[0]);
            uint expected = PositGolden.Code(f[1]);
            uint actual = format.Encode(x);
            if (actual != expected && mismatches++ == 0) first = $"{f[0]} -> {actual:x} (expected {f[1]})";
            count++;
        }
        Assert.True(count > 1000, $"only {count} cases read");
        Assert.True(mismatches == 0, $"{mismatches} of {count} mismatches; first: {first}");
    }

    [Theory]
    [InlineData(8, "add")]
    [InlineData(8, "sub")]
    [InlineData(8, "mul")]
    [InlineData(8, "div")]
    [InlineData(16, "add")]
    [InlineData(16, "sub")]
    [InlineData(16, "mul")]
    [InlineData(16, "div")]
    [InlineData(32, "add")]
    [InlineData(32, "sub")]
    [InlineData(32, "mul")]
    [InlineData(32, "div")]
    public void BinaryOperationMatches(int n, string op)
    {
        PositLayout p = Standard(n);
        Func<uint, uint, uint> f = op switch
        {
            "add" => (a, b) => p.Add(a, b),
            "sub" => (a, b) => p.Subtract(a, b),
            "mul" => (a, b) => p.Multiply(a, b),
            _ => (a, b) => p.Divide(a, b),
        };
        int count = 0, mismatches = 0;
        string first = "";
        foreach (string[] line in PositGolden.Lines($"p{n}e2_{op}.txt"))
        {
            uint a = PositGolden.Code(line[0]), b = PositGolden.Code(line[1]), expected = PositGolden.Code(line[2]);
            uint actual = f(a, b);
            if (actual != expected && mismatches++ == 0) first = $"{line[0]} {op} {line[1]} = {actual:x} (expected {line[2]})";
            count++;
        }
        Assert.True(count >= (n == 8 ? 65536 : 250000), $"only {count} cases read");
        Assert.True(mismatches == 0, $"{mismatches} of {count} mismatches; first: {first}");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void SqrtMatchesEveryCode(int n)
    {
        PositLayout p = Standard(n);
        int count = 0;
        foreach (string[] f in PositGolden.Lines($"p{n}e2_sqrt.txt"))
        {
            uint a = PositGolden.Code(f[0]);
            Assert.True(PositGolden.Code(f[1]) == p.Sqrt(a), $"sqrt({f[0]}) = {p.Sqrt(a):x}, expected {f[1]}");
            count++;
        }
        Assert.Equal(1 << n, count);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void QuireFusedDotProductMatches(int n)
    {
        var quire = new Quire(n);
        int count = 0, mismatches = 0;
        string first = "";
        foreach (string[] f in PositGolden.Lines($"p{n}e2_fdp.txt"))
        {
            int k = int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("->", f[1 + 2 * k]);
            var a = new uint[k];
            var b = new uint[k];
            quire.Clear();
            for (int i = 0; i < k; i++)
            {
                a[i] = PositGolden.Code(f[1 + 2 * i]);
                b[i] = PositGolden.Code(f[2 + 2 * i]);
                quire.AddProduct(a[i], b[i]);
            }
            uint expected = PositGolden.Code(f[2 + 2 * k]);
            uint actual = quire.ToPosit();
            Assert.Equal(actual, Quire.Dot(n, a, b));
            if (actual != expected && mismatches++ == 0) first = $"line {count + 1}: {actual:x} (expected {f[2 + 2 * k]})";
            count++;
        }
        Assert.True(count >= 20000, $"only {count} cases read");
        Assert.True(mismatches == 0, $"{mismatches} of {count} mismatches; first: {first}");
    }

    [Fact]
    public void LegacyPosit8Es0AddAndMulMatch()
    {
        PositLayout p = ((PositFormat)FormatRegistry.Default.Get("posit8es0")).Layout;
        Assert.Equal(new PositLayout(8, 0), p);
        int count = 0;
        foreach (string[] f in PositGolden.Lines("legacy_p8e0_add_mul.txt"))
        {
            uint a = PositGolden.Code(f[0]), b = PositGolden.Code(f[1]);
            Assert.True(PositGolden.Code(f[2]) == p.Add(a, b), $"{f[0]} + {f[1]} = {p.Add(a, b):x2}, expected {f[2]}");
            Assert.True(PositGolden.Code(f[3]) == p.Multiply(a, b), $"{f[0]} * {f[1]} = {p.Multiply(a, b):x2}, expected {f[3]}");
            count++;
        }
        Assert.Equal(65536, count);
    }
}
