using System.Buffers.Binary;
using System.Text.Json;
using System.Xml.Linq;
using Emulator.Nn.Data;

namespace Emulator.Cli.Tests;

public class TrainCommandTests
{
    /// <summary>An MNIST-layout directory of 3 classes of 6x6 images (class = which band is bright, plus noise): train gzipped, test plain.</summary>
    private static string TinyData(CliHarness h, int train = 90, int test = 30)
    {
        string dir = h.PathOf("data");
        Directory.CreateDirectory(dir);
        void Split(string prefix, int n, bool gz)
        {
            var px = new byte[n * 36];
            var labels = new byte[n];
            for (int i = 0; i < n; i++)
            {
                int c = labels[i] = (byte)(i % 3);
                for (int p = 0; p < 36; p++)
                {
                    int y = p / 6, x = p % 6;
                    bool on = c == 0 ? y < 2 : c == 1 ? x < 2 : x == y;
                    px[i * 36 + p] = (byte)((on ? 170 : 30) + (i * 37 + p * 11) % 50);
                }
            }
            string ext = gz ? ".gz" : "";
            IdxFile.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{ext}"), new NdArray(NdType.UInt8, [n, 6, 6], px), gz);
            IdxFile.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{ext}"), new NdArray(NdType.UInt8, [n], labels), gz);
        }
        Split("train", train, true);
        Split("t10k", test, false);
        return dir;
    }

    private static (JsonElement Header, byte[] Bytes) Safetensors(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        return (doc.RootElement.Clone(), bytes);
    }

