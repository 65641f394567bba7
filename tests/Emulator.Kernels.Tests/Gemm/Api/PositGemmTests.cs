using System.Numerics;
using Emulator.Formats;
using Emulator.Kernels.Gemm;

namespace Emulator.Kernels.Tests.Gemm;

public class PositGemmTests
{
    /// <summary>value of a posit code as an exact rational num / 2^shift.</summary>
    private static (BigInteger Num, int Shift) Exact(PositFormat f, uint code)
    {
        double v = f.Decode(code);
        if (v == 0) return (0, 0);
        var (mant, e) = BinarySplit.Decompose(Math.Abs(v));
        BigInteger num = new BigInteger(mant) * (v < 0 ? -1 : 1);
        return e >= 0 ? (num << e, 0) : (num, -e);
    }

    [Theory]
    [InlineData("posit8", 3, 17, 4)]
    [InlineData("posit16", 5, 33, 3)]
    [InlineData("posit32", 2, 9, 2)]
    public void EveryOutputIsTheExactDotProductRoundedOnce(string name, int m, int k, int n)
    {
        var f = (PositFormat)FormatRegistry.Default.Get(name);
        var rng = new Random(name.Length * 31 + k);
        uint[] a = Enumerable.Range(0, m * k).Select(_ => f.Encode(rng.NextDouble() * 8 - 4)).ToArray();
        uint[] b = Enumerable.Range(0, k * n).Select(_ => f.Encode(rng.NextDouble() * 8 - 4)).ToArray();
        var c1 = new uint[m * n];
        var c2 = new uint[m * n];
        PositGemm.Multiply(f, a, b, c1, m, n, k, GemmOptions.WithThreads(1));
        PositGemm.Multiply(f, a, b, c2, m, n, k, GemmOptions.WithThreads(2));
        Assert.Equal(c1, c2);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                // exact sum as a rational with a common power-of-two denominator, then one rounding through the format
                const int Common = 2400;
                BigInteger sum = 0;
                for (int p = 0; p < k; p++)
                {
                    var (x, sx) = Exact(f, a[i * k + p]);
                    var (y, sy) = Exact(f, b[p * n + j]);
                    sum += (x * y) << (Common - sx - sy);
                }
                uint expected = RoundRational(f, sum, Common);
                Assert.Equal(expected, c1[i * n + j]);
            }
    }

    private static uint RoundRational(PositFormat f, BigInteger num, int shift)
    {
        if (num.IsZero) return 0;
        // the double nearest to num / 2^shift, moved to an odd neighbour when inexact (round-to-odd), then rounded by the format:
        // double keeps far more than posit<32,2>'s 28 significand bits, so this equals rounding the exact value once.
        BigInteger mag = BigInteger.Abs(num);
        long length = (long)mag.GetBitLength();
        int drop = (int)Math.Max(0, length - 53);
        BigInteger top = mag >> drop;
        bool inexact = drop > 0 && !(top << drop).Equals(mag);
        ulong t = (ulong)top;
        if (inexact) t |= 1;
        double v = Math.ScaleB((double)t, drop - shift);
        return f.Encode(num.Sign < 0 ? -v : v);
    }

    [Fact]
    public void InvalidArgumentsNameTheParameter()
    {
        var f = (PositFormat)FormatRegistry.Default.Get("posit16");
        var e = Assert.Throws<ArgumentException>(() => PositGemm.Multiply(f, new uint[3], new uint[4], new uint[4], 2, 2, 2));
        Assert.Equal("a", e.ParamName);
        var legacy = (PositFormat)FormatRegistry.Default.Get("posit16es1");
        Assert.Throws<ArgumentException>(() => PositGemm.Multiply(legacy, new uint[4], new uint[4], new uint[4], 2, 2, 2));
    }
}
