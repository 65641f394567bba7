namespace Emulator.Generators;

/// <summary>
/// Writes the generated sources of the repository (the number types and the posit types):
/// <c>dotnet run --project tools/Emulator.Generators [-- REPOSITORY_ROOT]</c>. Without an argument the root is found
/// upward from the current folder (the folder of Emulator.sln).
/// </summary>
public static class Program
{
    /// <summary>Every generated file of the repository.</summary>
    public static IEnumerable<GeneratedFile> All() => NumberTypeGenerator.Files().Concat(PositTypeGenerator.Files());

    /// <summary>Writes every generated file under <paramref name="root"/>; returns their full paths.</summary>
    public static IReadOnlyList<string> WriteAll(string root)
    {
        var written = new List<string>();
        foreach (GeneratedFile file in All())
        {
            string path = System.IO.Path.Combine(root, file.Path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Text);
            written.Add(path);
        }
        return written;
    }

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        string? root = args.Length > 0 ? args[0] : FindRoot(Directory.GetCurrentDirectory());
        if (root is null)
        {
            Console.Error.WriteLine("cannot find the repository root (a folder with Emulator.sln); pass it as the argument");
            return 2;
        }
        foreach (string path in WriteAll(root)) Console.WriteLine($"wrote {System.IO.Path.GetRelativePath(root, path)}");
        return 0;
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Emulator.sln"))) return dir.FullName;
        return null;
    }
}
