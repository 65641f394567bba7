using System.Text.Json;

namespace Emulator.Formats;

/// <summary>
/// A JSON object of a format spec being read: typed getters that report file, JSON path and the broken rule, and a check
/// that no unknown field was given.
/// </summary>
public sealed class SpecObject
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Wraps an element; it must be a JSON object.</summary>
    public SpecObject(string file, string path, JsonElement element)
    {
        File = file;
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatSpecException(file, path, $"must be a JSON object, not {Describe(element.ValueKind)}");
        _element = element;
    }

    /// <summary>The file being read.</summary>
    public string File { get; }

    /// <summary>JSON path of this object.</summary>
    public string Path { get; }

    /// <summary>An error about a field of this object.</summary>
    public FormatSpecException Error(string field, string rule) => new(File, $"{Path}.{field}", rule);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Whether the field is present.</summary>
    public bool Has(string field) => _element.TryGetProperty(field, out _);

    private JsonElement? Get(string field, JsonValueKind expected, string what)
    {
        _read.Add(field);
        if (!_element.TryGetProperty(field, out JsonElement value)) return null;
        bool ok = expected == JsonValueKind.True ? value.ValueKind is JsonValueKind.True or JsonValueKind.False : value.ValueKind == expected;
        if (!ok) throw Error(field, $"must be {what}, not {Describe(value.ValueKind)}");
        return value;
    }

    /// <summary>A required or optional string.</summary>
    public string? String(string field, bool required = false, int maxLength = 1000)
    {
        JsonElement? v = Get(field, JsonValueKind.String, "a string");
        if (v is null) return required ? throw Error(field, "is required (a string)") : null;
        string s = v.Value.GetString()!;
        if (s.Length == 0 || s.Length > maxLength) throw Error(field, $"must have 1..{maxLength} characters");
        return s;
    }

    /// <summary>A string from a fixed set of choices.</summary>
    public string? Choice(string field, IReadOnlyCollection<string> choices, bool required = false)
    {
        string? s = String(field, required);
        if (s is not null && !choices.Contains(s)) throw Error(field, $"'{s}' is not one of: {string.Join(", ", choices)}");
        return s;
    }

    /// <summary>An integer in [min, max].</summary>
    public int? Int(string field, int min, int max, bool required = false)
    {
        JsonElement? v = Get(field, JsonValueKind.Number, "an integer");
        if (v is null) return required ? throw Error(field, $"is required (an integer in {min}..{max})") : null;
        if (!v.Value.TryGetInt64(out long n) || n < min || n > max)
            throw Error(field, $"must be an integer in {min}..{max}, not {v.Value.GetRawText()}");
        return (int)n;
    }

    /// <summary>A finite number in [min, max].</summary>
    public double? Number(string field, double min, double max, bool required = false)
    {
        JsonElement? v = Get(field, JsonValueKind.Number, "a number");
        if (v is null) return required ? throw Error(field, $"is required (a number in [{min}, {max}])") : null;
        if (!v.Value.TryGetDouble(out double d) || !double.IsFinite(d) || d < min || d > max)
            throw Error(field, $"must be a finite number in [{min}, {max}], not {v.Value.GetRawText()}");
        return d;
    }

    /// <summary>An optional boolean.</summary>
    public bool? Bool(string field)
    {
        JsonElement? v = Get(field, JsonValueKind.True, "true or false");
        return v?.GetBoolean();
    }

    /// <summary>An array of strings.</summary>
    public IReadOnlyList<string> Strings(string field, int maxCount = 64)
    {
        JsonElement? v = Get(field, JsonValueKind.Array, "an array of strings");
        if (v is null) return Array.Empty<string>();
        var list = new List<string>();
        int i = 0;
        foreach (JsonElement e in v.Value.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
                throw new FormatSpecException(File, $"{Path}.{field}[{i}]", "must be a non-empty string");
            if (++i > maxCount) throw Error(field, $"must have at most {maxCount} entries");
            list.Add(e.GetString()!);
        }
        return list;
    }

    /// <summary>An array of finite numbers.</summary>
    public double[]? Numbers(string field, int minCount, int maxCount, bool required = false)
    {
        JsonElement? v = Get(field, JsonValueKind.Array, "an array of numbers");
        if (v is null) return required ? throw Error(field, "is required (an array of numbers)") : null;
        int count = v.Value.GetArrayLength();
        if (count < minCount || count > maxCount) throw Error(field, $"must have {minCount}..{maxCount} entries, not {count}");
        var result = new double[count];
        int i = 0;
        foreach (JsonElement e in v.Value.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d) || !double.IsFinite(d))
                throw new FormatSpecException(File, $"{Path}.{field}[{i}]", "must be a finite number");
            result[i++] = d;
        }
        return result;
    }

    /// <summary>A nested object.</summary>
    public SpecObject? Object(string field, bool required = false)
    {
        _read.Add(field);
        if (!_element.TryGetProperty(field, out JsonElement value))
            return required ? throw Error(field, "is required (an object)") : null;
        return new SpecObject(File, $"{Path}.{field}", value);
    }

    /// <summary>Fails on any field that no getter asked for.</summary>
    public void RejectUnknownFields()
    {
        foreach (JsonProperty p in _element.EnumerateObject())
            if (!_read.Contains(p.Name))
                throw new FormatSpecException(File, $"{Path}.{p.Name}", "is not a known field for this kind of format");
    }
}
