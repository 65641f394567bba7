using Emulator.Formats;

namespace Emulator.Quantization;

/// <summary>
/// How a scale is stored: float32 as computed, a power of two (rounded up, so the range is never cut), or a scalar format
/// such as E8M0 (OCP MX, rounded up) or UE4M3/E4M3 (NVFP4's block scales, rounded to nearest-even as the recipe does).
/// </summary>
public sealed class ScaleFormat
{
    private readonly ScalarFormat? _format;
    private readonly RoundingOptions _rounding;

    private ScaleFormat(string name, ScalarFormat? format, RoundingMode mode)
    {
        Name = name;
        _format = format;
        _rounding = new RoundingOptions(mode);
    }

    /// <summary>The name (<c>float32</c>, <c>pow2</c>, or a format name).</summary>
    public string Name { get; }

    /// <summary>Bits stored per scale.</summary>
    public int Bits => Name switch { "float32" => 32, "pow2" => 8, _ => _format!.Bits };

    /// <summary>float32 scales (the default).</summary>
    public static ScaleFormat Float32 { get; } = new("float32", null, RoundingMode.NearestEven);

    /// <summary>Powers of two (rounded up).</summary>
    public static ScaleFormat PowerOfTwo { get; } = new("pow2", null, RoundingMode.TowardPositive);

    /// <summary>
    /// A scale format by name: <c>float32</c>, <c>pow2</c>, <c>e8m0</c> (rounded up), or any scalar format of the registry
    /// (<c>ue4m3</c>, <c>e4m3</c>, <c>bfloat16</c>, ...; rounded to nearest-even).
    /// </summary>
    public static ScaleFormat Parse(string name)
    {
        switch (name)
        {
            case "float32" or "fp32": return Float32;
            case "pow2" or "power-of-two": return PowerOfTwo;
        }
        var f = FormatRegistry.Default.Get(name) as ScalarFormat
            ?? throw new ArgumentException($"scale format '{name}' is not float32, pow2 or a scalar format", nameof(name));
        bool exponentOnly = f.Name == "e8m0";
        return new ScaleFormat(f.Name, f, exponentOnly ? RoundingMode.TowardPositive : RoundingMode.NearestEven);
    }

    /// <summary>The stored scale for a computed one (positive, finite; a scale that would quantize to zero or below the
    /// format's range becomes its smallest positive value).</summary>
    public float Quantize(float scale)
    {
        if (!(scale > 0) || !float.IsFinite(scale)) return 1f;
        if (_format is null)
        {
            if (Name == "float32") return scale;
            int e = (int)Math.Ceiling(Math.Log2(scale));
            float p = MathF.ScaleB(1f, e);
            if (p < scale) p *= 2; // guard rounding of Log2
            return p;
        }
        float q = _format.Quantize(scale, _rounding);
        if (!(q > 0) || !float.IsFinite(q))
            q = q > 0 ? (float)_format.MaxFinite : (float)(_format.MinSubnormal > 0 ? _format.MinSubnormal : _format.MinNormal);
        return q;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
