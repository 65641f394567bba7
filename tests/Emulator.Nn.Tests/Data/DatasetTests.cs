using Emulator.Nn.Data;

namespace Emulator.Nn.Tests.Data;

public class DatasetTests
{
    /// <summary>n images of c×h×w bytes (pixel = (17·i + 3·index) mod 256) with labels index mod classes.</summary>
    internal static Dataset Bytes(int n, int c = 1, int h = 4, int w = 5, int classes = 3)
    {
        int s = c * h * w;
        var px = new byte[n * s];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)((17 * (i % s) + 3 * (i / s)) % 256);
        return Dataset.FromBytes(px, Enumerable.Range(0, n).Select(i => i % classes).ToArray(), c, h, w);
    }

    [Fact]
    public void BytesReadAsToTensorThenNormalize()
    {
        var d = Bytes(3, c: 2).WithNormalization([0.25f, 0.5f], [0.5f, 2f]);
        var x = new float[d.SampleSize];
        d.GetSample(1, x);
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / 20;
            byte b = (byte)((17 * i + 3) % 256);
            float expected = (b / 255f - (c == 0 ? 0.25f : 0.5f)) / (c == 0 ? 0.5f : 2f);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(x[i]));
        }
    }

    [Fact]
    public void FloatsAreNormalisedPerChannel()
    {
        var px = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        var d = Dataset.FromFloats(px, [0, 1], 2, 1, 2).WithNormalization([1f, 3f], [2f, 4f]);
        var x = new float[4];
        d.GetSample(1, x);
        Assert.Equal([(5 - 1f) / 2, (6 - 1f) / 2, (7 - 3f) / 4, (8 - 3f) / 4], x);
        Assert.Equal(2, d.NumClasses);
    }

    [Fact]
    public void MeanAndStdArePerChannelPopulationStatistics()
    {
        var d = Bytes(5, c: 2);
        var (mean, std) = d.ComputeMeanStd();
        for (int c = 0; c < 2; c++)
        {
            var v = new List<double>();
            for (int n = 0; n < 5; n++)
                for (int i = 0; i < 20; i++) v.Add((byte)((17 * (c * 20 + i) + 3 * n) % 256) / 255f);
            double m = v.Average();
            Assert.Equal((float)m, mean[c]);
            Assert.Equal((float)Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Count), std[c], 6);
        }
    }

    [Fact]
    public void SubsetTakeAndClassCounts()
    {
        var d = Bytes(10);
        var s = d.Subset([7, 2, 7]);
        Assert.Equal([1, 2, 1], s.Labels.ToArray());
        float[] a = new float[d.SampleSize], b = new float[d.SampleSize];
        d.GetSample(2, a);
        s.GetSample(1, b);
        Assert.Equal(a, b);
        Assert.Equal(4, d.Take(4).Count);
        Assert.Equal(10, d.Take(99).Count);
        Assert.Equal([4, 3, 3], d.ClassCounts());
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset([10]));
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromBytes(new byte[4], [0, 256, 0, 0], 1, 1, 1));
        Assert.Contains("0..255", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.FromBytes(new byte[5], [0, 1], 1, 1, 2));
        Assert.Contains("5 pixel values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.FromBytes(new byte[2], [0, 3], 1, 1, 1, numClasses: 2));
        Assert.Contains("numClasses = 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromBytes(new byte[2], [0, 1], 0, 1, 2));
        var d = Bytes(2, c: 2);
        e = Assert.Throws<ArgumentException>(() => d.WithNormalization([0f], [1f]));
        Assert.Contains("2 channels", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.WithNormalization(0f, 0f));
        var shape = Assert.Throws<InvalidDataException>(() => Dataset.FromArrays(NdArray.Zeros(NdType.UInt8, 2, 3), NdArray.Zeros(NdType.UInt8, 2)));
        Assert.Contains("[N, H, W]", shape.Message);
        var labels = Assert.Throws<InvalidDataException>(() => Dataset.FromArrays(NdArray.Zeros(NdType.UInt8, 2, 3, 3), NdArray.Zeros(NdType.UInt8, 3)));
        Assert.Contains("one per image", labels.Message);
    }

    [Fact]
    public void FromArraysTakesChannelsFirstFloatsAndInt64Labels()
    {
        var x = NdArray.Zeros(NdType.Float32, 2, 3, 2, 2);
        for (int i = 0; i < x.Length; i++) ((float[])x.Values)[i] = i;
        var d = Dataset.FromArrays(x, new NdArray(NdType.Int64, [2], new long[] { 4, 0 }));
        Assert.Equal([3, 2, 2], d.SampleShape);
        Assert.Equal(5, d.NumClasses);
        var s = new float[12];
        d.GetSample(1, s);
        Assert.Equal(Enumerable.Range(12, 12).Select(v => (float)v), s);
    }

    [Fact]
    public void FromNpyReadsImagesAndLabelsFiles()
    {
        using var dir = new TempDirectory("emu-nn-data-");
        var px = NdArray.Zeros(NdType.UInt8, 3, 2, 2);
        ((byte[])px.Values)[5] = 255;
        NpyFile.Write(dir.PathOf("x.npy"), px);
        NpyFile.Write(dir.PathOf("y.npy"), new NdArray(NdType.Int64, [3], new long[] { 2, 0, 1 }));
        var d = Dataset.FromNpy(dir.PathOf("x.npy"), dir.PathOf("y.npy"));
        Assert.Equal([2, 0, 1], d.Labels.ToArray());
        var s = new float[4];
        d.GetSample(1, s);
        Assert.Equal([0f, 1f, 0f, 0f], s);
        NpyFile.Write(dir.PathOf("y.npy"), new NdArray(NdType.Int64, [2], new long[] { 2, 0 }));
        var e = Assert.Throws<InvalidDataException>(() => Dataset.FromNpy(dir.PathOf("x.npy"), dir.PathOf("y.npy")));
        Assert.Contains("y.npy", e.Message);
    }
}
