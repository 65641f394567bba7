namespace Emulator.Nn.Modules;

/// <summary>
/// A lookup table (<c>nn.Embedding</c>): parameter <c>weight</c> [num_embeddings, embedding_dim] initialised N(0, 1),
/// seeded; the row at padding_idx starts at zero and receives no gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>An embedding table with seeded N(0, 1) rows.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, ulong seed = 0)
    {
        if (numEmbeddings < 1) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: num_embeddings must be >= 1");
        if (embeddingDim < 1) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embedding_dim must be >= 1");
        if (paddingIdx is int p && (p < -numEmbeddings || p >= numEmbeddings))
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: padding_idx must be in {-numEmbeddings}..{numEmbeddings - 1}");
        PaddingIdx = paddingIdx is int q && q < 0 ? q + numEmbeddings : paddingIdx;
        var w = Tensor.Persistent(numEmbeddings, embeddingDim);
        Init.Normal(w, 1f, seed, stream: 0);
        if (PaddingIdx is int pad) w.Data.Slice(pad * embeddingDim, embeddingDim).Clear();
        Weight = RegisterParameter("weight", w);
    }

    /// <summary>The table [num_embeddings, embedding_dim].</summary>
    public Tensor Weight { get; }

    /// <summary>The padding row (normalised to 0..num_embeddings − 1), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>Rows for a tensor of integer-valued indices of any shape S: [S..., embedding_dim].</summary>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, UseParameter("weight", Weight), PaddingIdx);

    /// <summary>Rows for indices: [indices.Length, embedding_dim].</summary>
    public Tensor Forward(ReadOnlySpan<int> indices) => Functional.Embedding(indices, UseParameter("weight", Weight), PaddingIdx);
}
