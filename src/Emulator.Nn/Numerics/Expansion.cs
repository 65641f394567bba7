namespace Emulator.Nn.Numerics;

/// <summary>Broadcasting a tensor up to a larger shape (the backward of a sum over axes): copies, no arithmetic.</summary>
internal static class Expansion
{
    /// <summary>Writes <paramref name="src"/> (shape <paramref name="srcShape"/>, broadcast-compatible) expanded to
    /// <paramref name="dstShape"/> into <paramref name="dst"/>.</summary>
    public static void Expand(ReadOnlySpan<float> src, ReadOnlySpan<int> srcShape, int[] dstShape, Span<float> dst)
    {
        var plan = new BroadcastPlan(srcShape, dstShape, dstShape);
        int inner = plan.Inner, outer = plan.Outer;
        bool run = plan.StridesA[^1] == 1;
        for (int row = 0; row < outer; row++)
        {
            int at = plan.RowOffsets(row).A;
            var d = dst.Slice(row * inner, inner);
            if (run) src.Slice(at, inner).CopyTo(d);
            else d.Fill(src[at]);
        }
    }
}
