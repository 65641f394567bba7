namespace Emulator.Formats.Tests.Posits;

/// <summary>
/// Explicit, slow: every posit&lt;16,2&gt; pair of add, sub, mul and div against an exact oracle that shares no arithmetic
/// with <see cref="PositLayout"/>. The oracle finds the largest code c with value(c) &lt;= |x| by binary search and compares
/// |x| with the bit-string midpoint of c and c + 1 (the value of posit&lt;17,2&gt; code 2c + 1), ties to even, clamped to
/// [minpos, maxpos]. Comparisons are exact: sums as <see cref="Int128"/> multiples of 2^-60 (every posit16 value and every
/// midpoint below maxpos is one), products of two posit16 values and quotient cross-products value * |b| in double
/// (at most 27 significant bits).
/// </summary>
public sealed class Posit16ExhaustiveOracleTests
{
    private static readonly PositLayout P16 = new(16, 2);
    private static readonly Lazy<Tables> Table = new(() => new Tables());

    private sealed class Tables
    {
        public readonly Int128[] Fixed = new Int128[0x8000], FixedMid = new Int128[0x8000];
        public readonly double[] Value = new double[0x8000], Mid = new double[0x8000];

        public Tables()
        {
            var p17 = new PositLayout(17, 2);
            for (uint c = 1; c < 0x8000; c++)
            {
                var (n, e) = P16.ToExact(c);
                Fixed[c] = (Int128)(n << (e + 60));
                Value[c] = P16.ToDouble(c);
                if (c == 0x7FFF) continue;
                var (nm, em) = p17.ToExact(2 * c + 1);
                FixedMid[c] = (Int128)(nm << (em + 60));
                Mid[c] = p17.ToDouble(2 * c + 1);
            }
        }
    }

    /// <summary>Compares the exact |x| with a positive threshold t.</summary>
    private interface IMagnitude
    {
        int CompareWithValue(uint c);
        int CompareWithMid(uint c);
    }

    private readonly struct FixedMagnitude(Tables t, Int128 x) : IMagnitude
    {
        public int CompareWithValue(uint c) => x.CompareTo(t.Fixed[c]);
        public int CompareWithMid(uint c) => x.CompareTo(t.FixedMid[c]);
    }

    private readonly struct DoubleMagnitude(Tables t, double x) : IMagnitude
    {
        public int CompareWithValue(uint c) => x.CompareTo(t.Value[c]);
        public int CompareWithMid(uint c) => x.CompareTo(t.Mid[c]);
    }

    /// <summary>|a / b| against t as |a| against t * |b| (exact in double).</summary>
    private readonly struct QuotientMagnitude(Tables t, double a, double b) : IMagnitude
    {
        public int CompareWithValue(uint c) => a.CompareTo(t.Value[c] * b);
        public int CompareWithMid(uint c) => a.CompareTo(t.Mid[c] * b);
    }

    private static uint Round<T>(T x, bool negative) where T : IMagnitude
    {
        uint lo = 0, hi = 0x7FFF;
        while (lo < hi)
        {
            uint mid = (lo + hi + 1) / 2;
            if (x.CompareWithValue(mid) >= 0) lo = mid; else hi = mid - 1;
        }
        uint r;
        if (lo == 0) r = 1;
        else if (lo == 0x7FFF) r = 0x7FFF;
        else
        {
            int cmp = x.CompareWithMid(lo);
            r = cmp < 0 || (cmp == 0 && (lo & 1) == 0) ? lo : lo + 1;
        }
        return negative ? (0x10000 - r) & 0xFFFF : r;
    }

    private static uint Oracle(string op, uint a, uint b, Tables t)
    {
        if (a == 0x8000 || b == 0x8000) return 0x8000;
        Int128 Fix(uint c) => c < 0x8000 ? t.Fixed[c] : -t.Fixed[(0x10000 - c) & 0xFFFF];
        double Dbl(uint c) => c < 0x8000 ? t.Value[c] : -t.Value[(0x10000 - c) & 0xFFFF];
        switch (op)
        {
            case "add":
            case "sub":
            {
                Int128 s = op == "add" ? Fix(a) + Fix(b) : Fix(a) - Fix(b);
                return s == 0 ? 0 : Round(new FixedMagnitude(t, Int128.Abs(s)), s < 0);
            }
            case "mul":
            {
                double m = Dbl(a) * Dbl(b);
                return m == 0 ? 0 : Round(new DoubleMagnitude(t, Math.Abs(m)), m < 0);
            }
            default:
            {
                if (b == 0) return 0x8000;
                if (a == 0) return 0;
                double x = Dbl(a), y = Dbl(b);
                return Round(new QuotientMagnitude(t, Math.Abs(x), Math.Abs(y)), (x < 0) != (y < 0));
            }
        }
    }

    [Theory(Explicit = true)]
    [Trait("Category", "ExhaustiveOracle")]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("div")]
    public void EveryPairIsCorrectlyRounded(string op)
    {
        Tables t = Table.Value;
        Func<uint, uint, uint> f = op switch
        {
            "add" => (a, b) => P16.Add(a, b),
            "sub" => (a, b) => P16.Subtract(a, b),
            "mul" => (a, b) => P16.Multiply(a, b),
            _ => (a, b) => P16.Divide(a, b),
        };
        long mismatches = 0;
        string first = "";
        var gate = new object();
        Parallel.For(0, 65536, ai =>
        {
            uint a = (uint)ai;
            for (uint b = 0; b < 65536; b++)
            {
                uint actual = f(a, b), expected = Oracle(op, a, b, t);
                if (actual == expected) continue;
                lock (gate)
                {
                    if (mismatches++ == 0) first = $"{a:x4} {op} {b:x4} = {actual:x4}, oracle {expected:x4}";
                }
            }
        });
        Assert.True(mismatches == 0, $"{mismatches} mismatches; first: {first}");
    }

    [Fact]
    public void OracleAgreesWithSampledGolden()
    {
        Tables t = Table.Value;
        foreach (string op in new[] { "add", "sub", "mul", "div" })
        {
            int n = 0;
            foreach (string[] f in PositGolden.Lines($"p16e2_{op}.txt").Take(2000))
            {
                uint a = PositGolden.Code(f[0]), b = PositGolden.Code(f[1]);
                Assert.True(PositGolden.Code(f[2]) == Oracle(op, a, b, t), $"oracle: {f[0]} {op} {f[1]} = {Oracle(op, a, b, t):x4}, expected {f[2]}");
                n++;
            }
            Assert.Equal(2000, n);
        }
    }
}
