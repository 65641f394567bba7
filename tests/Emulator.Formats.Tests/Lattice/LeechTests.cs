namespace Emulator.Formats.Tests.Lattice;

public class LeechTests
{
    [Fact]
    public void GolayCodeHasTheRightWeightDistribution()
    {
        var weights = new int[25];
        var distinct = new HashSet<uint>();
        foreach (uint w in GolayCode.Codewords)
        {
            Assert.True(w <= GolayCode.Mask);
            distinct.Add(w);
            weights[System.Numerics.BitOperations.PopCount(w)]++;
        }
        Assert.Equal(4096, distinct.Count);
        Assert.Equal(1, weights[0]);
        Assert.Equal(759, weights[8]);
        Assert.Equal(2576, weights[12]);
        Assert.Equal(759, weights[16]);
        Assert.Equal(1, weights[24]);
        Assert.Equal(4096, weights[0] + weights[8] + weights[12] + weights[16] + weights[24]);
        // Linear: closed under XOR.
        var rng = new System.Random(1);
        for (int t = 0; t < 1000; t++)
            Assert.True(GolayCode.IsCodeword(GolayCode.Codewords[rng.Next(4096)] ^ GolayCode.Codewords[rng.Next(4096)]));
    }

    private static readonly Lazy<LeechShellIndex> Shells468 = new(() => new LeechShellIndex([4, 6, 8]));

    [Fact]
    public void ShellCountsFromTheIndex()
    {
        var index = Shells468.Value;
        Assert.Equal(196560UL, index.ShellSize(4));
        Assert.Equal(16773120UL, index.ShellSize(6));
        Assert.Equal(398034000UL, index.ShellSize(8));
        var far = new LeechShellIndex([10, 12]);
        Assert.Equal(4629381120UL, far.ShellSize(10));
        Assert.Equal(34417656000UL, far.ShellSize(12));
    }

    [Fact]
    public void MinimalShellByDirectEnumeration()
    {
        // Independent of the index: enumerate the three shapes of norm-32 vectors of √8·Λ24 and test membership.
        int count = 0;
        var x = new long[24];
        // (±4, ±4, 0^22)
        for (int i = 0; i < 24; i++)
            for (int j = i + 1; j < 24; j++)
                for (int s = 0; s < 4; s++)
                {
                    Array.Clear(x);
                    x[i] = (s & 1) != 0 ? -4 : 4; x[j] = (s & 2) != 0 ? -4 : 4;
                    Assert.True(LeechLattice.IsMember(x));
                    count++;
                }
        // (±2^8 on an octad, 0^16): members exactly when the number of minus signs is even.
        foreach (uint w in GolayCode.Codewords)
        {
            if (System.Numerics.BitOperations.PopCount(w) != 8) continue;
            int[] pos = Enumerable.Range(0, 24).Where(i => (w >> i & 1) != 0).ToArray();
            for (int signs = 0; signs < 256; signs++)
            {
                Array.Clear(x);
                for (int k = 0; k < 8; k++) x[pos[k]] = (signs >> k & 1) != 0 ? -2 : 2;
                bool member = LeechLattice.IsMember(x);
                Assert.Equal(System.Numerics.BitOperations.PopCount((uint)signs) % 2 == 0, member);
                if (member) count++;
            }
        }
        // (∓3, ±1^23): for each of the 2^24 sign patterns and position j, test membership.
        for (int signs = 0; signs < 1 << 24; signs += 1)
        {
            // Only sign patterns whose minus set is a codeword can be members (x ≡ 3 mod 4 off the ±3): skip the rest fast.
            uint minus = (uint)signs;
            if (!GolayCode.IsCodeword(minus)) continue;
            for (int j = 0; j < 24; j++)
            {
                for (int i = 0; i < 24; i++) x[i] = (minus >> i & 1) != 0 ? -1 : 1;
                x[j] = -3 * x[j];
                Assert.True(LeechLattice.IsMember(x));
                count++;
            }
        }
        Assert.Equal(196560, count);
    }

    [Fact]
    public void EveryMinimalShellIndexRoundTrips()
    {
        var index = new LeechShellIndex([4]);
        var y = new long[24];
        for (ulong i = 0; i < 196560; i++)
        {
            index.Unrank(i, y);
            Assert.Equal(32, LeechLattice.Norm(y));
            Assert.True(LeechLattice.IsMember(y));
            Assert.Equal(i, index.Rank(y));
        }
    }

