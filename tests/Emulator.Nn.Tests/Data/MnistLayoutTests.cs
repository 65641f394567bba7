using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class MnistLayoutTests
{
    /// <summary>Writes a tiny MNIST-layout directory: images pixel = (i·31 + k·7) mod 256, label k mod classes; train files gzipped, test files plain.</summary>
    internal static void Write(string dir, int train, int test, int h, int w, int classes)
    {
        void Split(string prefix, int n, bool gz)
        {
            var px = new byte[n * h * w];
            for (int i = 0; i < px.Length; i++) px[i] = (byte)((i % (h * w) * 31 + i / (h * w) * 7) % 256);
            var labels = Enumerable.Range(0, n).Select(k => (byte)(k % classes)).ToArray();
            string ext = gz ? ".gz" : "";
            IdxFile.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{ext}"), new NdArray(NdType.UInt8, [n, h, w], px), gz);
            IdxFile.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{ext}"), new NdArray(NdType.UInt8, [n], labels), gz);
        }
        Split("train", train, gz: true);
        Split("t10k", test, gz: false);
    }

    [Fact]
    public void LoadsAnyImageSizeAndClassCountWithTrainingStatistics()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        Write(dir.Path, train: 12, test: 6, h: 3, w: 7, classes: 4);
        var data = MnistLayout.Load(dir.Path);
        Assert.Equal(12, data.Train.Count);
        Assert.Equal(6, data.Test.Count);
        Assert.Equal([1, 3, 7], data.Train.SampleShape);
        Assert.Equal(4, data.Train.NumClasses);
        Assert.Equal(4, data.Test.NumClasses);
        var raw = IdxFile.Read(Path.Combine(dir.Path, "train-images-idx3-ubyte.gz"));
        var (mean, std) = Dataset.FromArrays(raw, NdArray.Zeros(NdType.UInt8, 12)).ComputeMeanStd();
        Assert.Equal(mean, data.Mean);
        Assert.Equal(std, data.Std);
        Assert.Equal(mean, data.Train.Mean);
        Assert.Equal(std, data.Test.Std);
        Assert.Contains(Path.GetFullPath(dir.Path), data.DataSource);
        Assert.Contains("12 train / 6 test", data.DataSource);
    }

    [Fact]
    public void TwoHundredFiftySixClasses()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        Write(dir.Path, train: 300, test: 10, h: 2, w: 2, classes: 256);
        var data = MnistLayout.Load(dir.Path);
        Assert.Equal(256, data.Train.NumClasses);
        Assert.Equal(256, data.Test.NumClasses); // the test split takes the training split's classes
    }

    [Fact]
    public void MissingFilesNameTheDirectoryAndTheFiles()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        Write(dir.Path, 4, 2, 2, 2, 2);
        File.Delete(Path.Combine(dir.Path, "t10k-labels-idx1-ubyte"));
        var e = Assert.Throws<FileNotFoundException>(() => MnistLayout.Load(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("t10k-labels-idx1-ubyte[.gz]", e.Message);
        Assert.False(MnistLayout.Exists(dir.Path));
        Assert.Throws<DirectoryNotFoundException>(() => MnistLayout.Load(Path.Combine(dir.Path, "nope")));
    }

    [Fact]
    public void DisagreeingFilesAreClearErrors()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        Write(dir.Path, 4, 2, 2, 2, 2);
        IdxFile.Write(Path.Combine(dir.Path, "t10k-images-idx3-ubyte"), NdArray.Zeros(NdType.UInt8, 2, 3, 3), gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => MnistLayout.Load(dir.Path));
        Assert.Contains("1x3x3", e.Message);
        IdxFile.Write(Path.Combine(dir.Path, "t10k-images-idx3-ubyte"), NdArray.Zeros(NdType.UInt8, 3, 2, 2), gzip: false);
        e = Assert.Throws<InvalidDataException>(() => MnistLayout.Load(dir.Path));
        Assert.Contains("2 labels for 3 images", e.Message);
    }
}
