namespace Emulator.Formats;

/// <summary>How an inexact value chooses between its two neighbouring representable values (FORMATS.md section 1).</summary>
public enum RoundingMode
{
    /// <summary>Round to nearest, ties to the candidate whose code is even (IEEE 754 default).</summary>
    NearestEven,
    /// <summary>Round to nearest, ties away from zero.</summary>
    NearestAway,
    /// <summary>Round to nearest, ties toward zero.</summary>
    NearestZero,
    /// <summary>Truncate toward zero.</summary>
    TowardZero,
    /// <summary>Round toward positive infinity (ceiling).</summary>
    TowardPositive,
    /// <summary>Round toward negative infinity (floor).</summary>
    TowardNegative,
    /// <summary>Round to odd (jamming): an inexact result takes the candidate whose code is odd.</summary>
    ToOdd,
    /// <summary>Proportional stochastic rounding with N random bits: rounds up with probability nu (to N bits).</summary>
    Stochastic,
    /// <summary>Stochastic rounding with probability 1/2 for every inexact input.</summary>
    StochasticEqual,
}

/// <summary>What happens when a rounded magnitude exceeds the largest finite value.</summary>
public enum OverflowPolicy
{
    /// <summary>Clamp to the largest finite value (infinite inputs too).</summary>
    Saturate,
    /// <summary>IEEE 754 behaviour: infinity (NaN for formats without infinity), except for modes that did not round away from zero.</summary>
    Infinity,
}

/// <summary>The command-line and JSON names of rounding modes and overflow policies.</summary>
public static class RoundingNames
{
    private static readonly (string Name, RoundingMode Mode)[] Modes =
    [
        ("nearest-even", RoundingMode.NearestEven),
        ("nearest-away", RoundingMode.NearestAway),
        ("nearest-zero", RoundingMode.NearestZero),
        ("toward-zero", RoundingMode.TowardZero),
        ("toward-positive", RoundingMode.TowardPositive),
        ("toward-negative", RoundingMode.TowardNegative),
        ("to-odd", RoundingMode.ToOdd),
        ("stochastic", RoundingMode.Stochastic),
        ("stochastic-equal", RoundingMode.StochasticEqual),
    ];

    /// <summary>All rounding-mode names, in declaration order.</summary>
    public static IReadOnlyList<string> AllModeNames { get; } = Modes.Select(m => m.Name).ToArray();

    /// <summary>The names of the modes that use no random bits (all but the stochastic ones).</summary>
    public static IReadOnlyList<string> DeterministicModeNames { get; } =
        Modes.Where(m => m.Mode is not (RoundingMode.Stochastic or RoundingMode.StochasticEqual)).Select(m => m.Name).ToArray();

    /// <summary>The kebab-case name of a rounding mode, e.g. <c>nearest-even</c>.</summary>
    public static string Name(this RoundingMode mode) =>
        Modes.FirstOrDefault(m => m.Mode == mode).Name ?? throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a rounding mode");

    /// <summary>The kebab-case name of an overflow policy.</summary>
    public static string Name(this OverflowPolicy policy) => policy switch
    {
        OverflowPolicy.Saturate => "saturate",
        OverflowPolicy.Infinity => "infinity",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "not an overflow policy"),
    };

    /// <summary>Parses a rounding-mode name (also accepts common aliases such as <c>rne</c>, <c>rtz</c>, <c>sr</c>).</summary>
    public static RoundingMode ParseMode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.Trim().ToLowerInvariant();
        foreach (var (text, mode) in Modes)
            if (text == n) return mode;
        return n switch
        {
            "rne" or "nearest" => RoundingMode.NearestEven,
            "rna" or "ties-away" => RoundingMode.NearestAway,
            "rtz" or "truncate" => RoundingMode.TowardZero,
            "rtp" or "ceil" or "up" => RoundingMode.TowardPositive,
            "rtn" or "floor" or "down" => RoundingMode.TowardNegative,
            "rto" or "odd" => RoundingMode.ToOdd,
            "sr" => RoundingMode.Stochastic,
            _ => throw new ArgumentException(
                $"rounding mode '{name}' is unknown; valid modes: {string.Join(", ", AllModeNames)}", nameof(name)),
        };
    }

    /// <summary>Parses <c>saturate</c> or <c>infinity</c>.</summary>
    public static OverflowPolicy ParseOverflow(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "saturate" or "sat" or "satfinite" => OverflowPolicy.Saturate,
            "infinity" or "inf" or "ieee" => OverflowPolicy.Infinity,
            _ => throw new ArgumentException($"overflow policy '{name}' is unknown; valid policies: saturate, infinity", nameof(name)),
        };
    }
}
