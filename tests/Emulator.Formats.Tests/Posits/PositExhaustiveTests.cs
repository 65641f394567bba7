using System.Globalization;

namespace Emulator.Formats.Tests.Posits;

/// <summary>Exhaustive checks: every posit8 code and pair, and (explicit, slow) the posit16 digests of golden/posit.</summary>
public sealed class PositExhaustiveTests
{
    private static readonly RoundingMode[] Modes = Enum.GetValues<RoundingMode>();

    [Fact]
    public void EveryCodeOfSmallLayoutsDecodesAndReencodesToItself()
    {
        for (int n = 2; n <= 16; n++)
            for (int es = 0; es <= 4; es++)
            {
                var p = new PositLayout(n, es);
                for (uint code = 0; code < 1u << n; code++)
                {
                    double v = p.ToDouble(code);
                    uint back = p.FromDouble(v);
                    if (code == p.NaR) Assert.True(double.IsNaN(v) && back == p.NaR);
                    else if (back != code) Assert.Fail($"{p}: code {code:x} decodes to {v} which encodes to {back:x}");
                    foreach (RoundingMode mode in Modes) // exact values stay put in every mode
                        if (n == 8 && p.FromDouble(v, new RoundingOptions(mode), 0xDEADBEEF) != code)
                            Assert.Fail($"{p}: code {code:x} moves under {mode}");
                }
            }
    }

    /// <summary>
    /// All 65,536 pairs of posit&lt;8,2&gt; and posit&lt;8,0&gt; for add, sub, mul, div and (all codes) sqrt, in every rounding
    /// mode, against the double-precision result rounded once by the conversion: for 8-bit posits the double sum, difference
    /// and product are exact, and a correctly rounded double quotient or root cannot cross a posit8 rounding boundary
    /// (boundaries are dyadic with few bits; a non-dyadic quotient of 5-bit significands is at least 2^-45 away relatively).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void EveryPosit8PairAgreesWithConversionInEveryMode(int es)
    {
        var p = new PositLayout(8, es);
        foreach (RoundingMode mode in Modes)
        {
            var o = new RoundingOptions(mode) { StochasticBits = 32 };
            for (uint a = 0; a < 256; a++)
            {
                double x = p.ToDouble(a);
                uint rs = Mix(a, 0x1234567);
                Check(p.Sqrt(a, o, rs), Math.Sqrt(x), rs, "sqrt", a, 0);
                for (uint b = 0; b < 256; b++)
                {
                    double y = p.ToDouble(b);
                    uint r = Mix(a, b);
                    Check(p.Add(a, b, o, r), x + y, r, "add", a, b);
                    Check(p.Subtract(a, b, o, r), x - y, r, "sub", a, b);
                    Check(p.Multiply(a, b, o, r), x * y, r, "mul", a, b);
                    Check(p.Divide(a, b, o, r), x / y, r, "div", a, b);
                }
            }

            void Check(uint actual, double exact, uint r, string op, uint a, uint b)
            {
                uint expected = double.IsNaN(exact) || double.IsInfinity(exact) ? p.NaR : exact == 0 ? 0 : p.FromDouble(exact, o, r);
                if (actual != expected) Assert.Fail($"{p} {mode}: {a:x2} {op} {b:x2} = {actual:x2}, expected {expected:x2}");
            }
        }
    }

    private static uint Mix(uint a, uint b)
    {
        ulong h = (a * 0x9E3779B97F4A7C15UL) ^ (b * 0xC2B2AE3D27D4EB4FUL);
        h ^= h >> 29;
        return (uint)(h * 0xBF58476D1CE4E5B9UL >> 32);
    }

    [Fact]
    public void Posit8GoldenCoversEveryPairOfEachOperation()
    {
        foreach (string op in new[] { "add", "sub", "mul", "div" })
        {
            var seen = new bool[65536];
            foreach (string[] f in PositGolden.Lines($"p8e2_{op}.txt")) seen[(PositGolden.Code(f[0]) << 8) | PositGolden.Code(f[1])] = true;
            Assert.True(seen.All(s => s), $"p8e2_{op} misses pairs");
        }
    }

    /// <summary>FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3), as digests.txt defines it.</summary>
    private struct Fnv1a64()
    {
        public ulong Value { get; private set; } = 0xcbf29ce484222325UL;

        public void Append(byte b) => Value = (Value ^ b) * 0x100000001b3UL;
    }

    [Theory]
    [InlineData("", "cbf29ce484222325")]
    [InlineData("a", "af63dc4c8601ec8c")]
    [InlineData("foobar", "85944171f73967e8")]
    public void Fnv1aKnownAnswers(string text, string expected)
    {
        var hash = new Fnv1a64();
        foreach (byte b in System.Text.Encoding.ASCII.GetBytes(text)) hash.Append(b);
        Assert.Equal(expected, hash.Value.ToString("x16"));
    }

    /// <summary>
    /// Every pair of posit&lt;16,2&gt; codes for add, sub, mul and div, hashed in the order golden/posit/digests.txt defines,
    /// against the file's digests (reproduced by an independent exact-arithmetic implementation). Explicit (about 6
    /// CPU-minutes): CI runs its category (GoldenDigest) once, outside the instruction-set matrix.
    /// </summary>
    [Theory(Explicit = true)]
    [Trait("Category", "GoldenDigest")]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("div")]
    public void Posit16ExhaustiveDigestMatches(string op)
    {
        string? line = GoldenFiles.Lines(GoldenFiles.PathOf("posit", "digests.txt"))
            .FirstOrDefault(l => l.StartsWith(op + " ", StringComparison.Ordinal));
        Assert.NotNull(line);
        ulong expected = ulong.Parse(line.Split(' ')[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var p = new PositLayout(16, 2);
        Func<uint, uint, uint> f = op switch
        {
            "add" => (a, b) => p.Add(a, b),
            "sub" => (a, b) => p.Subtract(a, b),
            "mul" => (a, b) => p.Multiply(a, b),
            _ => (a, b) => p.Divide(a, b),
        };
        const int Block = 256; // values of a computed in parallel, then hashed in order
        var results = new ushort[Block * 65536];
        var hash = new Fnv1a64();
        for (int a0 = 0; a0 < 65536; a0 += Block)
        {
            Parallel.For(0, Block, i =>
            {
                uint a = (uint)(a0 + i);
                int row = i * 65536;
                for (uint b = 0; b < 65536; b++) results[row + (int)b] = (ushort)f(a, b);
            });
            foreach (ushort r in results)
            {
                hash.Append((byte)r);
                hash.Append((byte)(r >> 8));
            }
        }
        Assert.Equal(expected.ToString("x16"), hash.Value.ToString("x16"));
    }
}
