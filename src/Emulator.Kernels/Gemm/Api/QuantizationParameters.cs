namespace Emulator.Kernels.Gemm;

/// <summary>
/// Affine dequantization of an integer GEMM operand, real = scale * (q - zeroPoint): one scale and zero point for the
/// whole tensor (arrays of length 1) or one per channel (A: per row of A; B: per column of B).
/// </summary>
public sealed record QuantizationParameters
{
    /// <summary>Creates parameters; <paramref name="zeroPoints"/> null means all zero points are 0.</summary>
    public QuantizationParameters(float[] scales, int[]? zeroPoints = null)
    {
        ArgumentNullException.ThrowIfNull(scales);
        if (scales.Length == 0) throw new ArgumentException("scales must have at least one element", nameof(scales));
        foreach (float s in scales)
            if (!float.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(scales), s, "every scale must be finite");
        zeroPoints ??= [0];
        if (zeroPoints.Length != 1 && zeroPoints.Length != scales.Length)
            throw new ArgumentException($"zeroPoints has length {zeroPoints.Length}; it must be 1 or scales.Length = {scales.Length}", nameof(zeroPoints));
        Scales = scales;
        ZeroPoints = zeroPoints;
    }

    /// <summary>Per-tensor parameters.</summary>
    public static QuantizationParameters PerTensor(float scale, int zeroPoint = 0) => new([scale], [zeroPoint]);

    /// <summary>Scales (length 1 or the channel count).</summary>
    public float[] Scales { get; }

    /// <summary>Zero points (length 1 or the channel count).</summary>
    public int[] ZeroPoints { get; }

    internal float Scale(int channel) => Scales.Length == 1 ? Scales[0] : Scales[channel];

    internal int ZeroPoint(int channel) => ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints[channel];

    internal void CheckChannels(string name, int channels)
    {
        if (Scales.Length != 1 && Scales.Length != channels)
            throw new ArgumentException($"{name}.Scales has length {Scales.Length}; it must be 1 (per tensor) or {channels} (per channel)", name);
        if (ZeroPoints.Length != 1 && ZeroPoints.Length != channels)
            throw new ArgumentException($"{name}.ZeroPoints has length {ZeroPoints.Length}; it must be 1 or {channels}", name);
    }
}
