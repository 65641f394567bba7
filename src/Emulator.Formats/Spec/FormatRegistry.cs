using System.Reflection;

namespace Emulator.Formats;

/// <summary>
/// The preset formats (the JSON files of formats-spec/, embedded in this assembly) looked up by name or alias,
/// case-insensitively; a path to a .json file loads a user's own spec the same way.
/// </summary>
public sealed class FormatRegistry
{
    private static readonly Lazy<FormatRegistry> Presets = new(LoadPresets);
    private readonly List<NumberFormat> _formats = [];
    private readonly Dictionary<string, NumberFormat> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registry of embedded presets.</summary>
    public static FormatRegistry Default => Presets.Value;

    /// <summary>Every format, in name order.</summary>
    public IReadOnlyList<NumberFormat> All => _formats;

    /// <summary>Adds a format; its name and aliases must be new.</summary>
    public void Add(NumberFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        foreach (string key in format.Aliases.Prepend(format.Name))
            if (_byName.TryGetValue(key, out var other))
                throw new ArgumentException($"name '{key}' of format '{format.Name}' is already used by '{other.Name}'", nameof(format));
        foreach (string key in format.Aliases.Prepend(format.Name)) _byName[key] = format;
        _formats.Add(format);
        _formats.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>Looks up a name or alias.</summary>
    public bool TryGet(string name, out NumberFormat format) => _byName.TryGetValue(name.Trim(), out format!);

    /// <summary>
    /// A preset by name or alias, or a user spec when <paramref name="nameOrPath"/> ends in .json or names an existing file.
    /// Unknown names fail with the nearest preset names.
    /// </summary>
    public NumberFormat Get(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (TryGet(nameOrPath, out var f)) return f;
        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(nameOrPath))
            return FormatSpecReader.ReadFile(nameOrPath);
        throw new ArgumentException($"format '{nameOrPath}' is unknown{Suggest(nameOrPath)}; run 'emu formats' for the list, or pass a .json spec file", "format");
    }

    /// <summary>Gets a scalar format (fails with a clear message for block or vector formats).</summary>
    public ScalarFormat GetScalar(string nameOrPath) => Get(nameOrPath) as ScalarFormat
        ?? throw new ArgumentException($"format '{nameOrPath}' is not a scalar format", "format");

    private string Suggest(string name)
    {
        var best = _byName.Keys
            .Select(k => (Key: k, D: EditDistance(k.ToLowerInvariant(), name.ToLowerInvariant())))
            .OrderBy(t => t.D).ThenBy(t => t.Key, StringComparer.Ordinal).Take(3)
            .Where(t => t.D <= Math.Max(2, name.Length / 2)).Select(t => $"'{t.Key}'").ToList();
        return best.Count == 0 ? "" : $" (did you mean {string.Join(" or ", best)}?)";
    }

    internal static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static FormatRegistry LoadPresets()
    {
        Assembly asm = typeof(FormatRegistry).Assembly;
        return Load(asm.GetManifestResourceNames().Where(r => r.StartsWith("presets/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(resource =>
            {
                using Stream stream = asm.GetManifestResourceStream(resource)!;
                using var ms = new MemoryStream();
                stream.CopyTo(ms);
                return (resource, ms.ToArray());
            }));
    }

    /// <summary>A registry of spec files; a name or alias used twice fails with the file and JSON path of the second use.</summary>
    internal static FormatRegistry Load(IEnumerable<(string File, byte[] Json)> specs)
    {
        var registry = new FormatRegistry();
        foreach (var (file, json) in specs)
        {
            NumberFormat format = FormatSpecReader.Read(json, file);
            var keys = format.Aliases.Prepend(format.Name).ToList();
            for (int i = 0; i < keys.Count; i++)
                if (registry.TryGet(keys[i], out var other))
                    throw new FormatSpecException(file, i == 0 ? "$.name" : $"$.aliases[{i - 1}]",
                        $"'{keys[i]}' is already a name or alias of preset '{other.Name}'");
            registry.Add(format);
        }
        return registry;
    }
}