    [Fact]
    public void CodecIndicesRoundTripOnTheMinimalShellSample() => CodecRoundTrip(step: 997);

    [Fact(Explicit = true)]
    [Trait("Category", "Exhaustive")]
    public void CodecIndicesRoundTripOnTheWholeMinimalShell() => CodecRoundTrip(step: 1);

    /// <summary>Encode(Decode(i)) == i through the float codec (two gains, so the decoder runs twice per vector).</summary>
    private static void CodecRoundTrip(int step)
    {
        var codec = new LeechCodec(FormatInfo.Named("t"), [4], [1.0, 1.5]);
        var v = new float[24];
        for (ulong i = 0; i < 2 * 196560UL; i += (ulong)step)
        {
            codec.Decode(i, v);
            Assert.Equal(i, codec.Encode(v));
        }
    }

    [Fact]
    public void RandomIndicesOfLargerShellsRoundTrip()
    {
        var index = Shells468.Value;
        var rng = new System.Random(3);
        var y = new long[24];
        for (int t = 0; t < 20000; t++)
        {
            ulong i = (ulong)rng.NextInt64((long)index.Count());
            index.Unrank(i, y);
            Assert.True(LeechLattice.IsMember(y));
            Assert.Contains((int)(LeechLattice.Norm(y) / 8), index.Shells);
            Assert.Equal(i, index.Rank(y));
        }
    }

    [Fact]
    public void MembershipRejectsPerturbedPoints()
    {
        var index = Shells468.Value;
        var rng = new System.Random(5);
        var y = new long[24];
        for (int t = 0; t < 2000; t++)
        {
            index.Unrank((ulong)rng.NextInt64((long)index.Count()), y);
            int i = rng.Next(24);
            y[i] += rng.Next(2) == 0 ? 1 : 2; // changes a parity or a class mod 4 of one coordinate
            Assert.False(LeechLattice.IsMember(y));
        }
    }

    /// <summary>Every lattice point within squared distance r2 (integer scaling) of x, by a search over the 8192 cosets.</summary>
    internal static List<long[]> Ball(double[] x, double r2)
    {
        var found = new List<long[]>();
        var y = new long[24];
        foreach (int m in new[] { 0, 1 })
            foreach (uint w in GolayCode.Codewords)
            {
                // Lower bound of the remaining distance: per coordinate, the distance to the nearest value of its class.
                var minRest = new double[25];
                for (int i = 23; i >= 0; i--)
                {
                    int s = m + 2 * (int)(w >> i & 1);
                    double z = Math.Round((x[i] - s) / 4);
                    double d = Math.Min(Math.Abs(x[i] - s - 4 * z), Math.Min(Math.Abs(x[i] - s - 4 * (z - 1)), Math.Abs(x[i] - s - 4 * (z + 1))));
                    minRest[i] = minRest[i + 1] + d * d;
                }
                void Go(int i, double acc, long zsum)
                {
                    if (acc + minRest[i] > r2) return;
                    if (i == 24) { if ((zsum & 1) == m) found.Add((long[])y.Clone()); return; }
                    int s = m + 2 * (int)(w >> i & 1);
                    long zc = (long)Math.Round((x[i] - s) / 4);
                    for (long z = zc - 1; z <= zc + 1; z++)
                    {
                        y[i] = s + 4 * z;
                        double d = x[i] - y[i];
                        Go(i + 1, acc + d * d, zsum + z);
                    }
                }
                Go(0, 0, 0);
            }
        return found;
    }

    private static double Dist(double[] x, long[] y)
    {
        double d = 0;
        for (int i = 0; i < 24; i++) { double t = x[i] - y[i]; d += t * t; }
        return d;
    }

    [Fact]
    public void DecoderIsNearestByBruteForceWithinTheCoveringRadius()
    {
        // The covering radius of √8·Λ24 is √16 = 4: the nearest point is within squared distance 16.
        var rng = new System.Random(11);
        var y = new long[24];
        for (int t = 0; t < 4; t++)
        {
            double[] x = Enumerable.Range(0, 24).Select(_ => E8PTests.Gaussian(rng) * 4).ToArray();
            double d = LeechLattice.Nearest(x, y);
            Assert.True(LeechLattice.IsMember(y));
            var ball = Ball(x, 16.0000001);
            Assert.NotEmpty(ball);
            double best = ball.Min(b => Dist(x, b));
            Assert.Equal(best, d, 9);
        }
    }

