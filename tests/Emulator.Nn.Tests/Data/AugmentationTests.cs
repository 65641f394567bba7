using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class AugmentationTests
{
    [Fact]
    public void DrawsAreKeyedBySeedEpochAndIndexAndCoverTheRange()
    {
        var aug = new Augmentation(cropPadding: 2, horizontalFlip: true);
        Assert.Equal(aug.Draw(5, 1, 9), aug.Draw(5, 1, 9));
        var dys = new HashSet<int>();
        var dxs = new HashSet<int>();
        int flips = 0, differ = 0;
        for (int i = 0; i < 2000; i++)
        {
            var (dy, dx, flip) = aug.Draw(5, 1, i);
            dys.Add(dy);
            dxs.Add(dx);
            flips += flip ? 1 : 0;
            if (aug.Draw(5, 2, i) != (dy, dx, flip)) differ++;
        }
        Assert.Equal([0, 1, 2, 3, 4], dys.Order());
        Assert.Equal([0, 1, 2, 3, 4], dxs.Order());
        Assert.InRange(flips, 900, 1100);
        Assert.True(differ > 1500, $"only {differ} of 2000 draws changed with the epoch");
        Assert.Equal((0, 0, false), new Augmentation().Draw(5, 1, 9));
    }

    /// <summary>torchvision's RandomCrop(padding) then RandomHorizontalFlip, written out on a padded copy.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CropWithPaddingThenFlipAsTorchvision(bool floats)
    {
        const int c = 2, h = 4, w = 5, p = 2;
        var bytes = DatasetTests.Bytes(6, c, h, w);
        Dataset d = floats
            ? Dataset.FromFloats(Enumerable.Range(0, 6 * c * h * w).Select(i => (float)Math.Sin(i)).ToArray(), bytes.Labels.ToArray(), c, h, w)
            : bytes;
        d = d.WithNormalization([0.2f, 0.6f], [0.3f, 0.7f]);
        var aug = new Augmentation(p, horizontalFlip: true);
        var plain = new float[d.SampleSize];
        var got = new float[d.SampleSize];
        for (int i = 0; i < 6; i++)
            for (int epoch = 0; epoch < 4; epoch++)
            {
                d.GetSample(i, plain);
                d.GetSample(i, got, aug, seed: 3, epoch: epoch);
                var (dy, dx, flip) = aug.Draw(3, epoch, i);
                for (int ch = 0; ch < c; ch++)
                {
                    float fill = (0f - d.Mean[ch]) / d.Std[ch]; // a zero of the raw image, normalised
                    var padded = new float[(h + 2 * p) * (w + 2 * p)];
                    Array.Fill(padded, fill);
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++) padded[(y + p) * (w + 2 * p) + x + p] = plain[ch * h * w + y * w + x];
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                        {
                            int cx = flip ? w - 1 - x : x;
                            Assert.Equal(padded[(y + dy) * (w + 2 * p) + cx + dx], got[ch * h * w + y * w + x]);
                        }
                }
            }
    }

    [Fact]
    public void AugmentedBatchesDoNotDependOnBatchSize()
    {
        var d = DatasetTests.Bytes(30, h: 6, w: 6);
        var aug = new Augmentation(3, true);
        Dictionary<int, float[]> Collect(int batch)
        {
            var r = new Dictionary<int, float[]>();
            foreach (var b in d.Batches(batch, seed: 9, epoch: 2, augment: aug))
                for (int k = 0; k < b.Count; k++) r[b.Indices.Span[k]] = b.X.Data.Slice(k * 36, 36).ToArray();
            return r;
        }
        var a = Collect(4);
        var b7 = Collect(7);
        Assert.Equal(30, a.Count);
        foreach (var (i, x) in a) Assert.Equal(x, b7[i]);
        var none = new float[36];
        int changed = 0;
        foreach (var (i, x) in a) { d.GetSample(i, none); if (!none.SequenceEqual(x)) changed++; }
        Assert.True(changed > 20, $"augmentation changed only {changed} of 30 images");
    }

    [Fact]
    public void PaddingOutOfRangeIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Augmentation(-1));
}
