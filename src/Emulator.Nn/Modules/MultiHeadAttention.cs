using Emulator.Nn.Numerics;

namespace Emulator.Nn.Modules;

/// <summary>
/// Multi-head attention (<c>nn.MultiheadAttention</c> with <c>batch_first=True</c>): inputs [B, L, E]; parameters
/// <c>in_proj_weight</c> [3E, E] (query, key, value rows; Xavier-uniform), <c>in_proj_bias</c> [3E] (zeros) and the child
/// <c>out_proj</c> (a <see cref="Linear"/> E→E with zero bias), as PyTorch names and initialises them. Each head attends
/// with <see cref="Functional.ScaledDotProductAttention"/>. Returns the output only (PyTorch's attention weights are not
/// computed), and dropout on the attention weights is not available yet (dropout must be 0). The parameters are read
/// through <see cref="Module.UseParameter"/> under their own names; the module is not an <see cref="IWeightLayer"/> (a
/// quantization simulation reaches <c>out_proj</c>, a <see cref="Linear"/>).
/// </summary>
public sealed class MultiHeadAttention : Module
{
    /// <summary>Attention of embedding size <paramref name="embedDim"/> split into <paramref name="numHeads"/> heads.</summary>
    public MultiHeadAttention(int embedDim, int numHeads, float dropout = 0f, bool bias = true, ulong seed = 0)
    {
        if (embedDim < 1) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "MultiHeadAttention: embed_dim must be >= 1");
        if (numHeads < 1 || embedDim % numHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), numHeads, $"MultiHeadAttention: num_heads must be >= 1 and divide embed_dim {embedDim}");
        TransformerEncoderLayer.CheckDropout(dropout, "MultiHeadAttention");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        var w = Tensor.Persistent(3 * embedDim, embedDim);
        Init.XavierUniform(w, fanIn: embedDim, fanOut: 3 * embedDim, seed, stream: 0);
        InProjWeight = RegisterParameter("in_proj_weight", w);
        if (bias) InProjBias = RegisterParameter("in_proj_bias", Tensor.Persistent(3 * embedDim));
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, Seeds.Child(seed, 0)));
        OutProj.Bias?.Data.Clear();
    }

    /// <summary>E.</summary>
    public int EmbedDim { get; }

    /// <summary>The number of heads (each of size E / heads).</summary>
    public int NumHeads { get; }

    /// <summary>[3E, E]: rows 0..E−1 project the query, E..2E−1 the key, 2E..3E−1 the value.</summary>
    public Tensor InProjWeight { get; }

    /// <summary>[3E] or null.</summary>
    public Tensor? InProjBias { get; }

    /// <summary>The output projection.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention: query = key = value = <paramref name="input"/> [B, L, E].</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input);

    /// <summary>
    /// Attention of query [B, L, E] over key/value [B, S, E]; <paramref name="attnMask"/> is an additive float mask
    /// broadcast to [B, heads, L, S] (−∞ blocks); <paramref name="isCausal"/> lets position i see keys j ≤ i.
    /// </summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null, bool isCausal = false)
    {
        int e = EmbedDim;
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3 || query.Size(2) != e || key.Size(2) != e || value.Size(2) != e
            || key.Size(0) != query.Size(0) || value.Size(0) != query.Size(0) || key.Size(1) != value.Size(1))
            throw new ArgumentException($"MultiHeadAttention: query {ShapeMath.Format(query.Shape)}, key {ShapeMath.Format(key.Shape)} and value {ShapeMath.Format(value.Shape)} must be [B, L, {e}], [B, S, {e}] and [B, S, {e}] (batch first)", nameof(query));
        Tensor q, k, v;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = Functional.Linear(query, UseParameter("in_proj_weight", InProjWeight), InProjBias is null ? null : UseParameter("in_proj_bias", InProjBias));
            q = Functional.Narrow(qkv, -1, 0, e); k = Functional.Narrow(qkv, -1, e, e); v = Functional.Narrow(qkv, -1, 2 * e, e);
        }
        else
        {
            q = Project(query, 0); k = Project(key, 1); v = Project(value, 2);
        }
        var attended = Functional.ScaledDotProductAttention(Heads(q), Heads(k), Heads(v), attnMask, isCausal);
        var merged = Functional.Transpose(attended, 1, 2).Reshape(query.Size(0), query.Size(1), e);
        return OutProj.Call(merged);
    }

    /// <summary>x projected by rows [part·E, (part + 1)·E) of the input projection.</summary>
    private Tensor Project(Tensor x, int part)
    {
        int e = EmbedDim;
        var w = Functional.Narrow(UseParameter("in_proj_weight", InProjWeight), 0, part * e, e);
        var b = InProjBias is null ? null : Functional.Narrow(UseParameter("in_proj_bias", InProjBias), 0, part * e, e);
        return Functional.Linear(x, w, b);
    }

    /// <summary>[B, L, E] → [B, heads, L, E / heads].</summary>
    private Tensor Heads(Tensor x) =>
        Functional.Transpose(x.Reshape(x.Size(0), x.Size(1), NumHeads, EmbedDim / NumHeads), 1, 2);
}
