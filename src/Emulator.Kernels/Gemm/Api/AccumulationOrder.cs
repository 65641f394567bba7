using System.Globalization;

namespace Emulator.Kernels.Gemm;

/// <summary>The shape of the reduction over K of an emulated-accumulator GEMM.</summary>
public enum AccumulationOrderKind
{
    /// <summary>acc = round(acc + a_k b_k) for k = 0, 1, ..., K-1, from acc = +0.</summary>
    Sequential,
    /// <summary>
    /// A pairwise tree: level 0 holds the exact products; each level replaces elements (2i, 2i+1) by round(left + right)
    /// (an odd last element moves up unchanged) until one is left; the result is round(root + 0).
    /// </summary>
    Pairwise,
    /// <summary>
    /// Hardware-like: chunks of <see cref="AccumulationOrder.ChunkSize"/> products are summed in float32 (s = fma(a, b, s)
    /// from +0), and each chunk sum is added into the accumulator: acc = round(acc + s).
    /// </summary>
    Chunked,
}

/// <summary>An accumulation order: <c>sequential</c>, <c>pairwise</c> or <c>chunked:K</c>.</summary>
public readonly record struct AccumulationOrder
{
    private AccumulationOrder(AccumulationOrderKind kind, int chunkSize) { Kind = kind; ChunkSize = chunkSize; }

    /// <summary>The order's shape.</summary>
    public AccumulationOrderKind Kind { get; }

    /// <summary>Products per float32 chunk (chunked order only; 0 otherwise).</summary>
    public int ChunkSize { get; }

    /// <summary>Sequential over K.</summary>
    public static AccumulationOrder Sequential => new(AccumulationOrderKind.Sequential, 0);

    /// <summary>Pairwise tree.</summary>
    public static AccumulationOrder Pairwise => new(AccumulationOrderKind.Pairwise, 0);

    /// <summary>Chunks of <paramref name="chunkSize"/> (1..65536) products summed in float32, then added to the accumulator.</summary>
    public static AccumulationOrder Chunked(int chunkSize)
    {
        if (chunkSize is < 1 or > 65536)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "chunk size must be in 1..65536");
        return new(AccumulationOrderKind.Chunked, chunkSize);
    }

    /// <summary>Parses <c>sequential</c>, <c>pairwise</c> or <c>chunked:K</c>.</summary>
    public static AccumulationOrder Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "sequential") return Sequential;
        if (t == "pairwise") return Pairwise;
        if (t.StartsWith("chunked:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= 65536)
            return Chunked(k);
        throw new ArgumentException($"order '{text}' is invalid; valid orders: sequential, pairwise, chunked:K with K in 1..65536", "order");
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        AccumulationOrderKind.Chunked => $"chunked:{ChunkSize}",
        AccumulationOrderKind.Pairwise => "pairwise",
        _ => "sequential",
    };
}