    [Fact]
    public void TrainMlpOneEpochWritesCheckpointMetricsAndPlots()
    {
        using var h = new CliHarness();
        string data = TinyData(h);
        string outDir = h.PathOf("run");
        var (code, output, err) = h.Run("train", "--model", "mlp", "--epochs", "1", "--batch", "16", "--data", data, "--out", outDir, "--seed", "7", "--threads", "2");
        Assert.True(code == 0, output + err);
        Assert.Contains("test accuracy", output);
        Assert.Contains(Path.GetFullPath(data), output); // the data source is reported

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var m = metrics.RootElement;
        Assert.InRange(m.GetProperty("testAccuracy").GetDouble(), 0, 1);
        Assert.Equal("mlp", m.GetProperty("model").GetString());
        Assert.Contains("90 train / 30 test", m.GetProperty("dataSource").GetString());
        Assert.Equal(7UL, m.GetProperty("seed").GetUInt64());
        Assert.Equal(2, m.GetProperty("threads").GetInt32());
        var recipe = m.GetProperty("recipe");
        Assert.Equal(16, recipe.GetProperty("batchSize").GetInt32());
        Assert.Equal(0.05, recipe.GetProperty("learningRate").GetDouble());
        Assert.Equal(0.9, recipe.GetProperty("momentum").GetDouble());
        Assert.Equal("cosine", recipe.GetProperty("schedule").GetString());
        var epoch = Assert.Single(m.GetProperty("epochs").EnumerateArray());
        foreach (string f in new[] { "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "seconds", "imagesPerSecond" })
            Assert.True(epoch.GetProperty(f).GetDouble() >= 0, f);
        Assert.Equal(m.GetProperty("testAccuracy").GetDouble(), epoch.GetProperty("testAccuracy").GetDouble());

        var (header, bytes) = Safetensors(Path.Combine(outDir, "model.safetensors"));
        var meta = header.GetProperty("__metadata__");
        float mean = float.Parse(meta.GetProperty("inputMean").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(m.GetProperty("normalization").GetProperty("mean")[0].GetSingle(), mean);
        Assert.NotNull(meta.GetProperty("inputStd").GetString());
        var w = header.GetProperty("1.weight");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal([256, 36], w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        long end = header.EnumerateObject().Where(p => p.Name != "__metadata__").Max(p => p.Value.GetProperty("data_offsets")[1].GetInt64());
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(bytes.Length, 8 + headerLength + end);

        var svg = XDocument.Parse(File.ReadAllText(Path.Combine(outDir, "training.svg")));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(4, svg.Descendants().Count(e => e.Name.LocalName == "polyline")); // train/test loss and accuracy
        Assert.Equal(4, svg.Descendants().Count(e => e.Name.LocalName == "circle")); // one epoch: one point each
        bool png = File.Exists(Path.Combine(outDir, "training.png"));
        Assert.True(png || err.Contains("training.png not written"), err);
        if (png) Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(outDir, "training.png"))[0]);
        Assert.True(File.Exists(Path.Combine(outDir, "optimizer.safetensors")));
        Assert.Empty(Directory.GetFiles(outDir).Select(Path.GetFileName).Except(["model.safetensors", "optimizer.safetensors", "metrics.json", "training.svg", "training.png"]));
    }

    [Fact]
    public void SameSeedGivesTheSameCheckpointOnAnyThreadCount()
    {
        using var h = new CliHarness();
        string data = TinyData(h);
        byte[] Run(string name, string threads, string seed)
        {
            var (code, o, e) = h.Run("train", "--model", "mlp", "--epochs", "2", "--batch", "8", "--data", data, "--out", h.PathOf(name), "--seed", seed, "--threads", threads);
            Assert.True(code == 0, o + e);
            var (header, bytes) = Safetensors(Path.Combine(h.PathOf(name), "model.safetensors"));
            long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
            return bytes[(int)(8 + n)..];
        }
        var a = Run("a", "1", "3");
        Assert.Equal(a, Run("b", "2", "3"));
        Assert.NotEqual(a, Run("c", "1", "4"));
    }

    [Fact]
    public void MissingDataNamesTheDirectoryAndThePackage()
    {
        using var h = new CliHarness();
        string dir = h.PathOf("empty");
        Directory.CreateDirectory(dir);
        var (code, _, err) = h.Run("train", "--model", "mlp", "--data", dir, "--out", h.PathOf("o"));
        Assert.Equal(2, code);
        Assert.Contains(dir, err);
        Assert.Contains("dataset-fashion-mnist", err);
        Assert.Contains("train-images-idx3-ubyte", err);
        Assert.False(Directory.Exists(h.PathOf("o")));
    }

    [Theory]
    [InlineData("--model", "lenet", "valid: fashion-cnn, mlp")]
    [InlineData("--epochs", "0", "--epochs 0")]
    [InlineData("--lr", "-1", "--lr -1")]
    [InlineData("--threads", "0", "--threads 0")]
    public void BadOptionsAreOneLineErrors(string option, string value, string message)
    {
        using var h = new CliHarness();
        string data = TinyData(h, 6, 3);
        string[] args = option == "--model" ? ["train", option, value, "--data", data] : ["train", "--model", "mlp", option, value, "--data", data];
        var (code, _, err) = h.Run([.. args, "--out", h.PathOf("o")]);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void BenchTrainReportsThroughputFlopsAndAllocation()
    {
        using var h = new CliHarness();
        string data = TinyData(h, train: 1000, test: 10);
        string json = h.PathOf("t.json");
        var (code, output, err) = h.Run("bench", "train", "--models", "mlp", "--threads", "1", "2", "--steps", "7", "--no-torch", "--data", data, "--json", json);
        Assert.True(code == 0, output + err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        foreach (var r in rows)
        {
            Assert.Equal("Emulator.Nn", r.GetProperty("framework").GetString());
            Assert.Equal(7, r.GetProperty("steps").GetInt32());
            Assert.True(r.GetProperty("imagesPerSecond").GetDouble() > 0);
            Assert.True(r.GetProperty("gflops").GetDouble() > 0);
            Assert.True(r.GetProperty("allocatedBytesPerStep").GetDouble() >= 0);
            Assert.Contains("1,000 train", r.GetProperty("dataSource").GetString());
        }
        Assert.Equal([1, 2], rows.Select(r => r.GetProperty("threads").GetInt32()));
    }
}
