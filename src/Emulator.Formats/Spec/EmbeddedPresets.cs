using System.Reflection;
using System.Text.Json;

namespace Emulator.Formats;

/// <summary>
/// Reads one embedded preset by name or alias without going through <see cref="FormatRegistry.Default"/>, so that a spec
/// being loaded (a block format naming its element or scale format) can refer to other presets.
/// </summary>
internal static class EmbeddedPresets
{
    private const int MaxDepth = 4;
    private static readonly Lazy<Dictionary<string, string>> ResourceByName = new(Index);
    [ThreadStatic] private static int _depth;

    /// <summary>The preset named <paramref name="name"/>; errors name the referring spec's file and JSON path.</summary>
    public static NumberFormat Get(string name, string file, string jsonPath)
    {
        if (!ResourceByName.Value.TryGetValue(name.Trim(), out string? resource))
            throw new FormatSpecException(file, jsonPath, $"'{name}' is not a preset name (run 'emu formats' for the list)");
        if (_depth >= MaxDepth)
            throw new FormatSpecException(file, jsonPath, $"presets refer to each other more than {MaxDepth} levels deep");
        _depth++;
        try
        {
            return FormatSpecReader.Read(Bytes(resource), resource);
        }
        finally
        {
            _depth--;
        }
    }

    private static byte[] Bytes(string resource)
    {
        using Stream stream = typeof(EmbeddedPresets).Assembly.GetManifestResourceStream(resource)!;
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }

    private static Dictionary<string, string> Index()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Assembly asm = typeof(EmbeddedPresets).Assembly;
        foreach (string resource in asm.GetManifestResourceNames().Where(r => r.StartsWith("presets/", StringComparison.Ordinal)))
        {
            using JsonDocument doc = JsonDocument.Parse(Bytes(resource), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) continue;
            if (root.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String) map.TryAdd(n.GetString()!, resource);
            if (root.TryGetProperty("aliases", out JsonElement a) && a.ValueKind == JsonValueKind.Array)
                foreach (JsonElement e in a.EnumerateArray())
                    if (e.ValueKind == JsonValueKind.String) map.TryAdd(e.GetString()!, resource);
        }
        return map;
    }
}
