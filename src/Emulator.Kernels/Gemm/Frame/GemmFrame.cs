using System.Buffers;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// Cache-blocking parameters of one GEMM kernel (BLIS names): an MR x NR register tile, K in blocks of KC, MC rows of A
/// packed per block (kept in L2) and NC columns of B per outer block. <see cref="int.MaxValue"/> means "unblocked".
/// </summary>
internal readonly record struct GemmBlocking(int MR, int NR, int KC, int MC, int NC);

/// <summary>
/// A GEMM kernel as the frame sees it: packers for micro-panels of A (MR rows x kc) and B (kc x NR columns), and a
/// micro-kernel on one MR x NR tile of C. The kernel struct holds the operands, C and every per-call constant; the frame
/// only loops. Edge panels (fewer than MR rows or NR columns) are padded by the packers, so the micro-kernel always sees
/// whole panels.
/// </summary>
internal unsafe interface IGemmKernel
{
    /// <summary>The kernel's blocking parameters.</summary>
    GemmBlocking Blocking { get; }

    /// <summary>Bytes of one packed A micro-panel of depth <paramref name="kc"/>.</summary>
    long PanelBytesA(int kc);

    /// <summary>Bytes of one packed B micro-panel of depth <paramref name="kc"/>.</summary>
    long PanelBytesB(int kc);

    /// <summary>Packs rows [i0, i0 + rows) x depth [p0, p0 + kc) of op(A) into <paramref name="dst"/>; returns the panel the
    /// micro-kernel reads (<paramref name="dst"/>, or the operand itself when it can be read in place).</summary>
    byte* PackA(byte* dst, int i0, int rows, int p0, int kc);

    /// <summary>Packs depth [p0, p0 + kc) x columns [j0, j0 + cols) of op(B); returns the panel to read (as <see cref="PackA"/>).</summary>
    byte* PackB(byte* dst, int p0, int kc, int j0, int cols);

    /// <summary>Runs the micro-kernel on tile (i0, j0) of C (rows x cols of it valid) over depth [p0, p0 + kc).</summary>
    void Tile(byte* a, byte* b, int i0, int j0, int rows, int cols, int p0, int kc);
}