    [Fact]
    public void DecoderErrorHasNoImprovingVoronoiRelevantVector()
    {
        // x - y is in the Voronoi cell of 0 when 2<x - y, v> <= |v|² for every Voronoi-relevant v (norms 32 and 48 here).
        var rng = new System.Random(13);
        var minimal = new LeechShellIndex([4]);
        var shell6 = new LeechShellIndex([6]);
        var all4 = new long[196560 * 24];
        var v = new long[24];
        for (ulong i = 0; i < 196560; i++) { minimal.Unrank(i, v); v.CopyTo(all4, (int)i * 24); }
        var y = new long[24];
        for (int t = 0; t < 20; t++)
        {
            double[] x = Enumerable.Range(0, 24).Select(_ => E8PTests.Gaussian(rng) * 3).ToArray();
            LeechLattice.Nearest(x, y);
            var e = x.Select((xi, i) => xi - y[i]).ToArray();
            for (int i = 0; i < 196560; i++)
            {
                double dot = 0;
                for (int k = 0; k < 24; k++) dot += e[k] * all4[i * 24 + k];
                Assert.True(2 * dot <= 32 + 1e-9, $"norm-4 vector {i} improves the decoded point");
            }
            // Norm-6 relevant vectors: a sample of 200,000 per point (the whole shell has 16,773,120).
            for (int s = 0; s < 100000 / 20; s++)
            {
                shell6.Unrank((ulong)rng.NextInt64((long)shell6.Count()), v);
                double dot = 0;
                for (int k = 0; k < 24; k++) dot += e[k] * v[k];
                Assert.True(2 * dot <= 48 + 1e-9);
            }
        }
    }

    /// <summary>
    /// Whether some vector v of norm <paramref name="norm8"/> (integer scaling) has 2<e, v> > norm8: a search of every coset
    /// that prunes a branch when even the Cauchy-Schwarz bound of the rest cannot exceed norm8 / 2.
    /// </summary>
    internal static bool AnyImprovingVector(double[] e, int norm8)
    {
        var tail = new double[25];
        for (int i = 23; i >= 0; i--) tail[i] = tail[i + 1] + e[i] * e[i];
        for (int i = 0; i <= 24; i++) tail[i] = Math.Sqrt(tail[i]);
        double limit = norm8 / 2.0 + 1e-9;
        int lim = (int)Math.Sqrt(norm8);
        foreach (int m in new[] { 0, 1 })
            foreach (uint w in GolayCode.Codewords)
            {
                bool Go(int i, int normLeft, long zsum, double dot)
                {
                    if (dot + tail[i] * Math.Sqrt(normLeft) <= limit) return false;
                    if (i == 24) return normLeft == 0 && (zsum & 1) == m && dot > limit;
                    int s = m + 2 * (int)(w >> i & 1);
                    for (int v = -lim; v <= lim; v++)
                    {
                        if (((v - s) & 3) != 0 || v * v > normLeft) continue;
                        if (Go(i + 1, normLeft - v * v, zsum + (v - s) / 4, dot + e[i] * v)) return true;
                    }
                    return false;
                }
                if (Go(0, norm8, 0, 0)) return true;
            }
        return false;
    }

    [Fact]
    public void DecoderErrorPassesEveryNormSixRelevantVector()
    {
        // The Voronoi-relevant vectors of Λ24 are its norm-4 and norm-6 vectors; this checks all of them (a branch is cut
        // only when Cauchy-Schwarz proves it holds no improving vector).
        var rng = new System.Random(19);
        var y = new long[24];
        for (int t = 0; t < 10; t++)
        {
            double[] x = Enumerable.Range(0, 24).Select(_ => E8PTests.Gaussian(rng) * 3).ToArray();
            LeechLattice.Nearest(x, y);
            double[] e = x.Select((xi, i) => xi - y[i]).ToArray();
            Assert.False(AnyImprovingVector(e, 48));
            Assert.False(AnyImprovingVector(e, 32));
            // Sanity of the search itself: moving x next to another lattice point makes it find an improving vector.
            double[] shifted = e.Select((v, i) => v + (i < 2 ? 3.0 : 0.0)).ToArray(); // towards (4, 4, 0, ...), a norm-32 vector
            Assert.True(AnyImprovingVector(shifted, 32));
        }
    }
}
