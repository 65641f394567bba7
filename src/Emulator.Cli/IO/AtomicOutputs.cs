namespace Emulator.Cli.IO;

/// <summary>
/// Output files written to temporaries beside their targets and renamed only when every output is complete, so a failure
/// never leaves a half-written file (and never touches an existing target).
/// </summary>
public sealed class AtomicOutputs : IDisposable
{
    private readonly List<(string Temp, string Target)> _files = [];
    private bool _committed;

    /// <summary>Writes bytes to a temporary for <paramref name="target"/>; <paramref name="option"/> names it in errors.</summary>
    public void Add(string target, string option, ReadOnlySpan<byte> bytes)
    {
        string full;
        try { full = Path.GetFullPath(target); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliException($"{option} '{target}': not a valid path");
        }
        if (Directory.Exists(full)) throw new CliException($"{option} '{target}': is a directory");
        if (_files.Any(f => f.Target == full)) throw new CliException($"{option} '{target}': the same file is named by two outputs");
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new CliException($"{option} '{target}': directory '{dir}' does not exist");
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) fs.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CliException($"{option} '{target}': cannot write: {e.Message}");
        }
        _files.Add((temp, full));
    }

    /// <summary>Renames every temporary onto its target.</summary>
    public void Commit()
    {
        foreach (var (temp, target) in _files)
        {
            try { File.Move(temp, target, overwrite: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot replace '{target}': {e.Message}");
            }
        }
        _committed = true;
    }

    /// <summary>Deletes temporaries that were not committed.</summary>
    public void Dispose()
    {
        if (_committed) return;
        foreach (var (temp, _) in _files) TryDelete(temp);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
