using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Emulator.Nn.IO;
using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Modules;

public sealed class StateDictTests : IDisposable
{
    private readonly TempDirectory _temp = new("emu-statedict-tests-");

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, Tensor> Copy(Module m) => m.StateDict().ToDictionary(e => e.Name, e => e.Tensor.Copy().Keep());

    private static void AssertSameState(Module a, Module b)
    {
        var x = a.StateDict().ToList();
        var y = b.StateDict().ToList();
        Assert.Equal(x.Select(e => e.Name), y.Select(e => e.Name));
        for (int i = 0; i < x.Count; i++) Optim.OptimizerTests.AssertBits(x[i].Tensor.Data, y[i].Tensor.Data);
    }

    private static TinyNet Trained()
    {
        var net = new TinyNet(1);
        using (DisposeScope.Begin())
        {
            net.Forward(Tensor.Full(0.5f, 4, 6));
            net.Forward(Tensor.Full(-0.25f, 4, 6));
        }
        return net;
    }

    [Fact]
    public void InMemoryRoundTripCopiesEveryEntry()
    {
        var a = Trained();
        var b = new TinyNet(7);
        var keys = b.LoadStateDict(Copy(a));
        Assert.Empty(keys.MissingKeys);
        Assert.Empty(keys.UnexpectedKeys);
        AssertSameState(a, b);
        Assert.Equal(2f, Entry(b, "num_batches_tracked").Item());
    }

