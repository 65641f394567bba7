using System.Runtime.CompilerServices;
using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>A row-major matrix of format codes (one per byte or per ushort) with a leading dimension, used as stored or
/// transposed, read through a code-to-float32 table while its panels are packed.</summary>
internal readonly unsafe struct CodeOperand<TCode>(TCode* codes, int ld, float* table, bool trans = false) : IFloatOperand where TCode : unmanaged
{
    private const int MR = SgemmMicroKernel.MR, NR = SgemmMicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Value(long e)
    {
        TCode code = codes[e];
        return typeof(TCode) == typeof(byte) ? table[Unsafe.As<TCode, byte>(ref code)] : table[Unsafe.As<TCode, ushort>(ref code)];
    }

    public float At(int row, int col) => Value(trans ? (long)col * ld + row : (long)row * ld + col);

    /// <summary>dst[p * width + r] = op(X)[r0 + r, p0 + p] (or its transpose's, for B panels) for r &lt; count, zero padded to
    /// width; alongRows: the panel's rows are rows of the stored matrix (contiguous in p), otherwise its steps are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Panel(float* dst, int width, int r0, int count, int p0, int kc, bool alongRows)
    {
        if (alongRows)
            for (int r = 0; r < width; r++)
            {
                long e0 = (long)(r0 + r) * ld + p0;
                if (r < count) for (int p = 0; p < kc; p++) dst[p * width + r] = Value(e0 + p);
                else for (int p = 0; p < kc; p++) dst[p * width + r] = 0f;
            }
        else
            for (int p = 0; p < kc; p++)
            {
                long e0 = (long)(p0 + p) * ld + r0;
                float* d = dst + p * width;
                for (int r = 0; r < count; r++) d[r] = Value(e0 + r);
                for (int r = count; r < width; r++) d[r] = 0f;
            }
    }

    public void PackA(float* dst, int i0, int rows, int p0, int kc) => Panel(dst, MR, i0, rows, p0, kc, !trans);

    public void PackB(float* dst, int p0, int kc, int j0, int cols) => Panel(dst, NR, j0, cols, p0, kc, trans);
}

/// <summary>
/// GEMM on operands given as codes of scalar formats of the library (8-bit codes as bytes, up to 16-bit codes as ushorts):
/// codes are decoded through a table while the panels are packed, and the float32 engine of <see cref="Sgemm"/> does the
/// rest. Products are exact (fma computes a * b exactly before its one rounding), accumulation is float32 in SGEMM's
/// documented order, so C is bit-identical to <see cref="Sgemm"/> on the decoded matrices.
/// </summary>
public static class LowPrecisionGemm
{
    /// <summary>The decode table of a format of at most 16 bits; every finite value must be a float32 value.</summary>
    public static float[] DecodeTable(ScalarFormat format, string parameterName = "format")
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Bits > 16)
            throw new ArgumentOutOfRangeException(parameterName, format.Name, $"format '{format.Name}' has {format.Bits} bits; code inputs must have at most 16");
        var table = new float[format.CodeCount];
        for (uint code = 0; code < table.Length; code++)
        {
            double v = format.Decode(code);
            if (double.IsFinite(v) && (double)(float)v != v)
                throw new ArgumentException($"format '{format.Name}' has value {v:R} (code {code}) that is not a float32 value; products would not be exact", parameterName);
            table[code] = (float)v;
        }
        return table;
    }

    /// <summary>C (m x n, ldc) = decode(op(A)) (m x k) * decode(op(B)) (k x n), row-major, for formats of at most 8 bits.</summary>
    public static unsafe void Multiply(Transpose transA, Transpose transB, int m, int n, int k, ScalarFormat aFormat, ReadOnlySpan<byte> a, int lda,
        ScalarFormat bFormat, ReadOnlySpan<byte> b, int ldb, Span<float> c, int ldc, GemmOptions? options = null)
    {
        CheckBits(aFormat, nameof(aFormat), 8);
        CheckBits(bFormat, nameof(bFormat), 8);
        int threads = GemmChecks.Entry("LowPrecisionGemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options);
        float[] ta = DecodeTable(aFormat, nameof(aFormat)), tb = DecodeTable(bFormat, nameof(bFormat));
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (float* pc = c) fixed (float* pta = ta) fixed (float* ptb = tb)
            Run(new CodeOperand<byte>(pa, lda, pta, transA == Transpose.Transposed), new CodeOperand<byte>(pb, ldb, ptb, transB == Transpose.Transposed),
                pc, ldc, m, n, k, threads);
    }

    /// <summary>C (m x n, ldc) = decode(op(A)) * decode(op(B)) for formats of at most 16 bits (codes as ushorts).</summary>
    public static unsafe void Multiply(Transpose transA, Transpose transB, int m, int n, int k, ScalarFormat aFormat, ReadOnlySpan<ushort> a, int lda,
        ScalarFormat bFormat, ReadOnlySpan<ushort> b, int ldb, Span<float> c, int ldc, GemmOptions? options = null)
    {
        CheckBits(aFormat, nameof(aFormat), 16);
        CheckBits(bFormat, nameof(bFormat), 16);
        int threads = GemmChecks.Entry("LowPrecisionGemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, options);
        float[] ta = DecodeTable(aFormat, nameof(aFormat)), tb = DecodeTable(bFormat, nameof(bFormat));
        fixed (ushort* pa = a) fixed (ushort* pb = b) fixed (float* pc = c) fixed (float* pta = ta) fixed (float* ptb = tb)
            Run(new CodeOperand<ushort>(pa, lda, pta, transA == Transpose.Transposed), new CodeOperand<ushort>(pb, ldb, ptb, transB == Transpose.Transposed),
                pc, ldc, m, n, k, threads);
    }

    /// <summary>C (m x n) = decode(A) (m x k) * decode(B) (k x n) for dense row-major codes of formats of at most 8 bits.</summary>
    public static void Multiply(ScalarFormat aFormat, ReadOnlySpan<byte> a, ScalarFormat bFormat, ReadOnlySpan<byte> b, Span<float> c,
        int m, int n, int k, GemmOptions? options = null) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, aFormat, a, Math.Max(1, k), bFormat, b, Math.Max(1, n), c, Math.Max(1, n), options);

    /// <summary>C (m x n) = decode(A) * decode(B) for dense row-major ushort codes of formats of at most 16 bits.</summary>
    public static void Multiply(ScalarFormat aFormat, ReadOnlySpan<ushort> a, ScalarFormat bFormat, ReadOnlySpan<ushort> b, Span<float> c,
        int m, int n, int k, GemmOptions? options = null) =>
        Multiply(Transpose.None, Transpose.None, m, n, k, aFormat, a, Math.Max(1, k), bFormat, b, Math.Max(1, n), c, Math.Max(1, n), options);

    /// <summary>C = op(A) op(B) in SGEMM's order for any two float operands (codes or float32), C rows of stride ldc.</summary>
    internal static unsafe void Run<TA, TB>(TA a, TB b, float* c, int ldc, int m, int n, int k, int threads)
        where TA : struct, IFloatOperand where TB : struct, IFloatOperand
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }
        GemmFrame.Run(new FloatGemmKernel<TA, TB>(a, b, c, ldc, 1f, 0f), m, n, k, threads);
    }

    private static void CheckBits(ScalarFormat format, string name, int maxBits)
    {
        ArgumentNullException.ThrowIfNull(format, name);
        if (format.Bits > maxBits)
            throw new ArgumentOutOfRangeException(name, format.Name, $"format '{format.Name}' has {format.Bits} bits; this overload takes formats of 1..{maxBits} bits");
    }
}
