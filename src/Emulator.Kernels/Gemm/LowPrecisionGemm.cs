using System.Runtime.CompilerServices;
using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>A row-major matrix of format codes (one per byte or per ushort) read through a code-to-float32 table.</summary>
internal readonly unsafe struct CodeOperand<TCode>(TCode* codes, int ld, float* table) : IFloatOperand where TCode : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(int row, int col)
    {
        TCode code = codes[(long)row * ld + col];
        return typeof(TCode) == typeof(byte) ? table[Unsafe.As<TCode, byte>(ref code)] : table[Unsafe.As<TCode, ushort>(ref code)];
    }

    public float* PanelA(float* dst, int i0, int rows, int p0, int kc) { FloatPacking.PackA(this, dst, i0, rows, p0, kc); return dst; }

    public float* PanelB(float* dst, int p0, int kc, int j0, int cols) { FloatPacking.PackB(this, dst, p0, kc, j0, cols); return dst; }

    public int StrideA(int rows) => SgemmMicroKernel.MR;

    public int StrideB(int cols) => SgemmMicroKernel.NR;
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

    /// <summary>C (m x n) = decode(A) (m x k) * decode(B) (k x n), row-major, for formats of at most 8 bits.</summary>
    public static unsafe void Multiply(ScalarFormat aFormat, ReadOnlySpan<byte> a, ScalarFormat bFormat, ReadOnlySpan<byte> b,
        Span<float> c, int m, int n, int k, int threads = 1)
    {
        CheckBits(aFormat, nameof(aFormat), 8);
        CheckBits(bFormat, nameof(bFormat), 8);
        Check(a.Length, b.Length, c.Length, m, n, k, threads);
        float[] ta = DecodeTable(aFormat, nameof(aFormat)), tb = DecodeTable(bFormat, nameof(bFormat));
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (float* pc = c) fixed (float* pta = ta) fixed (float* ptb = tb)
            Run(new CodeOperand<byte>(pa, Math.Max(1, k), pta), new CodeOperand<byte>(pb, Math.Max(1, n), ptb), pc, m, n, k, threads);
    }

    /// <summary>C (m x n) = decode(A) * decode(B) for formats of at most 16 bits (codes as ushorts).</summary>
    public static unsafe void Multiply(ScalarFormat aFormat, ReadOnlySpan<ushort> a, ScalarFormat bFormat, ReadOnlySpan<ushort> b,
        Span<float> c, int m, int n, int k, int threads = 1)
    {
        CheckBits(aFormat, nameof(aFormat), 16);
        CheckBits(bFormat, nameof(bFormat), 16);
        Check(a.Length, b.Length, c.Length, m, n, k, threads);
        float[] ta = DecodeTable(aFormat, nameof(aFormat)), tb = DecodeTable(bFormat, nameof(bFormat));
        fixed (ushort* pa = a) fixed (ushort* pb = b) fixed (float* pc = c) fixed (float* pta = ta) fixed (float* ptb = tb)
            Run(new CodeOperand<ushort>(pa, Math.Max(1, k), pta), new CodeOperand<ushort>(pb, Math.Max(1, n), ptb), pc, m, n, k, threads);
    }

    private static unsafe void Run<TA, TB>(TA a, TB b, float* c, int m, int n, int k, int threads)
        where TA : struct, IFloatOperand where TB : struct, IFloatOperand
    {
        if (m == 0 || n == 0) return;
        if (k == 0) { new Span<float>(c, m * n).Clear(); return; }
        GemmFrame.Run(new FloatGemmKernel<TA, TB>(a, b, c, Math.Max(1, n), 1f, 0f), m, n, k, threads);
    }

    private static void CheckBits(ScalarFormat format, string name, int maxBits)
    {
        ArgumentNullException.ThrowIfNull(format, name);
        if (format.Bits > maxBits)
            throw new ArgumentOutOfRangeException(name, format.Name, $"format '{format.Name}' has {format.Bits} bits; this overload takes formats of 1..{maxBits} bits");
    }

    private static void Check(int aLength, int bLength, int cLength, int m, int n, int k, int threads)
    {
        GemmChecks.Dimensions(m, n, k);
        GemmChecks.Threads(threads);
        if (aLength < (long)m * k) throw new ArgumentException($"a has length {aLength}; it must be at least m*k = {(long)m * k}", "a");
        if (bLength < (long)k * n) throw new ArgumentException($"b has length {bLength}; it must be at least k*n = {(long)k * n}", "b");
        if (cLength < (long)m * n) throw new ArgumentException($"c has length {cLength}; it must be at least m*n = {(long)m * n}", "c");
    }
}
