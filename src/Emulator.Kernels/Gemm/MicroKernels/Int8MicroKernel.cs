using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The int8 register-tiled micro-kernel over packed panels (see <see cref="Int8Packing"/>): t[r, c] = sum over k of
/// u[r, k] * b[k, c] with u = a + 128 unsigned, in wrapping int32 (vpdpbusd when AvxVnni is there, a scalar loop otherwise;
/// integer sums are exact, so both give the same bits). The sums start from the panel's column correction <c>corr</c>
/// (-128 * its column sums of B); the first K block stores the tile, later blocks add to C.
/// </summary>
internal static unsafe class Int8MicroKernel
{
    public const int MR = 6, NR = 16;

    public static void Run(int groups, byte* a, sbyte* b, int* corr, int* c, int ldc, bool first, int rows, int cols)
    {
        if (AvxVnni.IsSupported && rows == MR && cols == NR) { Vnni(groups, a, b, corr, c, ldc, first); return; }
        int* t = stackalloc int[MR * NR];
        if (AvxVnni.IsSupported)
        {
            // An edge tile: the full tile into a local buffer (the packed padding adds nothing), then its valid part.
            new Span<int>(t, MR * NR).Clear();
            Vnni(groups, a, b, corr, t, NR, first);
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++)
                    c[(long)r * ldc + j] = first ? t[r * NR + j] : c[(long)r * ldc + j] + t[r * NR + j];
            return;
        }
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
            {
                int s = corr[j];
                for (int g = 0; g < groups; g++)
                {
                    byte* ar = a + (g * MR + r) * 4;
                    sbyte* bc = b + (g * NR + j) * 4;
                    s += ar[0] * bc[0] + ar[1] * bc[1] + ar[2] * bc[2] + ar[3] * bc[3];
                }
                t[r * NR + j] = s;
            }
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                c[(long)r * ldc + j] = first ? t[r * NR + j] : c[(long)r * ldc + j] + t[r * NR + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* c, Vector256<int> t, bool first) => (first ? t : t + Vector256.Load(c)).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vnni(int groups, byte* a, sbyte* b, int* corr, int* c, int ldc, bool first)
    {
        Vector256<int> k0 = Vector256.Load(corr), k1 = Vector256.Load(corr + 8);
        Vector256<int> c00 = k0, c01 = k1;
        Vector256<int> c10 = k0, c11 = k1;
        Vector256<int> c20 = k0, c21 = k1;
        Vector256<int> c30 = k0, c31 = k1;
        Vector256<int> c40 = k0, c41 = k1;
        Vector256<int> c50 = k0, c51 = k1;
        for (int g = 0; g < groups; g++, a += MR * 4, b += NR * 4)
        {
            Vector256<sbyte> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 32);
            { var x = Vector256.Create(*(int*)(a + 0)).AsByte(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1); }
            { var x = Vector256.Create(*(int*)(a + 4)).AsByte(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1); }
            { var x = Vector256.Create(*(int*)(a + 8)).AsByte(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1); }
            { var x = Vector256.Create(*(int*)(a + 12)).AsByte(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1); }
            { var x = Vector256.Create(*(int*)(a + 16)).AsByte(); c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, b0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, b1); }
            { var x = Vector256.Create(*(int*)(a + 20)).AsByte(); c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, b0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, b1); }
        }
        Store(c + 0L * ldc, c00, first); Store(c + 0L * ldc + 8, c01, first);
        Store(c + 1L * ldc, c10, first); Store(c + 1L * ldc + 8, c11, first);
        Store(c + 2L * ldc, c20, first); Store(c + 2L * ldc + 8, c21, first);
        Store(c + 3L * ldc, c30, first); Store(c + 3L * ldc + 8, c31, first);
        Store(c + 4L * ldc, c40, first); Store(c + 4L * ldc + 8, c41, first);
        Store(c + 5L * ldc, c50, first); Store(c + 5L * ldc + 8, c51, first);
    }
}
