using System.Text;
using System.Text.Json;

namespace Emulator.Formats;

/// <summary>
/// Reads format specs (formats-spec/README.md): one JSON object per format with <c>name</c>, <c>kind</c> and the kind's
/// parameters. Each kind registers one parser here; a parser reads its fields from a <see cref="SpecObject"/>.
/// </summary>
public static class FormatSpecReader
{
    /// <summary>Largest spec file accepted (bytes).</summary>
    public const int MaxSpecBytes = 1 << 20;

    private static readonly Dictionary<string, Func<SpecObject, FormatInfo, NumberFormat>> Parsers = new(StringComparer.Ordinal)
    {
        ["float"] = FloatSpec.Parse,
        ["integer"] = IntegerSpec.ParseInteger,
        ["fixed"] = IntegerSpec.ParseFixed,
        ["block"] = BlockSpec.Parse,
        ["table"] = TableSpec.Parse,
        ["hifloat8"] = HiFloat8Spec.Parse,
        ["lattice"] = LatticeSpec.Parse,
        ["posit"] = PositSpec.Parse,
    };

    /// <summary>The kinds a spec may name.</summary>
    public static IReadOnlyCollection<string> Kinds => Parsers.Keys;

    /// <summary>Reads a spec file from disk.</summary>
    public static NumberFormat ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"format spec file '{path}' does not exist", path);
            if (info.Length > MaxSpecBytes)
                throw new FormatSpecException(path, "$", $"file is {info.Length} bytes; a spec must be at most {MaxSpecBytes}");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not FileNotFoundException)
        {
            throw new FormatSpecException(path, "$", $"cannot read the file: {e.Message}", e);
        }
        return Read(bytes, path);
    }

    /// <summary>Reads a spec from UTF-8 JSON; <paramref name="file"/> names it in errors.</summary>
    public static NumberFormat Read(ReadOnlySpan<byte> utf8Json, string file)
    {
        if (utf8Json.Length > MaxSpecBytes)
            throw new FormatSpecException(file, "$", $"spec is {utf8Json.Length} bytes; it must be at most {MaxSpecBytes}");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new FormatSpecException(file, e.Path ?? "$", $"is not valid JSON (line {e.LineNumber + 1}): {FirstSentence(e.Message)}", e);
        }
        using (doc) return Read(new SpecObject(file, "$", doc.RootElement));
    }

    /// <summary>Reads a spec from a JSON string.</summary>
    public static NumberFormat Read(string json, string file = "<string>") => Read(Encoding.UTF8.GetBytes(json), file);

    /// <summary>Reads a spec object (used for nested element formats too).</summary>
    public static NumberFormat Read(SpecObject spec)
    {
        string name = spec.String("name", required: true, maxLength: 64)!;
        string kind = spec.Choice("kind", Parsers.Keys, required: true)!;
        IReadOnlyList<string> aliases = spec.Strings("aliases");
        var info = new FormatInfo(name, aliases, spec.String("source"), spec.String("description", maxLength: 4000));
        spec.String("$schema");
        NumberFormat format;
        try
        {
            format = Parsers[kind](spec, info);
        }
        catch (ArgumentException e) when (e is not FormatSpecException)
        {
            string field = e.ParamName ?? "";
            throw new FormatSpecException(spec.File, field.Length > 0 ? $"{spec.Path}.{field}" : spec.Path, FirstSentence(e.Message), e);
        }
        spec.RejectUnknownFields();
        return format;
    }

    /// <summary>Reads the optional <c>rounding</c> field of the scalar kinds: the format's default rounding mode (a
    /// deterministic mode; nearest-even when absent).</summary>
    public static RoundingMode Rounding(SpecObject spec) =>
        spec.Choice("rounding", RoundingNames.DeterministicModeNames) is { } r ? RoundingNames.ParseMode(r) : RoundingMode.NearestEven;

    /// <summary>Reads the optional <c>overflow</c> field.</summary>
    public static OverflowPolicy? Overflow(SpecObject spec) =>
        spec.Choice("overflow", ["saturate", "infinity"]) is { } o ? RoundingNames.ParseOverflow(o) : null;

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        string s = cut >= 0 ? message[..cut] : message;
        int nl = s.IndexOf('\n');
        return nl >= 0 ? s[..nl] : s;
    }
}

/// <summary>The <c>float</c> kind.</summary>
internal static class FloatSpec
{
    private static readonly string[] SpecialNames = ["ieee", "fn", "fnuz", "p3109-extended", "none", "unsigned", "unsigned-inf"];

    public static NumberFormat Parse(SpecObject s, FormatInfo info)
    {
        bool signed = s.Bool("signed") ?? true;
        int e = s.Int("exponentBits", 1, 11, required: true)!.Value;
        int m = s.Int("mantissaBits", 0, 52, required: true)!.Value;
        int? bias = s.Int("bias", -2000, 2000);
        bool subnormals = s.Bool("subnormals") ?? true;
        bool ezn = s.Bool("exponentZeroIsNormal") ?? false;
        string specialsName = s.Choice("specials", SpecialNames, required: true)!;
        if (specialsName.StartsWith("unsigned", StringComparison.Ordinal) && signed)
            throw s.Error("specials", $"'{specialsName}' is for unsigned formats; set \"signed\": false");
        SpecialCodes specials = specialsName switch
        {
            "ieee" => SpecialCodes.Ieee,
            "fn" or "unsigned" => SpecialCodes.Fn,
            "fnuz" => SpecialCodes.Fnuz,
            "p3109-extended" or "unsigned-inf" => SpecialCodes.P3109Extended,
            _ => SpecialCodes.None,
        };
        OverflowPolicy overflow = FormatSpecReader.Overflow(s) ?? OverflowPolicy.Infinity;
        return new FloatFormat(info, signed, e, m, bias, subnormals && !ezn, specials, ezn, overflow) { DefaultRounding = FormatSpecReader.Rounding(s) };
    }
}

/// <summary>The <c>integer</c> and <c>fixed</c> kinds.</summary>
internal static class IntegerSpec
{
    /// <summary>The common <c>overflow</c> field: integers always clamp, so only <c>saturate</c> applies.</summary>
    private static void Overflow(SpecObject s)
    {
        if (FormatSpecReader.Overflow(s) == OverflowPolicy.Infinity)
            throw s.Error("overflow", "integer and fixed-point formats always clamp; only 'saturate' applies");
    }

    public static NumberFormat ParseInteger(SpecObject s, FormatInfo info)
    {
        int bits = s.Int("bits", 1, 32, required: true)!.Value;
        bool signed = s.Bool("signed") ?? true;
        bool narrow = s.Bool("narrowRange") ?? false;
        Overflow(s);
        return new IntegerFormat(info, bits, signed, narrow) { DefaultRounding = FormatSpecReader.Rounding(s) };
    }

    public static NumberFormat ParseFixed(SpecObject s, FormatInfo info)
    {
        bool signed = s.Bool("signed") ?? true;
        int i = s.Int("integerBits", 0, 32, required: true)!.Value;
        int f = s.Int("fractionBits", 0, 32, required: true)!.Value;
        bool narrow = s.Bool("narrowRange") ?? false;
        Overflow(s);
        int bits = i + f + (signed ? 1 : 0);
        if (bits is < 1 or > 32) throw s.Error("fractionBits", $"integer + fraction (+ sign) bits is {bits}; it must be in 1..32");
        return new IntegerFormat(info, bits, signed, narrow, fractionBits: f) { DefaultRounding = FormatSpecReader.Rounding(s) };
    }
}
