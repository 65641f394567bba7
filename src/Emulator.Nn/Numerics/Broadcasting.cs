namespace Emulator.Nn.Numerics;

/// <summary>
/// Iteration plans for broadcasting: the output shape collapsed to as few dimensions as possible, with each input's
/// element strides (0 where it is broadcast). The last collapsed dimension is the inner loop.
/// </summary>
internal readonly struct BroadcastPlan
{
    public readonly int[] Dims;       // collapsed output dims
    public readonly int[] StridesA;   // element strides of A per collapsed dim
    public readonly int[] StridesB;

    public BroadcastPlan(ReadOnlySpan<int> a, ReadOnlySpan<int> b, int[] output)
    {
        int r = output.Length;
        var sa = AlignedStrides(a, r);
        var sb = AlignedStrides(b, r);
        var dims = new List<int>(); var la = new List<int>(); var lb = new List<int>();
        for (int i = 0; i < r; i++)
        {
            if (output[i] == 1) continue; // size-1 dims contribute nothing
            if (dims.Count > 0)
            {
                int last = dims.Count - 1;
                // merge when the previous dim is contiguous over this one for both inputs
                if (la[last] == sa[i] * output[i] && lb[last] == sb[i] * output[i])
                {
                    dims[last] *= output[i]; la[last] = sa[i]; lb[last] = sb[i];
                    continue;
                }
            }
            dims.Add(output[i]); la.Add(sa[i]); lb.Add(sb[i]);
        }
        if (dims.Count == 0) { dims.Add(1); la.Add(0); lb.Add(0); }
        Dims = [.. dims]; StridesA = [.. la]; StridesB = [.. lb];
    }

    private static int[] AlignedStrides(ReadOnlySpan<int> shape, int rank)
    {
        var s = new int[rank];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            int o = rank - shape.Length + i;
            s[o] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return s;
    }

    public int Inner => Dims[^1];

    public int Outer
    {
        get
        {
            int n = 1;
            for (int i = 0; i < Dims.Length - 1; i++) n *= Dims[i];
            return n;
        }
    }

    /// <summary>Offsets into A and B of the start of outer row <paramref name="row"/>.</summary>
    public (int A, int B) RowOffsets(int row)
    {
        int oa = 0, ob = 0;
        for (int d = Dims.Length - 2; d >= 0; d--)
        {
            int i = row % Dims[d];
            row /= Dims[d];
            oa += i * StridesA[d];
            ob += i * StridesB[d];
        }
        return (oa, ob);
    }
}
