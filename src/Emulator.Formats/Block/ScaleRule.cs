namespace Emulator.Formats;

/// <summary>How a block's scale is derived from the block's largest magnitude amax (FORMATS.md section 5).</summary>
public enum ScaleRule
{
    /// <summary>
    /// OCP MX v1.0 section 6.3: scale = 2^(floor(log2 amax) - emax_elem), the exponent clamped to the scale format's range;
    /// amax = 0 gives the smallest scale. The exponent is exact (microxcaling's C++ quantizer).
    /// </summary>
    Floor,

    /// <summary>
    /// torchao <c>ScaleCalculationMode.CEIL</c>: scale = 2^(ceil(log2 amax) - emax_elem); no element of the block saturates
    /// unless amax exceeds max_elem · 2^(ceil(log2 amax) - emax_elem).
    /// </summary>
    Ceil,

    /// <summary>
    /// torchao <c>ScaleCalculationMode.EVEN</c>: amax is first rounded (ties away) to the element format's precision, then the
    /// <see cref="Floor"/> rule applies; a block whose amax would round up to the next power of two gets the next scale.
    /// </summary>
    Even,

    /// <summary>
    /// NVIDIA <c>cvt.rp.satfinite.ue8m0x2.f32</c> (cuBLAS 1-D block quantization, torchao <c>RCEIL</c>):
    /// scale = fl32(amax · fl32(1 / max_elem)) rounded up to a power of two.
    /// </summary>
    RCeil,

    /// <summary>
    /// NVFP4 (TransformerEngine reference): scale = amax · fl32(1 / max_elem) (· the tensor encode scale), in float32,
    /// rounded to nearest even in the scale format and clamped to its largest finite value.
    /// </summary>
    AmaxOverMax,
}

/// <summary>The spec and command-line names of <see cref="ScaleRule"/>.</summary>
public static class ScaleRuleNames
{
    private static readonly (string Name, ScaleRule Rule)[] Rules =
    [
        ("floor", ScaleRule.Floor),
        ("ceil", ScaleRule.Ceil),
        ("even", ScaleRule.Even),
        ("rceil", ScaleRule.RCeil),
        ("amax-over-max", ScaleRule.AmaxOverMax),
    ];

    /// <summary>All rule names.</summary>
    public static IReadOnlyList<string> All { get; } = Rules.Select(r => r.Name).ToArray();

    /// <summary>The name of a rule, e.g. <c>floor</c>.</summary>
    public static string Name(this ScaleRule rule) =>
        Rules.FirstOrDefault(r => r.Rule == rule).Name ?? throw new ArgumentOutOfRangeException(nameof(rule), rule, "not a scale rule");

    /// <summary>Parses a rule name.</summary>
    public static ScaleRule Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (text, rule) in Rules)
            if (string.Equals(text, name.Trim(), StringComparison.OrdinalIgnoreCase)) return rule;
        throw new ArgumentException($"scale rule '{name}' is unknown; valid rules: {string.Join(", ", All)}", nameof(name));
    }

    /// <summary>Whether the rule produces powers of two (all but <see cref="ScaleRule.AmaxOverMax"/>).</summary>
    public static bool IsPowerOfTwo(this ScaleRule rule) => rule != ScaleRule.AmaxOverMax;
}
