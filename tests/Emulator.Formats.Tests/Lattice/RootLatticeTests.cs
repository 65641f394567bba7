using System.Globalization;

namespace Emulator.Formats.Tests.Lattice;

public class RootLatticeTests
{
    private static IEnumerable<string> Golden(string file) =>
        GoldenFiles.Lines(GoldenFiles.PathOf("lattice", file)).Where(l => l.Length > 0 && l[0] != '#');

    private static bool IsZ(double v) => v == Math.Floor(v);

    private static bool InDn(ReadOnlySpan<double> y)
    {
        long s = 0;
        foreach (double v in y) { if (!IsZ(v)) return false; s += (long)v; }
        return (s & 1) == 0;
    }

    private static bool InE8(ReadOnlySpan<double> y)
    {
        if (InDn(y)) return true;
        Span<double> t = stackalloc double[8];
        for (int i = 0; i < 8; i++) t[i] = y[i] - 0.5;
        return InDn(t);
    }

    /// <summary>Every lattice point within squared distance <paramref name="r2"/> of x (integer or half-integer candidates per coordinate).</summary>
    private static List<double[]> Ball(ReadOnlySpan<double> x, double r2, bool halves, Func<double[], bool> member)
    {
        var found = new List<double[]>();
        var cur = new double[x.Length];
        double[] xs = x.ToArray();
        void Go(int i, double acc)
        {
            if (acc > r2) return;
            if (i == xs.Length) { if (member(cur)) found.Add((double[])cur.Clone()); return; }
            double step = halves ? 0.5 : 1;
            double lo = Math.Ceiling((xs[i] - Math.Sqrt(r2)) / step) * step;
            for (double v = lo; v <= xs[i] + Math.Sqrt(r2); v += step)
            {
                cur[i] = v;
                Go(i + 1, acc + (xs[i] - v) * (xs[i] - v));
            }
        }
        Go(0, 0);
        return found;
    }

