namespace Emulator.Generators;

/// <summary>A generated source file: its path relative to the repository root and its text (LF line ends).</summary>
public sealed record GeneratedFile(string Path, string Text)
{
    /// <summary>Drops the blank line a template leaves before a closing brace.</summary>
    internal static string Normalize(string text)
    {
        while (text.Contains("\n\n}", StringComparison.Ordinal)) text = text.Replace("\n\n}", "\n}", StringComparison.Ordinal);
        return text;
    }
}
