namespace Emulator.Nn.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose (one per test class instance).</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory (its name starts with <paramref name="prefix"/>).</summary>
    public TempDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the directory and everything in it.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
