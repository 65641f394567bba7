using System.Globalization;

namespace Emulator.Formats.Tests.Lattice;

public class E8PTests
{
    private static readonly E8PCodec Codec = new(FormatInfo.Named("e8p-test"));

    [Fact]
    public void CodebookBuiltFromTheRuleEqualsTheGoldenTable()
    {
        ReadOnlySpan<sbyte> grid = E8PCodebook.Codewords;
        int n = 0;
        foreach (string[] r in GoldenFiles.Records(GoldenFiles.PathOf("lattice", "e8p_grid.txt.gz")))
        {
            int index = (int)GoldenFiles.Hex(r[0]);
            Assert.Equal(n, index);
            for (int k = 0; k < 8; k++)
                Assert.Equal(double.Parse(r[k + 1], CultureInfo.InvariantCulture), grid[index * 8 + k] / 4.0);
            n++;
        }
        Assert.Equal(65536, n);
    }

    [Fact]
    public void CodebookFacts()
    {
        sbyte[] grid = E8PCodebook.Codewords.ToArray();
        var seen = new HashSet<long>();
        long normSum = 0;
        var histogram = new SortedDictionary<int, int>();
        for (int i = 0; i < 65536; i++)
        {
            long key = 0;
            int norm = 0, sum = 0;
            bool allOdd = true;
            for (int k = 0; k < 8; k++)
            {
                int u = grid[i * 8 + k];
                key = key * 32 + (u + 16);
                norm += u * u;
                // c - 1/4 = (u - 1) / 4 must be all integers or all halves with an even sum.
                int w = u - 1;
                allOdd &= w % 2 == 0;
                sum += w;
            }
            Assert.True(allOdd, $"index {i}: c - 1/4 is not in (Z/2)^8");
            bool integers = Enumerable.Range(0, 8).All(k => (grid[i * 8 + k] - 1) % 4 == 0);
            bool halves = Enumerable.Range(0, 8).All(k => ((grid[i * 8 + k] - 1) % 4 + 4) % 4 == 2);
            Assert.True(integers || halves, $"index {i}: mixed coset");
            Assert.True(sum % 8 == 0, $"index {i}: coordinate sum of c - 1/4 is odd");
            Assert.True(seen.Add(key), $"index {i} repeats a codeword");
            normSum += norm;
            histogram[norm] = histogram.GetValueOrDefault(norm) + 1;
        }
        Assert.Equal(627200 * 16, normSum);
        var want = new[] { (0.5, 2), (1.5, 56), (2.5, 252), (3.5, 688), (4.5, 1514), (5.5, 2664), (6.5, 4396), (7.5, 7056), (8.5, 9330),
            (9.5, 9980), (10.5, 11062), (11.5, 7860), (12.5, 5892), (13.5, 3252), (14.5, 1010), (15.5, 348), (16.5, 174) };
        Assert.Equal(want.Select(w => ((int)(w.Item1 * 16), w.Item2)), histogram.Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public void EveryIndexRoundTrips()
    {
        var v = new float[8];
        for (ulong i = 0; i < 65536; i++)
        {
            Codec.Decode(i, v);
            Assert.Equal(i, Codec.Encode(v));
        }
        Assert.Equal(16, Codec.BitsPerVector);
        Assert.Equal(2.0, Codec.BitsPerValue);
    }

    [Fact]
    public void FastSearchEqualsExhaustiveOnRandomAndTiedPoints()
    {
        var rng = new System.Random(2024);
        var x = new double[8];
        for (int t = 0; t < 450; t++)
        {
            for (int k = 0; k < 8; k++)
                x[k] = (t % 3) switch
                {
                    0 => Gaussian(rng) * 1.2,
                    // Multiples of 1/8 and 1/4 in a small range: many exactly tied codewords.
                    1 => rng.Next(-24, 25) / 8.0,
                    _ => rng.Next(-3, 4) / 4.0,
                };
            Assert.Equal((ulong)E8PCodec.EncodeExhaustive(x), Codec.EncodeUnscaled(x));
        }
    }

    [Fact]
    public void ZeroVectorGoesToTheSmallestNearestIndex()
    {
        // The nearest codewords to 0 are eight 0.25 (index 1) and eight -0.25 (index 0xff): the smaller index wins.
        Assert.Equal(1UL, Codec.EncodeUnscaled(new double[8]));
    }

    internal static double Gaussian(System.Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
