using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Emulator.Nn.IO;

/// <summary>
/// The JSON header of a safetensors file: <c>{"__metadata__": {str: str}, "name": {"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [begin, end]}, ...}</c>. Parsing validates strictly: every entry well formed, known dtypes, offsets that
/// tile the data section exactly (sorted by offset: the first begins at 0, each begins where the previous ends, the last
/// ends at the end of the file) and byte lengths equal to shape x dtype size. Errors are <see cref="InvalidDataException"/>
/// naming the tensor and the values.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>Largest header accepted, in bytes (as the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The key of the metadata entry.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsHeader(List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        DataLength = tensors.Count == 0 ? 0 : tensors[^1].End;
    }

    /// <summary>The tensors in data order (by offset).</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when absent), in header order.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes of the data section.</summary>
    public long DataLength { get; }

    /// <summary>Whether a tensor is named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>, or false.</summary>
    public bool TryGet(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public SafeTensorInfo this[string name] => _byName.TryGetValue(name, out var info) ? info
        : throw new KeyNotFoundException($"no tensor named '{name}' (the file has {Tensors.Count} tensors)");

    /// <summary>A header for <paramref name="tensors"/> laid out contiguously in the given order.</summary>
    public static SafeTensorsHeader Create(IEnumerable<SafeTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<SafeTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (SafeTensorSpec spec in tensors)
        {
            if (spec.Name == MetadataKey) throw new ArgumentException($"tensor name '{MetadataKey}' is reserved for the metadata", nameof(tensors));
            if (!names.Add(spec.Name)) throw new ArgumentException($"tensor '{spec.Name}' is named twice", nameof(tensors));
            for (int i = 0; i < spec.Shape.Count; i++)
                if (spec.Shape[i] < 0) throw new ArgumentException($"tensor '{spec.Name}': shape {spec.ShapeText} has a negative dimension", nameof(tensors));
            long bytes = spec.ByteLength;
            if (bytes < 0 || offset > long.MaxValue - bytes)
                throw new ArgumentException($"tensor '{spec.Name}': shape {spec.ShapeText} of {spec.DType.Name()} has no valid byte length (overflow, or {spec.DType.BitSize()}-bit elements that do not fill whole bytes)", nameof(tensors));
            list.Add(new SafeTensorInfo(spec, offset, offset + bytes));
            offset += bytes;
        }
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                ArgumentNullException.ThrowIfNull(v, $"metadata['{k}']");
                meta[k] = v;
            }
        return new SafeTensorsHeader(list, meta);
    }

    /// <summary>The header as written to a file: UTF-8 JSON (metadata first, then the tensors in data order), padded with
    /// spaces to a multiple of 8 bytes so the data section is 8-byte aligned.</summary>
    public byte[] Serialize()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (Metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in Metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (SafeTensorInfo t in Tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType.Name());
                w.WriteStartArray("shape");
                foreach (long d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(t.Begin);
                w.WriteNumberValue(t.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        while (ms.Length % 8 != 0) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    /// <summary>Parses and validates a header whose data section holds <paramref name="dataLength"/> bytes;
    /// <paramref name="source"/> starts every error message (e.g. the file name).</summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string source)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw Bad(source, $"the header does not start with '{{' (first byte 0x{(json.Length == 0 ? 0 : json[0]):x2}); not a safetensors file");
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad(source, "the header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw Bad(source, $"the header is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(source, "the header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafeTensorInfo>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw Bad(source, $"the header names '{p.Name}' twice");
                if (p.Name == MetadataKey) ReadMetadata(p.Value, metadata, source);
                else tensors.Add(ReadTensor(p.Name, p.Value, source));
            }
            CheckOffsets(tensors, dataLength, source);
            return new SafeTensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"'{MetadataKey}' must be an object of strings, not {Kind(value)}");
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Bad(source, $"'{MetadataKey}' entry '{m.Name}' must be a string, not {Kind(m.Value)}");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!)) throw Bad(source, $"'{MetadataKey}' names '{m.Name}' twice");
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement value, string source)
    {
        string where = $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object) throw Bad(source, $"{where}: expected an object with dtype, shape and data_offsets, not {Kind(value)}");
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(source, $"{where}: 'dtype' is missing or not a string");
        string dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype))
            throw Bad(source, $"{where}: unknown dtype '{dtypeName}' (valid: {string.Join(", ", SafeTensorsDTypes.Names)})");
        long[] shape = Integers(value, "shape", -1, where, source);
        long[] offsets = Integers(value, "data_offsets", 2, where, source);
        var spec = new SafeTensorSpec(name, dtype, shape);
        if (spec.ElementCount < 0) throw Bad(source, $"{where}: shape {spec.ShapeText} has more elements than a 64-bit count holds");
        if (offsets[1] < offsets[0]) throw Bad(source, $"{where}: data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long expected = spec.ByteLength;
        if (expected < 0)
            throw Bad(source, $"{where}: shape {spec.ShapeText} of {dtypeName} has no valid byte length (overflow, or {dtype.BitSize()}-bit elements that do not fill whole bytes)");
        if (offsets[1] - offsets[0] != expected)
            throw Bad(source, $"{where}: data_offsets [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]} bytes but shape {spec.ShapeText} of {dtypeName} needs {expected}");
        return new SafeTensorInfo(spec, offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement obj, string key, int count, string where, string source)
    {
        if (!obj.TryGetProperty(key, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"{where}: '{key}' is missing or not an array");
        var values = new List<long>();
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v) || v < 0)
                throw Bad(source, $"{where}: '{key}' entry {e.GetRawText()} is not a non-negative integer");
            values.Add(v);
        }
        if (count >= 0 && values.Count != count)
            throw Bad(source, $"{where}: '{key}' has {values.Count} entries; {count} expected");
        return values.ToArray();
    }

    private static void CheckOffsets(List<SafeTensorInfo> tensors, long dataLength, string source)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long end = 0;
        SafeTensorInfo? previous = null;
        foreach (SafeTensorInfo t in tensors)
        {
            if (t.Begin < end)
                throw Bad(source, $"tensor '{t.Name}' at [{t.Begin}, {t.End}] overlaps tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            if (t.Begin > end)
                throw Bad(source, previous is null
                    ? $"tensor '{t.Name}' begins at {t.Begin}; the first tensor must begin at 0 (bytes 0..{t.Begin - 1} belong to no tensor)"
                    : $"tensor '{t.Name}' begins at {t.Begin} but tensor '{previous.Name}' ends at {end} (bytes {end}..{t.Begin - 1} belong to no tensor)");
            if (t.End > dataLength)
                throw Bad(source, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] run past the data section of {dataLength} bytes (file truncated?)");
            end = t.End;
            previous = t;
        }
        if (end != dataLength)
            throw Bad(source, $"the data section holds {dataLength} bytes but the tensors cover {end} (bytes {end}..{dataLength - 1} belong to no tensor)");
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static InvalidDataException Bad(string source, string message) => new($"{source}: {message}");

    /// <summary>UTF-8 header text for diagnostics.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Serialize()).TrimEnd();
}
