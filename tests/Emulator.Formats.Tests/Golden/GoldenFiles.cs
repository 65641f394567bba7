using System.Globalization;
using System.IO.Compression;

namespace Emulator.Formats.Tests;

/// <summary>Reads the reference vectors in ../shared/golden (relative to the repository root), in place.</summary>
public static class GoldenFiles
{
    private static readonly Lazy<string> RepoDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Emulator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find the repository root (Emulator.sln) above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder of Emulator.sln).</summary>
    public static string RepoRoot => RepoDir.Value;

    /// <summary>The golden folder.</summary>
    public static string Root => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden"));

    /// <summary>Full path of a golden file.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Files of a golden subfolder matching a pattern.</summary>
    public static string[] Files(string folder, string pattern) =>
        Directory.GetFiles(PathOf(folder), pattern).Order(StringComparer.Ordinal).ToArray();

    /// <summary>All lines of a file (.gz transparently), comments included.</summary>
    public static IEnumerable<string> Lines(string path)
    {
        using Stream raw = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(s);
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Data lines split into fields (comments and blank lines dropped).</summary>
    public static IEnumerable<string[]> Records(string path) =>
        Lines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The comment lines of a file.</summary>
    public static IEnumerable<string> Comments(string path) => Lines(path).TakeWhile(l => l.StartsWith('#'));

    /// <summary>Parses lower-case hex without 0x.</summary>
    public static uint Hex(string s) => uint.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Parses a C99 hex float (<c>-0x1.8p-3</c>), <c>NaN</c>, <c>Inf</c>, <c>-Inf</c>, or a decimal.</summary>
    public static double HexFloat(string s)
    {
        s = s.Trim();
        switch (s.ToLowerInvariant())
        {
            case "nan" or "-nan" or "+nan": return double.NaN;
            case "inf" or "+inf" or "infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
        }
        bool negative = s.StartsWith('-');
        string t = s.TrimStart('-', '+');
        if (!t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return double.Parse(s, CultureInfo.InvariantCulture);
        t = t[2..];
        int p = t.IndexOfAny(['p', 'P']);
        int exp = p >= 0 ? int.Parse(t[(p + 1)..], CultureInfo.InvariantCulture) : 0;
        string mant = p >= 0 ? t[..p] : t;
        int dot = mant.IndexOf('.');
        string digits = dot >= 0 ? mant.Remove(dot, 1) : mant;
        int fracDigits = dot >= 0 ? mant.Length - dot - 1 : 0;
        var value = System.Numerics.BigInteger.Parse("0" + digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        // value * 2^(exp - 4 * fracDigits), exactly representable in the golden files
        double d = Math.ScaleB((double)value, exp - 4 * fracDigits);
        if ((System.Numerics.BigInteger)(Math.ScaleB(d, 4 * fracDigits - exp)) != value)
            throw new FormatException($"hex float '{s}' is not exact in double");
        return negative ? -d : d;
    }
}
