using System.Text;

namespace Emulator.Formats.Tests.Spec;

/// <summary>The spec reader: presets and user files load; bad files fail with <see cref="FormatSpecException"/> naming the
/// file, the JSON path and the rule (formats-spec/README.md).</summary>
public sealed class FormatSpecReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("emu-spec-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string PresetDir() => Path.Combine(GoldenFiles.RepoRoot, "formats-spec", "presets");

    private string Write(string fileName, string text)
    {
        string path = Path.Combine(_dir, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    private FormatSpecException Fails(string json, string jsonPath, string ruleFragment)
    {
        string path = Write("bad.json", json);
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.ReadFile(path));
        Assert.Equal(path, e.File);
        Assert.Equal(jsonPath, e.JsonPath);
        Assert.Contains(ruleFragment, e.Rule, StringComparison.Ordinal);
        Assert.Equal($"{path}: {jsonPath}: {e.Rule}", e.Message);
        // the registry's path lookup reports the same error
        var viaRegistry = Assert.Throws<FormatSpecException>(() => FormatRegistry.Default.Get(path));
        Assert.Equal(e.Message, viaRegistry.Message);
        return e;
    }

    private const string Float = """ "kind": "float", "exponentBits": 4, "mantissaBits": 3, "specials": "fn" """;

    [Fact]
    public void EveryPresetFileLoadsAndIsInTheRegistry()
    {
        string[] files = Directory.GetFiles(PresetDir(), "*.json");
        Assert.NotEmpty(files);
        Assert.Equal(files.Length, FormatRegistry.Default.All.Count);
        foreach (string file in files)
        {
            NumberFormat f = FormatSpecReader.ReadFile(file);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), f.Name);
            NumberFormat embedded = FormatRegistry.Default.Get(f.Name);
            Assert.Equal(f.Kind, embedded.Kind);
            Assert.Equal(f.BitsPerValue, embedded.BitsPerValue);
            Assert.Equal(f.Aliases, embedded.Aliases);
            foreach (string alias in f.Aliases)
            {
                Assert.Same(embedded, FormatRegistry.Default.Get(alias));
                Assert.Same(embedded, FormatRegistry.Default.Get(alias.ToUpperInvariant()));
            }
            if (f is ScalarFormat s)
            {
                var e = (ScalarFormat)embedded;
                Assert.Equal(e.MaxFinite, s.MaxFinite);
                Assert.Equal(e.MinSubnormal, s.MinSubnormal);
                Assert.Equal(e.DefaultOverflow, s.DefaultOverflow);
            }
        }
    }

    [Fact]
    public void UserSpecsOfEveryKindLoad()
    {
        string fl = Write("my-e4m2.json", """{ "name": "my-e4m2", "kind": "float", "exponentBits": 4, "mantissaBits": 2, "subnormals": false, "specials": "none", "overflow": "saturate" }""");
        var f = Assert.IsType<FloatFormat>(FormatRegistry.Default.Get(fl));
        Assert.Equal(7, f.Bits);
        Assert.Equal(448.0, f.MaxFinite);   // 1.75 * 2^(15 - 7)
        Assert.Equal(Math.ScaleB(1, -6), f.MinNormal);
        Assert.Equal(f.MinNormal, f.MinSubnormal); // no subnormals
        Assert.Equal(OverflowPolicy.Saturate, f.DefaultOverflow);
        Assert.False(f.HasNaN);

        string e8 = Write("scale.json", """{ "name": "my-e8m0", "aliases": ["mx-scale"], "kind": "float", "signed": false, "exponentBits": 8, "mantissaBits": 0, "exponentZeroIsNormal": true, "specials": "unsigned", "source": "test", "description": "d" }""");
        var u = Assert.IsType<FloatFormat>(FormatSpecReader.ReadFile(e8));
        Assert.Equal(Math.ScaleB(1, 127), u.MaxFinite);
        Assert.False(u.HasZero);
        Assert.Equal(["mx-scale"], u.Aliases);

        string i = Write("i6.json", """{ "name": "int6n", "kind": "integer", "bits": 6, "narrowRange": true }""");
        var n = Assert.IsType<IntegerFormat>(FormatSpecReader.ReadFile(i));
        Assert.Equal((-31L, 31L), (n.MinInt, n.MaxInt));
        Assert.Equal("integer", n.Kind);

        string q = Write("q.json", """{ "$schema": "../schema.json", "name": "q2.5", "kind": "fixed", "signed": false, "integerBits": 2, "fractionBits": 5 }""");
        var fx = Assert.IsType<IntegerFormat>(FormatSpecReader.ReadFile(q));
        Assert.Equal(7, fx.Bits);
        Assert.Equal("fixed", fx.Kind);
        Assert.Equal(127 / 32.0, fx.MaxFinite);

        // comments are allowed; the name given in the file wins over the file name
        var c = FormatSpecReader.Read("/* note */ { \"name\": \"c\", // x\n \"kind\": \"integer\", \"bits\": 3 }", "c.json");
        Assert.Equal("c", c.Name);
    }

    [Theory]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "narrow": true }""", "$.narrow", "is not a known field")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "exponentBits": 2 }""", "$.exponentBits", "is not a known field")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 3, "specials": "fn", "Bias": 7 }""", "$.Bias", "is not a known field")]
    public void UnknownFieldsAreErrors(string json, string path, string rule) => Fails(json, path, rule);

    [Theory]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": "4", "mantissaBits": 3, "specials": "fn" }""", "$.exponentBits", "must be an integer, not a string")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "signed": 1 }""", "$.signed", "must be true or false, not a number")]
    [InlineData("""{ "name": 5, "kind": "integer", "bits": 4 }""", "$.name", "must be a string, not a number")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "aliases": "y" }""", "$.aliases", "must be an array of strings, not a string")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "aliases": ["y", 3] }""", "$.aliases[1]", "must be a non-empty string")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": null }""", "$.bits", "must be an integer, not null")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "overflow": true }""", "$.overflow", "must be a string, not a boolean")]
    [InlineData("""[ { "name": "x", "kind": "integer", "bits": 4 } ]""", "$", "must be a JSON object, not an array")]
    [InlineData("\"integer\"", "$", "must be a JSON object, not a string")]
    public void WrongTypesAreErrors(string json, string path, string rule) => Fails(json, path, rule);

    [Theory]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 12, "mantissaBits": 3, "specials": "fn" }""", "$.exponentBits", "must be an integer in 1..11, not 12")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 0, "mantissaBits": 3, "specials": "fn" }""", "$.exponentBits", "must be an integer in 1..11, not 0")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 53, "specials": "fn" }""", "$.mantissaBits", "must be an integer in 0..52, not 53")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4.5, "mantissaBits": 3, "specials": "fn" }""", "$.exponentBits", "not 4.5")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 11, "mantissaBits": 21, "specials": "ieee" }""", "$.mantissaBits", "at most 32")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 8, "mantissaBits": 3, "bias": -2001, "specials": "fn" }""", "$.bias", "must be an integer in -2000..2000")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 11, "mantissaBits": 3, "bias": -100, "specials": "ieee" }""", "$.bias", "exceeds double")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 0, "specials": "ieee" }""", "$.specials", "at least one mantissa bit")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 3, "specials": "unsigned" }""", "$.specials", "set \"signed\": false")]
    [InlineData("""{ "name": "x", "kind": "float", "signed": false, "exponentBits": 4, "mantissaBits": 3, "specials": "fnuz" }""", "$.specials", "needs a sign bit")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 3, "specials": "ocp" }""", "$.specials", "'ocp' is not one of")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 33 }""", "$.bits", "must be an integer in 1..32, not 33")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": -1 }""", "$.bits", "not -1")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 8, "signed": false, "narrowRange": true }""", "$.narrowRange", "signed integers only")]
    [InlineData("""{ "name": "x", "kind": "fixed", "integerBits": 20, "fractionBits": 20 }""", "$.fractionBits", "is 41; it must be in 1..32")]
    [InlineData("""{ "name": "x", "kind": "fixed", "signed": false, "integerBits": 0, "fractionBits": 0 }""", "$.fractionBits", "is 0; it must be in 1..32")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "overflow": "wrap" }""", "$.overflow", "'wrap' is not one of: saturate, infinity")]
    [InlineData("""{ "name": "", "kind": "integer", "bits": 4 }""", "$.name", "must have 1..64 characters")]
    [InlineData("""{ "name": "x", "kind": "integer", "bits": 4, "overflow": "infinity" }""", "$.overflow", "always clamp")]
    [InlineData("""{ "name": "x", "kind": "fixed", "integerBits": 3, "fractionBits": 4, "overflow": "infinity" }""", "$.overflow", "always clamp")]
    public void OutOfRangeValuesAreErrors(string json, string path, string rule) => Fails(json, path, rule);

    [Fact]
    public void IntegerSpecsAcceptTheCommonOverflowFieldWhenItIsSaturate()
    {
        // overflow is a common field (schema.json, README); integers clamp, which is 'saturate'
        var f = FormatSpecReader.Read("""{ "name": "x", "kind": "integer", "bits": 4, "overflow": "saturate" }""");
        Assert.Equal(OverflowPolicy.Saturate, ((ScalarFormat)f).DefaultOverflow);
        FormatSpecReader.Read("""{ "name": "q", "kind": "fixed", "integerBits": 3, "fractionBits": 4, "overflow": "saturate" }""");
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("99999999999999999999")]
    [InlineData("-99999999999999999999")]
    [InlineData("1e-400")]
    [InlineData("4.0000000000000000001")]
    public void HugeAndOddNumbersAreRefusedNotWrapped(string number)
    {
        Fails($$"""{ "name": "x", "kind": "integer", "bits": {{number}} }""", "$.bits", $"must be an integer in 1..32, not {number}");
        Fails($$"""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 3, "bias": {{number}}, "specials": "fn" }""", "$.bias", $"not {number}");
    }

    [Theory]
    [InlineData("""{ "kind": "integer", "bits": 4 }""", "$.name", "is required")]
    [InlineData("""{ "name": "x", "bits": 4 }""", "$.kind", "is required")]
    [InlineData("""{ "name": "x", "kind": "integer" }""", "$.bits", "is required (an integer in 1..32)")]
    [InlineData("""{ "name": "x", "kind": "float", "mantissaBits": 3, "specials": "fn" }""", "$.exponentBits", "is required")]
    [InlineData("""{ "name": "x", "kind": "float", "exponentBits": 4, "mantissaBits": 3 }""", "$.specials", "is required")]
    [InlineData("""{ "name": "x", "kind": "fixed", "fractionBits": 3 }""", "$.integerBits", "is required")]
    [InlineData("{}", "$.name", "is required")]
    public void MissingRequiredFieldsAreErrors(string json, string path, string rule) => Fails(json, path, rule);

    [Fact]
    public void DeepNestingIsRefused()
    {
        string deep = new string('[', 40) + new string(']', 40);
        var e = Fails($$"""{ "name": "x", "kind": "integer", "bits": 4, "aliases": {{deep}} }""", "$", "is not valid JSON");
        Assert.Contains("depth", e.Rule, StringComparison.OrdinalIgnoreCase);
        // 16 levels are fine for the parser (the field is then rejected by its own rule, not by the depth limit)
        string ok = new string('[', 14) + new string(']', 14);
        Fails($$"""{ "name": "x", "kind": "integer", "bits": 4, "aliases": {{ok}} }""", "$.aliases[0]", "must be a non-empty string");
    }

    [Theory]
    [InlineData("{ \"name\": \"x\", \"kind\": \"integer\", \"bits\": 4, }", 1, "trailing comma")]
    [InlineData("{ \"name\": \"x\",\n  \"kind\": \"integer\",\n  \"bits\": 4 ", 3, "unterminated object")]
    [InlineData("{\n name: \"x\" }", 2, "unquoted name")]
    [InlineData("{ \"name\": \"x\" }\n\n{ }", 3, "two documents")]
    [InlineData("{ \"name\": 'x' }", 1, "single quotes")]
    public void InvalidJsonIsAnErrorWithItsLine(string json, int line, string what)
    {
        // JsonDocument reports no JSON path for syntax errors: the reader names the document ($) and the line
        var e = Fails(json, "$", "is not valid JSON");
        Assert.True(e.Rule.Contains($"(line {line})", StringComparison.Ordinal), $"{what}: {e.Rule}");
    }

    [Fact]
    public void EmptyFilesAreErrors()
    {
        string path = Write("empty.json", "");
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.ReadFile(path));
        Assert.Equal(path, e.File);
        Assert.Equal("$", e.JsonPath);
        Assert.Contains("is not valid JSON", e.Rule, StringComparison.Ordinal);
        var blank = Assert.Throws<FormatSpecException>(() => FormatSpecReader.Read("  \n ", "blank.json"));
        Assert.Equal("blank.json", blank.File);
    }

    [Fact]
    public void OversizedFilesAreRefused()
    {
        string big = "{ \"name\": \"x\", \"kind\": \"integer\", \"bits\": 4, \"description\": \"" + new string('a', FormatSpecReader.MaxSpecBytes) + "\" }";
        string path = Write("big.json", big);
        var e = Assert.Throws<FormatSpecException>(() => FormatSpecReader.ReadFile(path));
        Assert.Equal("$", e.JsonPath);
        Assert.Contains("at most 1048576", e.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("posit")]
    [InlineData("Float")]
    [InlineData("")]
    public void UnknownKindsAreErrors(string kind)
    {
        var e = Fails($$"""{ "name": "x", "kind": "{{kind}}", "bits": 4 }""", "$.kind", kind.Length == 0 ? "must have 1..1000 characters" : $"'{kind}' is not one of");
        if (kind.Length > 0) Assert.All(FormatSpecReader.Kinds, k => Assert.Contains(k, e.Rule, StringComparison.Ordinal));
    }

    [Fact]
    public void MissingFilesAndUnknownNamesAreReported()
    {
        string missing = Path.Combine(_dir, "nope.json");
        var nf = Assert.Throws<FileNotFoundException>(() => FormatRegistry.Default.Get(missing));
        Assert.Contains(missing, nf.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => FormatRegistry.Default.Get("e4m4"));
        Assert.Equal("format", unknown.ParamName);
        Assert.Contains("'e4m4'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicatePresetNamesAndAliasesAreRefused()
    {
        var a = Encoding.UTF8.GetBytes("""{ "name": "alpha", "aliases": ["a1"], "kind": "integer", "bits": 4 }""");
        var b = Encoding.UTF8.GetBytes("""{ "name": "ALPHA", "kind": "integer", "bits": 8 }""");
        var c = Encoding.UTF8.GetBytes("""{ "name": "gamma", "aliases": ["g", "A1"], "kind": "integer", "bits": 8 }""");
        var byName = Assert.Throws<FormatSpecException>(() => FormatRegistry.Load([("alpha.json", a), ("beta.json", b)]));
        Assert.Equal(("beta.json", "$.name"), (byName.File, byName.JsonPath));
        Assert.Contains("'alpha'", byName.Rule, StringComparison.Ordinal);
        var byAlias = Assert.Throws<FormatSpecException>(() => FormatRegistry.Load([("alpha.json", a), ("gamma.json", c)]));
        Assert.Equal(("gamma.json", "$.aliases[1]"), (byAlias.File, byAlias.JsonPath));
        // adding a format object directly names the parameter
        var registry = FormatRegistry.Load([("alpha.json", a)]);
        var e = Assert.Throws<ArgumentException>(() => registry.Add(FormatSpecReader.Read(b, "beta.json")));
        Assert.Equal("format", e.ParamName);
        Assert.Contains("already used by 'alpha'", e.Message, StringComparison.Ordinal);
        // the presets themselves are unique by name and alias (checked when the registry loads; re-checked here)
        var keys = FormatRegistry.Default.All.SelectMany(f => f.Aliases.Prepend(f.Name)).Select(k => k.ToLowerInvariant()).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
