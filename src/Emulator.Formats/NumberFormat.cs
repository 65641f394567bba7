namespace Emulator.Formats;

/// <summary>
/// Any number format of the library: scalar (floats, integers, posits, tables), block-scaled or vector (lattice).
/// Descriptors are immutable and validated on construction.
/// </summary>
public abstract class NumberFormat
{
    /// <summary>Creates a descriptor with its identity.</summary>
    protected NumberFormat(FormatInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (string.IsNullOrWhiteSpace(info.Name))
            throw new ArgumentException("format name must be a non-empty string", nameof(info));
        Info = info;
    }

    /// <summary>Name, aliases, source document and description.</summary>
    public FormatInfo Info { get; }

    /// <summary>The canonical name, e.g. <c>e4m3</c>.</summary>
    public string Name => Info.Name;

    /// <summary>Other names this format answers to.</summary>
    public IReadOnlyList<string> Aliases => Info.Aliases;

    /// <summary>The spec kind: <c>float</c>, <c>integer</c>, <c>fixed</c>, <c>posit</c>, <c>table</c>, <c>block</c>, <c>lattice</c>, ...</summary>
    public abstract string Kind { get; }

    /// <summary>Storage cost in bits per value, including any shared scale overhead.</summary>
    public abstract double BitsPerValue { get; }

    /// <summary>The defining parameters as (name, value) pairs, for tables and reports.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>> Parameters =>
        [new("kind", Kind), new("bits per value", BitsPerValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture))];

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The identity of a format: canonical name, aliases, the document that defines it and a short description.</summary>
public sealed record FormatInfo(string Name, IReadOnlyList<string> Aliases, string? Source = null, string? Description = null)
{
    /// <summary>An identity with only a name.</summary>
    public static FormatInfo Named(string name) => new(name, Array.Empty<string>());
}