/// <summary>
/// The one BLIS-style frame of every GEMM kernel: C is split among threads into bands of whole tiles (rows or columns,
/// <see cref="GemmPartition"/>, never K); per band the five loops jc (NC columns), pc (KC depth, from 0 up, so the
/// reduction order of an element never depends on threads or instruction set), ic (MC rows: pack A), jr (NR: a B panel),
/// ir (MR: the micro-kernel). When threads take row bands, the B panels of each (jc, pc) block are packed once, split
/// among the threads, and shared. Packing buffers come from <see cref="PackingBuffers"/>. A kernel sees every (jc, pc)
/// block at least once, even for k = 0 (with kc = 0).
/// </summary>
internal static unsafe class GemmFrame
{
    /// <summary>Computes the whole m x n product with <paramref name="threads"/> workers.</summary>
    public static void Run<TK>(in TK kernel, int m, int n, int k, int threads) where TK : struct, IGemmKernel
    {
        if (m <= 0 || n <= 0) return;
        var bl = kernel.Blocking;
        var parts = GemmPartition.Split(m, n, threads, bl.MR, bl.NR);
        if (parts.Length == 1) { Band(kernel, 0, m, 0, n, k); return; }
        if (parts.All(p => p.C0 == 0 && p.C1 == n)) { SharedB(kernel, parts, n, k); return; }
        var copy = kernel;
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length },
            t => Band(copy, parts[t].R0, parts[t].R1, parts[t].C0, parts[t].C1, k));
    }

    /// <summary>The five loops over one band, packing its own B panels.</summary>
    public static void Band<TK>(in TK kernel, int r0, int r1, int c0, int c1, int k) where TK : struct, IGemmKernel
    {
        if (r0 >= r1 || c0 >= c1) return;
        var bl = kernel.Blocking;
        int kcMax = Math.Min(bl.KC, Math.Max(k, 0));
        int ncMax = Math.Min(bl.NC, c1 - c0), strips = (ncMax + bl.NR - 1) / bl.NR;
        long bytesB = Stride(kernel.PanelBytesB(kcMax));
        using var bufB = PackingBuffers.Rent(strips * bytesB);
        nint[] panelsB = ArrayPool<nint>.Shared.Rent(strips);
        try
        {
            for (int jc = c0, nc; jc < c1; jc += nc)
            {
                nc = Math.Min(bl.NC, c1 - jc);
                int pc = 0;
                do
                {
                    int kc = Math.Min(bl.KC, k - pc);
                    long stride = Stride(kernel.PanelBytesB(kc));
                    for (int s = 0, jr = 0; jr < nc; s++, jr += bl.NR)
                        panelsB[s] = (nint)kernel.PackB(bufB.Pointer + s * stride, pc, kc, jc + jr, Math.Min(bl.NR, nc - jr));
                    Block(kernel, panelsB, r0, r1, jc, nc, pc, kc);
                    pc += kc;
                } while (pc < k);
            }
        }
        finally
        {
            ArrayPool<nint>.Shared.Return(panelsB);
        }
    }

    /// <summary>Row bands: the B panels of each (jc, pc) block are packed once (strips split among the threads) and shared.</summary>
    private static void SharedB<TK>(TK kernel, (int R0, int R1, int C0, int C1)[] parts, int n, int k) where TK : struct, IGemmKernel
    {
        var bl = kernel.Blocking;
        int threads = parts.Length;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        int kcMax = Math.Min(bl.KC, Math.Max(k, 0));
        int ncMax = Math.Min(bl.NC, n), maxStrips = (ncMax + bl.NR - 1) / bl.NR;
        using var bufB = PackingBuffers.Rent(maxStrips * Stride(kernel.PanelBytesB(kcMax)));
        nint[] panelsB = new nint[maxStrips];
        byte* shared = bufB.Pointer;
        for (int jc = 0, nc; jc < n; jc += nc)
        {
            nc = Math.Min(bl.NC, n - jc);
            int strips = (nc + bl.NR - 1) / bl.NR, pc = 0;
            do
            {
                int kc = Math.Min(bl.KC, k - pc), p0 = pc, j0 = jc, width = nc;
                long stride = Stride(kernel.PanelBytesB(kc));
                GemmPartition.ForStrips(strips, threads, s =>
                    panelsB[s] = (nint)kernel.PackB(shared + s * stride, p0, kc, j0 + s * bl.NR, Math.Min(bl.NR, width - s * bl.NR)));
                Parallel.For(0, threads, options, t => Block(kernel, panelsB, parts[t].R0, parts[t].R1, j0, width, p0, kc));
                pc += kc;
            } while (pc < k);
        }
    }

    /// <summary>Panels start on cache lines.</summary>
    private static long Stride(long panelBytes) => (panelBytes + 63) & ~63L;

    /// <summary>Loops ic, jr, ir of one (jc, pc) block over rows [r0, r1), with the B panels already in place.</summary>
    private static void Block<TK>(in TK kernel, nint[] panelsB, int r0, int r1, int jc, int nc, int pc, int kc) where TK : struct, IGemmKernel
    {
        if (r0 >= r1) return;
        var bl = kernel.Blocking;
        int mcMax = Math.Min(bl.MC, r1 - r0), tiles = (mcMax + bl.MR - 1) / bl.MR;
        long stride = Stride(kernel.PanelBytesA(kc));
        using var bufA = PackingBuffers.Rent(tiles * stride);
        nint* panelsA = stackalloc nint[Math.Min(tiles, 1024)];
        nint[]? big = tiles > 1024 ? new nint[tiles] : null;
        for (int ic = r0, mc; ic < r1; ic += mc)
        {
            mc = Math.Min(bl.MC, r1 - ic);
            for (int t = 0, ir = 0; ir < mc; t++, ir += bl.MR)
            {
                nint p = (nint)kernel.PackA(bufA.Pointer + t * stride, ic + ir, Math.Min(bl.MR, mc - ir), pc, kc);
                if (big is null) panelsA[t] = p; else big[t] = p;
            }
            for (int s = 0, jr = 0; jr < nc; s++, jr += bl.NR)
            {
                byte* b = (byte*)panelsB[s];
                int cols = Math.Min(bl.NR, nc - jr);
                for (int t = 0, ir = 0; ir < mc; t++, ir += bl.MR)
                    kernel.Tile((byte*)(big is null ? panelsA[t] : big[t]), b, ic + ir, jc + jr, Math.Min(bl.MR, mc - ir), cols, pc, kc);
            }
        }
    }
}
