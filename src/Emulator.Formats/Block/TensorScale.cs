namespace Emulator.Formats;

/// <summary>
/// The second-level (per-tensor) float32 scale of a two-level block format such as NVFP4 (FORMATS.md section 5):
/// <see cref="Encode"/> multiplies inputs before the block scale is chosen, <see cref="Decode"/> = 1 / Encode multiplies outputs.
/// </summary>
public readonly record struct TensorScale(float Encode, float Decode)
{
    /// <summary>No tensor scale (both factors 1).</summary>
    public static TensorScale None => new(1f, 1f);

    /// <summary>
    /// The NVFP4 recipe, in float32 in this order: Encode = min(<paramref name="range"/> / amax, FLT_MAX) (amax = 0 gives
    /// FLT_MAX; a result of 0, from amax = +Inf, becomes 1; NaN stays NaN), Decode = 1 / Encode.
    /// <paramref name="range"/> is fl32(scale max · element max), 2688 for NVFP4.
    /// </summary>
    public static TensorScale FromAmax(float amax, float range)
    {
        float enc = MathF.Min(range / amax, float.MaxValue);
        if (enc == 0f) enc = 1f;
        return new TensorScale(enc, 1f / enc);
    }
}
