namespace Emulator.Kernels;

/// <summary>
/// How a kernel call runs (never what it computes): the global index of the first element (so a slice quantized on its own
/// gives the same bits as the whole tensor; seed and stream are in <see cref="Emulator.Formats.RoundingOptions"/>), and the
/// number of threads. <c>default</c> is index 0 on one thread with the widest vectors the hardware has.
/// </summary>
public readonly record struct KernelOptions
{
    private readonly int _maxLanes;

    /// <summary>Global element index of the first element (non-negative).</summary>
    public long IndexOffset { get; init; }

    /// <summary>Threads for large arrays (at most 1 thread per 64K-element chunk); 0 or 1 = the calling thread only.</summary>
    public int Threads { get; init; }

    /// <summary>Widest register to use, in 32-bit lanes: 16 (Vector512, default), 8, 4 or 1 (scalar). For tests and benchmarks.</summary>
    public int MaxLanes
    {
        get => _maxLanes == 0 ? 16 : _maxLanes;
        init
        {
            if (value is not (1 or 4 or 8 or 16))
                throw new ArgumentOutOfRangeException(nameof(MaxLanes), value, "max lanes must be 1, 4, 8 or 16");
            _maxLanes = value;
        }
    }

    internal void Validate()
    {
        if (IndexOffset < 0) throw new ArgumentOutOfRangeException(nameof(IndexOffset), IndexOffset, "index offset must be non-negative");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be 0 or more");
    }
}
