namespace Emulator.Nn;

/// <summary>Process-wide settings of the Nn floor (PyTorch's <c>torch.set_num_threads</c>).</summary>
public static class NnSettings
{
    private static int _threads = 1;

    /// <summary>Worker threads for ops and GEMMs, 1..1024 (default 1). Results never depend on it: threads split outputs, never reductions.</summary>
    public static int Threads
    {
        get => _threads;
        set
        {
            if (value < 1 || value > 1024) throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be in 1..1024");
            _threads = value;
        }
    }

    /// <summary>Runs body(i) for i in [0, count) on up to <see cref="Threads"/> threads (contiguous ranges; the caller
    /// guarantees iterations write disjoint outputs).</summary>
    internal static void For(int count, Action<int, int> range, long workPerItem = 1 << 16)
    {
        int threads = Math.Min(_threads, count);
        if (threads > 1 && (long)count * workPerItem < 1 << 15) threads = 1;
        if (threads <= 1) { if (count > 0) range(0, count); return; }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => range((int)((long)count * t / threads), (int)((long)count * (t + 1) / threads)));
    }
}
