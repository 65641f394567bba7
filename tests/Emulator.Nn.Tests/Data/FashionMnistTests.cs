using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class FashionMnistTests
{
    private static readonly Lazy<DataSplits> Embedded = new(FashionMnist.LoadEmbedded);

    [Fact]
    public void EmbeddedSubsetHasTheDocumentedCountsAndBalance()
    {
        var d = Embedded.Value;
        Assert.Equal("embedded Fashion-MNIST subset (6,000 train / 1,000 test)", d.DataSource);
        Assert.Equal(6000, d.Train.Count);
        Assert.Equal(1000, d.Test.Count);
        Assert.Equal([1, 28, 28], d.Train.SampleShape);
        Assert.All(d.Train.ClassCounts(), c => Assert.Equal(FashionMnist.EmbeddedTrainPerClass, c));
        Assert.All(d.Test.ClassCounts(), c => Assert.Equal(FashionMnist.EmbeddedTestPerClass, c));
        Assert.Equal([0.2860f], d.Mean);
        Assert.Equal([0.3530f], d.Test.Std);
        Assert.Equal(10, d.ClassNames!.Count);
        // real images, not blanks: the subset's pixel statistics are close to the full set's
        var (mean, std) = d.Train.ComputeMeanStd();
        Assert.InRange(mean[0], 0.27f, 0.30f);
        Assert.InRange(std[0], 0.34f, 0.37f);
    }

    [Fact]
    public void EmbeddedSubsetIsTheFirstImagesOfEachClassOfThePackage()
    {
        if (!FashionMnist.PackageInstalled) Assert.Skip($"{FashionMnist.PackageName} is not installed");
        foreach (var (prefix, perClass, subset) in new[] { ("t10k", 100, Embedded.Value.Test), ("train", 600, Embedded.Value.Train) })
        {
            var labels = IdxFile.Read(Path.Combine(FashionMnist.PackageDirectory, $"{prefix}-labels-idx1-ubyte.gz")).ToInt32();
            var images = (byte[])IdxFile.Read(Path.Combine(FashionMnist.PackageDirectory, $"{prefix}-images-idx3-ubyte.gz")).Values;
            var taken = new int[10];
            var chosen = new List<int>();
            for (int i = 0; i < labels.Length; i++)
                if (taken[labels[i]]++ < perClass) chosen.Add(i);
            var raw = subset.RawBytes()!;
            Assert.Equal(chosen.Count, subset.Count);
            for (int k = 0; k < chosen.Count; k++)
            {
                Assert.Equal(labels[chosen[k]], subset.Labels[k]);
                Assert.True(images.AsSpan(chosen[k] * 784, 784).SequenceEqual(raw.AsSpan(k * 784, 784)), $"{prefix} image {k}");
            }
        }
    }

    [Fact]
    public void MissingDirectoryNamesTheDirectoryAndThePackage()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains($"'{dir.Path}'", e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", e.Message);
        Assert.Contains("train-images-idx3-ubyte[.gz]", e.Message);
    }

    [Fact]
    public void DefaultSourceIsThePackageWhenInstalledElseTheEmbeddedSubset()
    {
        if (FashionMnist.PackageInstalled)
        {
            var full = FashionMnist.Load();
            Assert.Equal("full Fashion-MNIST from /usr/share/datasets/fashion-mnist (60,000 train / 10,000 test)", full.DataSource);
            Assert.Equal(60000, full.Train.Count);
            Assert.Equal(10000, full.Test.Count);
            Assert.All(full.Test.ClassCounts(), c => Assert.Equal(1000, c));
            // the published normalisation constants are the training split's statistics
            var (mean, std) = full.Train.ComputeMeanStd();
            Assert.Equal(0.2860, mean[0], 4);
            Assert.Equal(0.3530, std[0], 4);
        }
        else
        {
            Assert.StartsWith("embedded", FashionMnist.Load().DataSource);
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(allowEmbedded: false));
            Assert.Contains(FashionMnist.PackageDirectory, e.Message);
        }
    }
}
