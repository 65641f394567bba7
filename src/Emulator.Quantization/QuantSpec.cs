using Emulator.Formats;
using Emulator.Quantization.Estimators;

namespace Emulator.Quantization;

/// <summary>
/// A quantizer as text: <c>format[@granularity][:estimator][/option...]</c>, for example <c>int4@channel:mse</c>,
/// <c>e4m3@tensor:percentile-99.9</c>, <c>nvfp4</c>, <c>int8@group-32</c>, <c>uint8@tensor:minmax/asym</c>,
/// <c>e2m1@group-16/scale=ue4m3</c>, <c>int4@channel/sr</c>. Options: <c>asym</c> (asymmetric integers),
/// <c>scale=F</c> (scale format: float32, pow2, e8m0, ue4m3, ...), <c>sr</c> (stochastic rounding), <c>rotate</c>
/// (lattice codecs: seeded Hadamard rotation). The format is any registered name or a .json spec path.
/// </summary>
public sealed record QuantSpec(string Format, Granularity? Granularity, string? Estimator, string? ScaleFormat, bool Asymmetric,
    bool Stochastic, bool Rotate)
{
    /// <summary>Parses a spec; errors name the part that is wrong and the valid forms.</summary>
    public static QuantSpec Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("quantizer spec is empty; expected format[@granularity][:estimator][/option]", nameof(text));
        string[] options = text.Trim().Split('/');
        string head = options[0];
        string? estimator = null;
        int colon = head.IndexOf(':');
        if (colon >= 0) { estimator = head[(colon + 1)..]; head = head[..colon]; }
        Granularity? granularity = null;
        int at = head.IndexOf('@');
        if (at >= 0) { granularity = Quantization.Granularity.Parse(head[(at + 1)..]); head = head[..at]; }
        string? scale = null;
        bool asym = false, sr = false, rotate = false;
        foreach (var o in options.Skip(1))
        {
            if (o == "asym") asym = true;
            else if (o == "sr") sr = true;
            else if (o == "rotate") rotate = true;
            else if (o.StartsWith("scale=", StringComparison.Ordinal)) scale = o[6..];
            else throw new ArgumentException($"quantizer spec '{text}': option '{o}' is not one of asym, sr, rotate, scale=F", nameof(text));
        }
        if (estimator is not null) _ = RangeEstimator.Parse(estimator);
        if (scale is not null) _ = Quantization.ScaleFormat.Parse(scale);
        _ = FormatRegistry.Default.Get(head); // the format must exist
        return new QuantSpec(head, granularity, estimator, scale, asym, sr, rotate);
    }

    /// <summary>A new quantizer for this spec; <paramref name="defaultGranularity"/> applies when the spec names none
    /// (weights: per channel; activations: per tensor). Stochastic rounding is keyed by (seed, stream).</summary>
    public TensorQuantizer Create(Granularity defaultGranularity, ulong seed = 0, uint stream = 0)
    {
        var format = FormatRegistry.Default.Get(Format);
        var rounding = Stochastic ? new RoundingOptions(RoundingMode.Stochastic) { Seed = seed, Stream = stream } : new RoundingOptions() { Seed = seed, Stream = stream };
        Granularity? g = format is BlockFormat ? null : Granularity ?? defaultGranularity;
        return new TensorQuantizer(format, g, ScaleFormat is null ? null : Quantization.ScaleFormat.Parse(ScaleFormat), rounding,
            Estimator is null ? null : RangeEstimator.Parse(Estimator), symmetric: !Asymmetric) { LatticeRotation = Rotate };
    }

    /// <summary>The canonical text.</summary>
    public override string ToString() =>
        Format + (Granularity is { } g ? "@" + g : "") + (Estimator is null ? "" : ":" + Estimator)
        + (Asymmetric ? "/asym" : "") + (Stochastic ? "/sr" : "") + (Rotate ? "/rotate" : "") + (ScaleFormat is null ? "" : "/scale=" + ScaleFormat);
}
