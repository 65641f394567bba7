namespace Emulator.Kernels.Gemm;

/// <summary>Whether a GEMM operand is used as stored or transposed (op(X) = X or X^T).</summary>
public enum Transpose
{
    /// <summary>op(X) = X.</summary>
    None,
    /// <summary>op(X) = X^T.</summary>
    Transposed,
}

/// <summary>Argument checks shared by the GEMM entry points.</summary>
internal static class GemmChecks
{
    public static void Dimensions(int m, int n, int k)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "m must be >= 0");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 0");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 0");
    }

    /// <summary>Checks a row-major operand of logical shape rows x cols stored as (trans ? cols x rows : rows x cols) with leading dimension ld.</summary>
    public static void Operand(string name, int length, int rows, int cols, Transpose trans, int ld, string ldName)
    {
        int storedRows = trans == Transpose.None ? rows : cols;
        int storedCols = trans == Transpose.None ? cols : rows;
        if (ld < Math.Max(1, storedCols))
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be >= max(1, {storedCols}) (the stored row length of {name})");
        long need = storedRows == 0 || storedCols == 0 ? 0 : (long)(storedRows - 1) * ld + storedCols;
        if (length < need)
            throw new ArgumentException($"{name} has length {length}; it must be at least {need} for a {storedRows}x{storedCols} matrix with leading dimension {ld}", name);
    }

    public static int Threads(int threads)
    {
        if (threads < 1 || threads > 1024)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be in 1..1024");
        return threads;
    }
}
