namespace Emulator.Nn.Modules;

/// <summary>
/// A transformer encoder block (<c>nn.TransformerEncoderLayer</c> with <c>batch_first=True</c>): children
/// <c>self_attn</c> (<see cref="MultiHeadAttention"/>), <c>linear1</c> (d_model→dim_feedforward), <c>linear2</c>
/// (back), <c>norm1</c>, <c>norm2</c> (<see cref="LayerNorm"/>), so the state dict has PyTorch's names. Post-norm
/// x = norm1(x + sa(x)); x = norm2(x + ff(x)), or with <c>normFirst</c> x = x + sa(norm1(x)); x = x + ff(norm2(x)),
/// where ff(x) = linear2(act(linear1(x))) and act is "relu" or "gelu".
/// Dropout: PyTorch's default is 0.1; here it must be 0 until the Dropout op is available — the three places it
/// applies (after attention, inside the feed-forward, after the feed-forward) call <see cref="Dropout"/>.
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    /// <summary>An encoder block; child initialisation is seeded from <paramref name="seed"/>.</summary>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0f, string activation = "relu",
        float layerNormEps = 1e-5f, bool normFirst = false, bool bias = true, ulong seed = 0)
    {
        if (dimFeedforward < 1)
            throw new ArgumentOutOfRangeException(nameof(dimFeedforward), dimFeedforward, "TransformerEncoderLayer: dim_feedforward must be >= 1");
        if (activation is not ("relu" or "gelu"))
            throw new ArgumentException($"TransformerEncoderLayer: activation '{activation}' is not one of 'relu', 'gelu'", nameof(activation));
        CheckDropout(dropout, "TransformerEncoderLayer");
        Activation = activation;
        NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(dModel, nhead, dropout, bias, Seeds.Child(seed, 0)));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, Seeds.Child(seed, 1)));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, Seeds.Child(seed, 2)));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, bias: bias));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, bias: bias));
    }

    /// <summary>The attention block.</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>d_model → dim_feedforward.</summary>
    public Linear Linear1 { get; }

    /// <summary>dim_feedforward → d_model.</summary>
    public Linear Linear2 { get; }

    /// <summary>The norm around attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm around the feed-forward block.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>"relu" or "gelu".</summary>
    public string Activation { get; }

    /// <summary>Pre-norm (norm before each block) instead of post-norm.</summary>
    public bool NormFirst { get; }

    /// <summary>The block on [B, L, d_model], attending over all positions.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, false);

    /// <summary>The block with an additive attention mask [L, L] or a causal mask.</summary>
    public Tensor Forward(Tensor src, Tensor? srcMask, bool isCausal)
    {
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttention(Norm1.Call(x), srcMask, isCausal);
            return x + FeedForward(Norm2.Call(x));
        }
        x = Norm1.Call(x + SelfAttention(x, srcMask, isCausal));
        return Norm2.Call(x + FeedForward(x));
    }

    /// <summary>Self-attention through <c>self_attn.Call</c> (its hooks run) when unmasked; with a mask or causal flag
    /// through its multi-input Forward (hooks take one input).</summary>
    private Tensor SelfAttention(Tensor x, Tensor? mask, bool isCausal) =>
        Dropout(mask is null && !isCausal ? SelfAttn.Call(x) : SelfAttn.Forward(x, x, x, mask, isCausal));

    private Tensor FeedForward(Tensor x)
    {
        var h = Linear1.Call(x);
        h = Activation == "gelu" ? Functional.Gelu(h) : Functional.Relu(h);
        return Dropout(Linear2.Call(Dropout(h)));
    }

    /// <summary>The dropout hook: the identity while dropout is 0 (the only value accepted until the Dropout op lands;
    /// then PyTorch's children dropout, dropout1 and dropout2 go here, with no effect on the state dict).</summary>
    private static Tensor Dropout(Tensor x) => x;

    /// <summary>Rejects dropout other than 0 until the Dropout op is available.</summary>
    internal static void CheckDropout(float dropout, string layer)
    {
        if (dropout != 0f)
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{layer}: dropout must be 0 (dropout > 0 needs the Dropout op, not available in this build)");
    }
}
