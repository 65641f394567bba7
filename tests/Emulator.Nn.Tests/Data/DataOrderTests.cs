using Emulator.Formats;
using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class DataOrderTests
{
    /// <summary>The documented algorithm written out independently: Fisher–Yates from the top, j drawn by Lemire's
    /// multiply-and-reject from Philox words (seed, "SHUF", epoch·2³² + k) taken one by one.</summary>
    private static int[] Reference(int n, ulong seed, int epoch)
    {
        var p = Enumerable.Range(0, n).ToArray();
        long k = (long)epoch << 32;
        for (int i = n - 1; i > 0; i--)
        {
            uint range = (uint)i + 1;
            ulong m;
            do m = (ulong)Philox4x32.Word(seed, 0x53485546, k++) * range;
            while ((uint)m < (0u - range) % range);
            int j = (int)(m >> 32);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    [Theory]
    [InlineData(0, 0UL, 0)]
    [InlineData(1, 1UL, 0)]
    [InlineData(2, 1UL, 3)]
    [InlineData(7, 42UL, 1)]
    [InlineData(1000, 0xDEADBEEFUL, 17)]
    public void PermutationIsTheDocumentedShuffle(int n, ulong seed, int epoch)
    {
        var p = DataOrder.Permutation(n, seed, epoch);
        Assert.Equal(Reference(n, seed, epoch), p);
        Assert.Equal(Enumerable.Range(0, n), p.Order()); // every index exactly once
    }

    [Fact]
    public void OrderDependsOnSeedAndEpochOnly()
    {
        var a = DataOrder.Permutation(500, 7, 2);
        Assert.Equal(a, DataOrder.Permutation(500, 7, 2));
        Assert.NotEqual(a, DataOrder.Permutation(500, 7, 3));
        Assert.NotEqual(a, DataOrder.Permutation(500, 8, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataOrder.Permutation(5, 0, -1));
    }

    [Fact]
    public void AllOrdersOfThreeAreEquallyLikely()
    {
        var counts = new Dictionary<string, int>();
        for (ulong seed = 0; seed < 6000; seed++)
        {
            string key = string.Join("", DataOrder.Permutation(3, seed, 0));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150)); // 1000 ± 5 sigma
    }
}
