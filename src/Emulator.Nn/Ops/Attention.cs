using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// softmax(q·kᵀ·scale + mask)·v (<c>F.scaled_dot_product_attention</c>) through <see cref="MatMul"/>: query
    /// [..., L, E], key [..., S, E], value [..., S, Ev] with equal leading (batch, head) dimensions; the result is
    /// [..., L, Ev]. <paramref name="scale"/> defaults to 1/√E. <paramref name="isCausal"/> lets query i attend to keys
    /// j ≤ i (top-left aligned, as PyTorch); <paramref name="attnMask"/> is an additive float mask broadcast to [..., L, S]
    /// (−∞ blocks a position). Dropout on the attention weights is not applied (no dropout_p here).
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        bool isCausal = false, float? scale = null)
    {
        const string op = "scaled_dot_product_attention";
        if (query.Rank < 2 || key.Rank != query.Rank || value.Rank != query.Rank
            || !ShapeMath.Equal(query.Shape[..^2], key.Shape[..^2]) || !ShapeMath.Equal(key.Shape[..^2], value.Shape[..^2])
            || query.Size(-1) != key.Size(-1) || key.Size(-2) != value.Size(-2))
            throw new ArgumentException($"{op}: query {ShapeMath.Format(query.Shape)}, key {ShapeMath.Format(key.Shape)} and value {ShapeMath.Format(value.Shape)} must be [..., L, E], [..., S, E] and [..., S, Ev] with equal leading dimensions", nameof(query));
        if (attnMask is not null && isCausal)
            throw new ArgumentException($"{op}: give either attnMask or isCausal, not both (as PyTorch)", nameof(attnMask));
        float s = scale ?? 1f / MathF.Sqrt(query.Size(-1));
        if (!(s > 0f) || float.IsInfinity(s))
            throw new ArgumentOutOfRangeException(nameof(scale), s, $"{op}: scale must be finite and > 0");
        var scores = MatMul(query, key, transposeB: true);
        var weights = attnMask is null ? AttentionSoftmax(scores, s, isCausal) : Softmax(Add(Scale(scores, s), attnMask), -1);
        return MatMul(weights, value);
    }
}
