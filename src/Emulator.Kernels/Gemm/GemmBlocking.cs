namespace Emulator.Kernels.Gemm;

/// <summary>
/// Cache-blocking parameters of the float32 GEMM (BLIS names). The per-element reduction order depends on <see cref="KC"/>
/// only, which is a constant: it never depends on the instruction set or the thread count.
/// </summary>
public static class GemmBlocking
{
    /// <summary>Rows of the register tile (micro-kernel height).</summary>
    public const int MR = 12;
    /// <summary>Columns of the register tile (two 16-lane vectors).</summary>
    public const int NR = 32;
    /// <summary>Depth of a packed panel: the reduction is done in blocks of KC products.</summary>
    public const int KC = 256;
    /// <summary>Rows of a packed A block (kept in L2); a multiple of <see cref="MR"/>.</summary>
    public const int MC = 192;
    /// <summary>Columns of a packed B panel (kept in L3); a multiple of <see cref="NR"/>.</summary>
    public const int NC = 2048;
}