    private static double Dist(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => LatticeDecoder.SquaredDistance(x, y);

    [Fact]
    public void E8GoldenNearestPointsReproduce()
    {
        int n = 0;
        Span<double> y = stackalloc double[8];
        foreach (string line in Golden("e8-nearest.txt"))
        {
            string[] parts = line.Split('|');
            double[] x = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double[] want = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double d2 = double.Parse(parts[2], CultureInfo.InvariantCulture);
            LatticeDecoder.NearestE8(x, y);
            Assert.Equal(want, y.ToArray());
            Assert.True(Math.Abs(d2 - Dist(x, y)) <= 4 * double.Epsilon + 1e-15 * d2, $"d2 {d2} vs {Dist(x, y)}");
            n++;
        }
        Assert.Equal(2000, n);
    }

    [Fact]
    public void D4GoldenNearestPointsReproduce()
    {
        int n = 0;
        Span<double> y = stackalloc double[4];
        foreach (string line in Golden("d4-nearest.txt"))
        {
            string[] parts = line.Split('|');
            double[] x = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double[] want = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            LatticeDecoder.NearestDn(x, y);
            Assert.Equal(want, y.ToArray());
            // The golden d2 squared with pow(), which can differ from x*x in the last bit (README: compare with a tolerance).
            double d2 = double.Parse(parts[2], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(d2 - Dist(x, y)) <= 4 * double.Epsilon + 1e-15 * d2, $"d2 {d2} vs {Dist(x, y)}");
            n++;
        }
        Assert.Equal(2000, n);
    }

    [Fact]
    public void DecodersReturnMembersThatAreNearestByBruteForce()
    {
        var rng = new System.Random(12345);
        for (int trial = 0; trial < 100; trial++)
        {
            double[] x8 = Enumerable.Range(0, 8).Select(_ => rng.NextDouble() * 8 - 4).ToArray();
            double[] x4 = x8[..4];
            var y8 = new double[8];
            var y4 = new double[4];
            var z4 = new double[4];

            LatticeDecoder.NearestE8(x8, y8);
            Assert.True(InE8(y8));
            // Covering radius of E8 is 1: the nearest point is within squared distance 1.
            var ballE8 = Ball(x8, 1.0, halves: true, c => InE8(c));
            Assert.NotEmpty(ballE8);
            double bestE8 = ballE8.Min(c => Dist(x8, c));
            Assert.Equal(bestE8, Dist(x8, y8));

            LatticeDecoder.NearestDn(x4, y4);
            Assert.True(InDn(y4));
            var ballD4 = Ball(x4, 1.0, halves: false, c => InDn(c));
            Assert.Equal(ballD4.Min(c => Dist(x4, c)), Dist(x4, y4));

            LatticeDecoder.NearestZn(x4, z4);
            var ballZ = Ball(x4, 1.0, halves: false, _ => true);
            Assert.Equal(ballZ.Min(c => Dist(x4, c)), Dist(x4, z4));
        }
    }

    [Fact]
    public void DocumentedTieRules()
    {
        var y = new double[4];
        // Half away from zero, then the parity repair re-rounds the first coordinate with the largest error.
        LatticeDecoder.NearestDn([0.5, 0.5, 0.5, 0], y);
        Assert.Equal([0, 1, 1, 0], y);
        LatticeDecoder.NearestDn([-0.5, 0.4, 0, 0], y);
        Assert.Equal([0, 0, 0, 0], y);
        // A coordinate with zero error re-rounds upward when it is the cheapest (all errors zero: the first coordinate).
        LatticeDecoder.NearestDn([1, 0, 0, 0], y);
        Assert.Equal([2, 0, 0, 0], y);
        // E8: equally near to D8 and D8 + 1/2 keeps the D8 point.
        var e = new double[8];
        LatticeDecoder.NearestE8([0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25], e);
        Assert.Equal(new double[8], e);
    }

    private static Dictionary<long, int> Shells(RootLattice lattice, int n, int r)
    {
        var codec = new RootLatticeCodec(FormatInfo.Named("t"), lattice, n, r);
        var counts = new Dictionary<long, int>();
        var y = new double[n];
        for (ulong i = 0; i < codec.IndexCount; i++)
        {
            if (!codec.IsCodeword(i)) continue;
            codec.DecodeUnscaled(i, y);
            double norm = y.Sum(v => v * v);
            counts[(long)norm] = counts.GetValueOrDefault((long)norm) + 1;
        }
        return counts;
    }

    [Fact]
    public void D4ShellCounts()
    {
        // Every D4 vector of norm <= 12 has coordinates in [-3, 3].
        var c = Shells(RootLattice.Checkerboard, 4, 3);
        Assert.Equal([24, 24, 96, 24, 144, 96], new long[] { 2, 4, 6, 8, 10, 12 }.Select(k => c[k]).ToArray());
    }

    [Fact]
    public void E8ShellCounts()
    {
        // Direct enumeration: integer vectors and half-integer vectors (doubled: all odd) of norm <= 12 with the E8 sum rule.
        var counts = new long[13];
        var u = new int[8]; // u = 2y
        void Go(int k, int norm4, bool odd)
        {
            if (norm4 > 48) return;
            if (k == 8)
            {
                if (u.Sum() % 4 == 0) counts[norm4 / 4]++;
                return;
            }
            for (int v = -7; v <= 7; v++)
            {
                if ((v & 1) != (odd ? 1 : 0)) continue;
                u[k] = v;
                Go(k + 1, norm4 + v * v, odd);
            }
        }
        Go(0, 0, false);
        Go(0, 0, true);
        Assert.Equal([240, 2160, 6720, 17520, 30240, 60480], new[] { 2, 4, 6, 8, 10, 12 }.Select(k => counts[k]).ToArray());
    }

    [Theory]
    [InlineData(RootLattice.Integer, 3, 2)]
    [InlineData(RootLattice.Checkerboard, 4, 1)]
    [InlineData(RootLattice.Checkerboard, 4, 2)]
    [InlineData(RootLattice.Gosset, 8, 1)]
    public void IndicesRoundTripAndCodewordsAreBoxedLatticePoints(RootLattice lattice, int n, int r)
    {
        var codec = new RootLatticeCodec(FormatInfo.Named("t"), lattice, n, r);
        var y = new double[n];
        var f = new float[n];
        int valid = 0;
        for (ulong i = 0; i < codec.IndexCount; i++)
        {
            if (!codec.IsCodeword(i)) { Assert.Throws<ArgumentOutOfRangeException>(() => codec.Decode(i, new float[n])); continue; }
            valid++;
            codec.DecodeUnscaled(i, y);
            Assert.All(y, v => Assert.InRange(v, -r, r));
            if (lattice == RootLattice.Checkerboard) Assert.True(InDn(y));
            if (lattice == RootLattice.Gosset) Assert.True(InE8(y));
            codec.Decode(i, f);
            Assert.Equal(i, codec.Encode(f));
        }
        int expected = lattice switch
        {
            RootLattice.Integer => (int)Math.Pow(2 * r + 1, n),
            RootLattice.Checkerboard => ((int)Math.Pow(2 * r + 1, n) + 1) / 2,
            _ => (int)(Math.Pow(2 * r + 1, 8) + 1) / 2 + (int)Math.Pow(2 * r, 8) / 2,
        };
        Assert.Equal(expected, valid);
    }

    [Fact]
    public void BoxedEncodeIsNearestCodewordByExhaustiveSearch()
    {
        var rng = new System.Random(7);
        foreach (var (lattice, n) in new[] { (RootLattice.Checkerboard, 4), (RootLattice.Gosset, 8) })
        {
            var codec = new RootLatticeCodec(FormatInfo.Named("t"), lattice, n, 1);
            var words = new List<(ulong Index, double[] Y)>();
            for (ulong i = 0; i < codec.IndexCount; i++)
                if (codec.IsCodeword(i)) { var y = new double[n]; codec.DecodeUnscaled(i, y); words.Add((i, y)); }
            for (int t = 0; t < 200; t++)
            {
                double[] x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 5 - 2.5).ToArray();
                ulong got = codec.EncodeUnscaled(x);
                var gy = new double[n];
                codec.DecodeUnscaled(got, gy);
                double best = words.Min(w => Dist(x, w.Y));
                Assert.Equal(best, Dist(x, gy), 12);
            }
        }
    }

    [Fact]
    public void BadArgumentsNameTheParameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RootLatticeCodec(FormatInfo.Named("t"), RootLattice.Gosset, 4, 1));
        Assert.Equal("dimension", ex.ParamName);
        var codec = new RootLatticeCodec(FormatInfo.Named("t"), RootLattice.Gosset, 8, 1);
        var e2 = Assert.Throws<ArgumentException>(() => codec.Encode(new float[7]));
        Assert.Equal("v", e2.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Encode(new float[8], 0.0));
    }
}
