using Emulator.Cli;

namespace Emulator.Cli.Tests;

/// <summary>Runs emu in-process in a fresh temporary directory.</summary>
public sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Dir = Path.Combine(Path.GetTempPath(), "emu-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = EmuApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    public string WriteRaw(string name, params float[] values)
    {
        string p = PathOf(name);
        File.WriteAllBytes(p, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return p;
    }

    public static float[] ReadRaw(string path) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    /// <summary>Files in the directory other than the given ones (no temporaries may be left).</summary>
    public string[] OtherFiles(params string[] expected) =>
        Directory.GetFiles(Dir).Select(Path.GetFileName).Where(f => !expected.Contains(f)).ToArray()!;

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
