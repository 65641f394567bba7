using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class BatchingTests
{
    [Theory]
    [InlineData(23, 5, false)]
    [InlineData(23, 5, true)]
    [InlineData(20, 5, false)]
    [InlineData(3, 8, false)]
    public void AnEpochVisitsEveryImageOnceInTheSeededOrder(int n, int batch, bool dropLast)
    {
        var d = DatasetTests.Bytes(n).WithNormalization(0.3f, 0.4f);
        var order = DataOrder.Permutation(n, 11, 4);
        var seen = new List<int>();
        var expected = new float[d.SampleSize];
        int batches = 0;
        foreach (var b in d.Batches(batch, seed: 11, epoch: 4, dropLast))
        {
            batches++;
            Assert.Equal([b.Count, 1, 4, 5], b.X.ShapeArray);
            for (int k = 0; k < b.Count; k++)
            {
                int i = b.Indices.Span[k];
                seen.Add(i);
                Assert.Equal(d.Labels[i], b.Y[k]);
                d.GetSample(i, expected);
                Assert.Equal(expected, b.X.Data.Slice(k * d.SampleSize, d.SampleSize).ToArray());
            }
        }
        Assert.Equal(d.BatchCount(batch, dropLast), batches);
        int used = dropLast ? n / batch * batch : n;
        Assert.Equal(order.Take(used), seen);
        if (!dropLast) Assert.Equal(Enumerable.Range(0, n), seen.Order());
    }

    [Fact]
    public void WithoutShuffleTheOrderIsStorageOrder()
    {
        var d = DatasetTests.Bytes(7);
        var seen = d.Batches(3, shuffle: false).SelectMany(b => b.Indices.ToArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 7), seen);
    }

    [Fact]
    public void BuffersAreReusedAndAnEpochAllocatesNothingPerBatch()
    {
        var d = DatasetTests.Bytes(200, h: 6, w: 6);
        Tensor? first = null;
        foreach (var (x, _) in d.Batches(8, seed: 1, epoch: 0))
        {
            first ??= x;
            Assert.Same(first, x);
        }
        static long Epoch(Dataset d, int epoch)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            float sum = 0;
            foreach (var (x, y) in d.Batches(8, seed: 1, epoch: epoch)) sum += x.Data[0] + y[0];
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Epoch(d, 1);
        long bytes = Epoch(d, 2);
        // 25 batches: only the per-epoch enumerator may allocate, not the batches
        Assert.True(bytes < 1024, $"an epoch of 25 batches allocated {bytes} bytes");
    }

    [Fact]
    public void BadArgumentsThrowEagerly()
    {
        var d = DatasetTests.Bytes(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Batches(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Batches(2, epoch: -1));
    }
}
