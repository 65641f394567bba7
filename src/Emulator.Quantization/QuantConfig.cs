using System.Text.Json;
using System.Text.RegularExpressions;

namespace Emulator.Quantization;

/// <summary>
/// Which quantizers a <see cref="QuantSim"/> attaches: defaults for weights and for layer inputs, plus per-layer
/// overrides by name pattern (first match wins). A spec of <c>float</c> (or null) leaves that tensor in float32.
/// JSON form:
/// <code>
/// { "weights": "int4@channel:mse", "activations": "int8@tensor:minmax",
///   "overrides": [ { "layers": "0,11", "weights": "int8@channel", "activations": "int8" } ] }
/// </code>
/// Layer patterns are comma-separated globs over PyTorch-style module names (<c>features.*</c>, <c>layer1.0.conv?</c>).
/// </summary>
public sealed record QuantConfig
{
    /// <summary>Default weight quantizer (per channel along the output axis unless the spec says otherwise).</summary>
    public QuantSpec? Weights { get; init; }

    /// <summary>Default quantizer of layer inputs (per tensor unless the spec says otherwise).</summary>
    public QuantSpec? Activations { get; init; }

    /// <summary>Per-layer overrides, first match wins.</summary>
    public IReadOnlyList<QuantOverride> Overrides { get; init; } = [];

    /// <summary>A config from spec texts (null or "float": not quantized).</summary>
    public static QuantConfig Create(string? weights, string? activations = null) =>
        new() { Weights = SpecOrNull(weights), Activations = SpecOrNull(activations) };

    /// <summary>
    /// Parses either JSON (above) or the short form <c>weights: int4@channel:mse, activations: e4m3@tensor</c>.
    /// </summary>
    public static QuantConfig Parse(string text)
    {
        text = text.Trim();
        if (text.StartsWith('{')) return FromJson(text, "config");
        string? w = null, a = null;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split(':', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2) throw new ArgumentException($"quant config part '{part}' is not 'weights: SPEC' or 'activations: SPEC'", nameof(text));
            switch (kv[0])
            {
                case "weights": w = kv[1]; break;
                case "activations": a = kv[1]; break;
                default: throw new ArgumentException($"quant config key '{kv[0]}' is not weights or activations", nameof(text));
            }
        }
        return Create(w, a);
    }

    /// <summary>Reads a JSON config file; errors name the file and the JSON path.</summary>
    public static QuantConfig Load(string path) => FromJson(File.ReadAllText(path), path);

    private static QuantConfig FromJson(string json, string source)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        QuantSpec? Spec(JsonElement e, string where)
        {
            if (e.ValueKind == JsonValueKind.Null) return null;
            if (e.ValueKind != JsonValueKind.String) throw new ArgumentException($"{source}: {where} must be a string spec or null");
            try { return SpecOrNull(e.GetString()); }
            catch (ArgumentException ex) { throw new ArgumentException($"{source}: {where}: {ex.Message}"); }
        }
        var overrides = new List<QuantOverride>();
        QuantSpec? w = null, a = null;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "weights": w = Spec(p.Value, "$.weights"); break;
                case "activations": a = Spec(p.Value, "$.activations"); break;
                case "overrides":
                    int i = 0;
                    foreach (var o in p.Value.EnumerateArray())
                    {
                        string at = $"$.overrides[{i++}]";
                        string layers = o.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()!
                            : throw new ArgumentException($"{source}: {at}.layers must be a string of comma-separated name patterns");
                        overrides.Add(new QuantOverride(layers,
                            o.TryGetProperty("weights", out var ow) ? new(Spec(ow, at + ".weights")) : null,
                            o.TryGetProperty("activations", out var oa) ? new(Spec(oa, at + ".activations")) : null));
                    }
                    break;
                default: throw new ArgumentException($"{source}: unknown key $.{p.Name} (valid: weights, activations, overrides)");
            }
        }
        return new QuantConfig { Weights = w, Activations = a, Overrides = overrides };
    }

    /// <summary>The JSON form of this config.</summary>
    public string ToJson()
    {
        var o = new Dictionary<string, object?>
        {
            ["weights"] = Weights?.ToString(),
            ["activations"] = Activations?.ToString(),
            ["overrides"] = Overrides.Select(v => new Dictionary<string, object?>
            {
                ["layers"] = v.Layers,
                ["weights"] = v.Weights is { } ow ? ow.Value?.ToString() ?? "float" : null,
                ["activations"] = v.Activations is { } oa ? oa.Value?.ToString() ?? "float" : null,
            }.Where(kv => kv.Value is not null).ToDictionary()).ToList(),
        };
        return JsonSerializer.Serialize(o, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The weight spec of a layer by name.</summary>
    public QuantSpec? WeightsFor(string layer) =>
        Overrides.FirstOrDefault(o => o.Weights is not null && o.Matches(layer)) is { Weights: { } w } ? w.Value : Weights;

    /// <summary>The input-activation spec of a layer by name.</summary>
    public QuantSpec? ActivationsFor(string layer) =>
        Overrides.FirstOrDefault(o => o.Activations is not null && o.Matches(layer)) is { Activations: { } a } ? a.Value : Activations;

    private static QuantSpec? SpecOrNull(string? s) => s is null || s == "float" || s == "fp32" ? null : QuantSpec.Parse(s);
}

/// <summary>An override for layers matching a pattern: a spec (its Value null for float), or null to keep the default.</summary>
public sealed record QuantOverride(string Layers, Optional<QuantSpec?>? Weights, Optional<QuantSpec?>? Activations)
{
    private readonly Regex[] _patterns = Layers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant)).ToArray();

    /// <summary>Whether a layer name matches.</summary>
    public bool Matches(string layer) => _patterns.Any(r => r.IsMatch(layer));
}

/// <summary>A value that may be set to null explicitly (an override of "float").</summary>
public readonly record struct Optional<T>(T Value);
