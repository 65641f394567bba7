namespace Emulator.Formats.Tests.Posits;

/// <summary>The golden/posit folder (SoftPosit vectors), read in place through <see cref="GoldenFiles"/>.</summary>
internal static class PositGolden
{
    /// <summary>Data records of golden/posit/<paramref name="name"/> (or its .gz form).</summary>
    public static IEnumerable<string[]> Lines(string name)
    {
        string plain = GoldenFiles.PathOf("posit", name);
        string path = File.Exists(plain) ? plain : plain + ".gz";
        if (!File.Exists(path)) throw new FileNotFoundException($"golden file '{name}' (or .gz) is missing", plain);
        return GoldenFiles.Records(path);
    }

    /// <summary>A hex code field.</summary>
    public static uint Code(string hex) => GoldenFiles.Hex(hex);

    /// <summary>A C99 hex-float field.</summary>
    public static double HexFloat(string text) => GoldenFiles.HexFloat(text);
}
