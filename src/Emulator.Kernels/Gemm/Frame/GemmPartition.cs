namespace Emulator.Kernels.Gemm;

/// <summary>How the GEMM drivers split C among threads: bands of whole register tiles, never along K.</summary>
internal static class GemmPartition
{
    /// <summary>At most <paramref name="threads"/> row bands (multiples of mr) or column bands (multiples of nr) of an m x n C.</summary>
    public static (int R0, int R1, int C0, int C1)[] Split(int m, int n, int threads, int mr, int nr)
    {
        int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
        bool byRows = rowTiles >= colTiles || rowTiles >= 2 * threads;
        int tiles = byRows ? rowTiles : colTiles, tile = byRows ? mr : nr, extent = byRows ? m : n;
        int parts = Math.Max(1, Math.Min(threads, tiles));
        var result = new (int, int, int, int)[parts];
        for (int t = 0; t < parts; t++)
        {
            int lo = Math.Min(extent, (int)((long)tiles * t / parts) * tile);
            int hi = Math.Min(extent, (int)((long)tiles * (t + 1) / parts) * tile);
            result[t] = byRows ? (lo, hi, 0, n) : (0, m, lo, hi);
        }
        return result;
    }

    /// <summary>Runs <paramref name="work"/> on each band, in parallel when there is more than one.</summary>
    public static void Run(int m, int n, int threads, int mr, int nr, Action<int, int, int, int> work)
    {
        var parts = Split(m, n, threads, mr, nr);
        if (parts.Length == 1) { work(parts[0].R0, parts[0].R1, parts[0].C0, parts[0].C1); return; }
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length },
            t => work(parts[t].R0, parts[t].R1, parts[t].C0, parts[t].C1));
    }

    /// <summary>Calls <paramref name="packStrip"/> on each of <paramref name="strips"/> B strips: contiguous runs of strips
    /// on at most <paramref name="threads"/> threads, in parallel when there is more than one.</summary>
    public static void ForStrips(int strips, int threads, Action<int> packStrip)
    {
        int packers = Math.Max(1, Math.Min(threads, strips));
        void PackStrips(int t)
        {
            for (int s = (int)((long)strips * t / packers); s < (int)((long)strips * (t + 1) / packers); s++) packStrip(s);
        }
        if (packers == 1) PackStrips(0);
        else Parallel.For(0, packers, new ParallelOptions { MaxDegreeOfParallelism = packers }, PackStrips);
    }
}
