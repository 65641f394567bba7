namespace Emulator.Formats;

/// <summary>A format spec that breaks a rule: names the file, the JSON path and the rule.</summary>
public sealed class FormatSpecException : ArgumentException
{
    /// <summary>Creates the error.</summary>
    public FormatSpecException(string file, string jsonPath, string rule, Exception? inner = null)
        : base($"{file}: {jsonPath}: {rule}", inner)
    {
        File = file;
        JsonPath = jsonPath;
        Rule = rule;
    }

    /// <summary>The spec file (or embedded preset name).</summary>
    public string File { get; }

    /// <summary>JSON path of the offending element, e.g. <c>$.exponentBits</c>.</summary>
    public string JsonPath { get; }

    /// <summary>The rule that was broken.</summary>
    public string Rule { get; }
}
