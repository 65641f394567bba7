using Emulator.Nn.IO;

namespace Emulator.Nn.Tests.Fixtures;

/// <summary>The PyTorch fixtures of this folder (made by make_fixture.py), read in place from the source tree.</summary>
internal static class Fixture
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "Emulator.Nn.Tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "make_fixture.py"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/Emulator.Nn.Tests/Fixtures not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The full path of a fixture file.</summary>
    public static string PathOf(string name) => Path.Combine(Dir.Value, name);

    /// <summary>A float32 tensor of a fixture file, with its shape.</summary>
    public static Tensor Read(SafeTensorsFile file, string name)
    {
        var info = file[name];
        var t = Tensor.Persistent(info.Shape.Select(d => (int)d).ToArray());
        file.ReadFloat32(info, 0, t.Data);
        return t;
    }

    /// <summary>Asserts |a − e| ≤ atol + rtol·|e| elementwise, naming the worst element.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(err <= atol + rtol * Math.Abs(expected[i]), $"{what}[{i}]: {actual[i]:R} vs PyTorch {expected[i]:R} (error {err:E2})");
        }
    }
}
