using System.Runtime.CompilerServices;

namespace Emulator.Nn.Numerics;

/// <summary>The body of a loop over [start, end) that writes disjoint outputs per index (a struct: no closure).</summary>
internal interface IRangeBody
{
    /// <summary>Runs indices [start, end).</summary>
    void Run(int start, int end);
}

/// <summary>
/// Runs a struct loop body on <see cref="NnSettings.Threads"/> threads through <see cref="NnSettings.For"/>, or directly
/// (no delegate, no allocation) when one thread is set or the work is too small to split.
/// </summary>
internal static class RangeWork
{
    /// <summary>Runs body over [0, count); <paramref name="workPerItem"/> estimates the cost of one index (elements touched).</summary>
    public static void Run<T>(int count, long workPerItem, T body) where T : struct, IRangeBody
    {
        if (NnSettings.Threads == 1 || count < 2 || count * workPerItem < 1 << 15) body.Run(0, count);
        else Split(count, workPerItem, body);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Split<T>(int count, long workPerItem, T body) where T : struct, IRangeBody =>
        NnSettings.For(count, body.Run, workPerItem);
}
