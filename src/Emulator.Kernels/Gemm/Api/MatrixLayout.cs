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

    /// <summary>Checks a row-major operand of logical shape rows x cols stored as (trans ? cols x rows : rows x cols) with
    /// leading dimension ld (in elements); <paramref name="perItem"/> elements share one item of the span (2: packed int4).</summary>
    public static void Operand(string name, int length, int rows, int cols, Transpose trans, int ld, string ldName, int perItem = 1)
    {
        if (trans is not (Transpose.None or Transpose.Transposed))
            throw new ArgumentOutOfRangeException(name == "a" ? "transA" : name == "b" ? "transB" : "trans", trans, "must be Transpose.None or Transpose.Transposed");
        int storedRows = trans == Transpose.None ? rows : cols;
        int storedCols = trans == Transpose.None ? cols : rows;
        if (ld < Math.Max(1, storedCols))
            throw new ArgumentOutOfRangeException(ldName, ld, $"{ldName} must be >= max(1, {storedCols}) (the stored row length of {name})");
        long need = storedRows == 0 || storedCols == 0 ? 0 : (long)(storedRows - 1) * ld + storedCols;
        need = (need + perItem - 1) / perItem;
        if (length < need)
            throw new ArgumentException($"{name} has length {length}; it must be at least {need} for a {storedRows}x{storedCols} matrix with leading dimension {ld}"
                + (perItem == 2 ? " (two int4 elements per byte)" : ""), name);
    }

    /// <summary>Checks dimensions, the three operands and the options of a (transA, transB, m, n, k) entry; returns the thread count.</summary>
    public static int Entry(string entry, Transpose transA, Transpose transB, int m, int n, int k, int aLength, int lda, int bLength, int ldb,
        int cLength, int ldc, GemmOptions? options, int perItem = 1)
    {
        Dimensions(m, n, k);
        int threads = GemmOptions.ThreadsFor(options, entry);
        Operand("a", aLength, m, k, transA, lda, "lda", perItem);
        Operand("b", bLength, k, n, transB, ldb, "ldb", perItem);
        Operand("c", cLength, m, n, Transpose.None, ldc, "ldc");
        return threads;
    }

    public static int Threads(int threads)
    {
        if (threads < 1 || threads > 1024)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be in 1..1024");
        return threads;
    }
}

/// <summary>Dense row-major copies of strided operands, for the paths that index op(X) directly.</summary>
internal static class DenseMatrix
{
    /// <summary>op(X) (rows x cols) of a row-major X with leading dimension ld, as a new dense array.</summary>
    public static T[] Copy<T>(ReadOnlySpan<T> x, int ld, Transpose trans, int rows, int cols)
    {
        var d = new T[(long)rows * cols];
        if (d.Length == 0) return d;
        if (trans == Transpose.None)
            for (int i = 0; i < rows; i++) x.Slice(i * ld, cols).CopyTo(d.AsSpan(i * cols, cols));
        else
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) d[(long)i * cols + j] = x[j * ld + i];
        return d;
    }

    /// <summary>op(X) as dense rows x cols: the start of <paramref name="x"/> itself when it already is (no copy).</summary>
    public static ReadOnlySpan<T> Of<T>(ReadOnlySpan<T> x, int ld, Transpose trans, int rows, int cols) =>
        trans == Transpose.None && (ld == cols || rows <= 1) ? x[..(rows * cols)] : Copy(x, ld, trans, rows, cols);

    /// <summary>Dense rows x cols into rows of stride ldc.</summary>
    public static void Store<T>(ReadOnlySpan<T> dense, Span<T> c, int ldc, int rows, int cols)
    {
        for (int i = 0; i < rows; i++) dense.Slice(i * cols, cols).CopyTo(c.Slice(i * ldc, cols));
    }
}