    [Fact]
    public void SafetensorsFileHasPyTorchNamesAndDtypesAndRoundTrips()
    {
        var a = Trained();
        string path = Path.Combine(Dir, "model.safetensors");
        a.SaveStateDict(path, new Dictionary<string, string> { ["note"] = "x" });
        Assert.Equal(["model.safetensors"], Directory.GetFiles(Dir).Select(Path.GetFileName));
        using (var f = SafeTensorsFile.Open(path))
        {
            // PyTorch's order: a module's parameters, its buffers, then each child's entries
            Assert.Equal(["running_mean", "num_batches_tracked", "0.weight", "0.bias", "1.weight", "1.bias"], f.Tensors.Select(t => t.Name));
            Assert.Equal(SafeTensorsDType.I64, f["num_batches_tracked"].DType);
            Assert.Empty(f["num_batches_tracked"].Shape);
            Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(f.ReadBytes("num_batches_tracked")));
            Assert.Equal(SafeTensorsDType.F32, f["0.weight"].DType);
            Assert.Equal([8L, 6L], f["0.weight"].Shape);
            Assert.Equal("pt", f.Metadata["format"]);
            Assert.Equal("x", f.Metadata["note"]);
        }
        var b = new TinyNet(9);
        b.LoadStateDict(path);
        AssertSameState(a, b);
    }

    [Fact]
    public void StrictLoadNamesTheFirstMissingTensorAndItsShape()
    {
        var sd = Copy(Trained());
        sd.Remove("1.weight");
        sd.Remove("1.bias");
        var net = new TinyNet(3);
        var before = Copy(net);
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(sd));
        Assert.Contains("missing tensor '1.weight'", ex.Message);
        Assert.Contains("[3, 8]", ex.Message);
        Assert.Contains("2 missing", ex.Message);
        AssertUnchanged(before, net);
        var keys = net.LoadStateDict(sd, strict: false);
        Assert.Equal(["1.weight", "1.bias"], keys.MissingKeys);
        Assert.Empty(keys.UnexpectedKeys);
        Assert.Equal(sd["0.weight"].ToArray(), Entry(net, "0.weight").ToArray());
    }

    [Fact]
    public void StrictLoadNamesTheFirstUnexpectedTensorAndItsShape()
    {
        var sd = Copy(Trained());
        sd["2.weight"] = Tensor.Persistent(4, 5);
        var net = new TinyNet(3);
        var before = Copy(net);
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(sd));
        Assert.Contains("unexpected tensor '2.weight'", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
        AssertUnchanged(before, net);
        var keys = net.LoadStateDict(sd, strict: false);
        Assert.Equal(["2.weight"], keys.UnexpectedKeys);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ShapeMismatchNamesTheTensorAndBothShapesEvenWhenNotStrict(bool strict)
    {
        var sd = Copy(Trained());
        sd["1.bias"] = Tensor.Persistent(4);
        var net = new TinyNet(3);
        var before = Copy(net);
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(sd, strict));
        Assert.Contains("'1.bias'", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("[3]", ex.Message);
        AssertUnchanged(before, net);
    }

    private string WriteFile(params (string Name, SafeTensorsDType DType, long[] Shape, byte[] Bytes)[] tensors)
    {
        string path = Path.Combine(Dir, Guid.NewGuid().ToString("N") + ".safetensors");
        using var w = SafeTensorsWriter.Create(path, tensors.Select(t => new SafeTensorSpec(t.Name, t.DType, t.Shape)));
        foreach (var t in tensors) w.Write(t.Bytes);
        w.Commit();
        return path;
    }

    private static (string, SafeTensorsDType, long[], byte[]) F32(string name, Tensor t) =>
        (name, SafeTensorsDType.F32, t.ShapeArray.Select(d => (long)d).ToArray(), MemoryMarshal.AsBytes(t.Data).ToArray());

    private static (string, SafeTensorsDType, long[], byte[])[] FileEntries(Module m) =>
        m.StateDict().Where(e => e.Name != "num_batches_tracked").Select(e => F32(e.Name, e.Tensor)).ToArray();

    private static byte[] I64(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }

    [Fact]
    public void FileErrorsNameTheFileTheTensorAndTheShapes()
    {
        var src = Trained();
        var net = new TinyNet(3);
        var before = Copy(net);
        var entries = FileEntries(src);

        string missing = WriteFile(entries);
        var ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(missing));
        Assert.Contains(missing, ex.Message);
        Assert.Contains("missing tensor 'num_batches_tracked' of shape []", ex.Message);

        var bad = entries.Append(("num_batches_tracked", SafeTensorsDType.I64, [], I64(5))).ToArray();
        Replace(bad, F32("0.bias", Tensor.Persistent(2, 4)));
        ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(WriteFile(bad)));
        Assert.Contains("'0.bias'", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("[8]", ex.Message);

        var huge = entries.Append(("num_batches_tracked", SafeTensorsDType.I64, [], I64(1L << 40))).ToArray();
        ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(WriteFile(huge)));
        Assert.Contains("num_batches_tracked", ex.Message);
        Assert.Contains("2^24", ex.Message);

        var intWeight = entries.Append(("num_batches_tracked", SafeTensorsDType.I64, [], I64(5))).ToArray();
        Replace(intWeight, ("0.weight", SafeTensorsDType.I32, [8, 6], new byte[8 * 6 * 4]));
        ex = Assert.Throws<InvalidDataException>(() => net.LoadStateDict(WriteFile(intWeight)));
        Assert.Contains("'0.weight'", ex.Message);
        Assert.Contains("I32", ex.Message);
        AssertUnchanged(before, net);

        // every floating dtype loads into float32 entries, I32 into int64 ones
        var f64 = entries.Append(("num_batches_tracked", SafeTensorsDType.I32, [], [7, 0, 0, 0])).ToArray();
        var w = Entry(src, "0.weight");
        Replace(f64, ("0.weight", SafeTensorsDType.F64, [8, 6], MemoryMarshal.AsBytes(w.ToArray().Select(v => (double)v).ToArray().AsSpan()).ToArray()));
        net.LoadStateDict(WriteFile(f64));
        Assert.Equal(w.ToArray(), Entry(net, "0.weight").ToArray());
        Assert.Equal(7f, Entry(net, "num_batches_tracked").Item());
    }

    private static Tensor Entry(Module m, string name) => m.StateDict().Single(e => e.Name == name).Tensor;

    private static void Replace((string Name, SafeTensorsDType, long[], byte[])[] entries, (string Name, SafeTensorsDType, long[], byte[]) entry) =>
        entries[Array.FindIndex(entries, e => e.Name == entry.Name)] = entry;

    private static void AssertUnchanged(Dictionary<string, Tensor> before, Module m)
    {
        foreach (var (name, t, _) in m.StateDict()) Assert.Equal(before[name].ToArray(), t.ToArray());
    }
}
