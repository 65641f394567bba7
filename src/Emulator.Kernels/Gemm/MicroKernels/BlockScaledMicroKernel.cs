using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The block-scaled micro-kernel over int8-mapped elements (see <see cref="BlockScaledGemm"/> for the packed layout): per
/// block, exact int32 sums S (vpdpbusd starting from the column correction), then t = (float(S) * sa) * sb (exact in float32
/// when the formats allow it and both scales are in [2^-50, 2^50]; otherwise float32((double)S * sa * sb), the same value),
/// acc += t in float32 in block order; finally C = acc * tensorScale.
/// </summary>
internal static unsafe class BlockScaledMicroKernel
{
    public const int MR = 6, NR = 16;

    /// <param name="blocks">Blocks along K.</param>
    /// <param name="groups">Groups of 4 per block.</param>
    /// <param name="a">A strip: blocks x groups x MR x 4 bytes (u = n + 128).</param>
    /// <param name="sa">A scales times 2^Qa: blocks x MR floats.</param>
    /// <param name="safeA">Per block: all MR scales of the strip in [2^-50, 2^50].</param>
    /// <param name="b">B strip: blocks x groups x NR x 4 bytes.</param>
    /// <param name="corr">B corrections -128 * block column sums: blocks x NR ints.</param>
    /// <param name="sb">B scales times 2^Qb: blocks x NR floats.</param>
    /// <param name="safeB">Per block: all NR scales in range.</param>
    /// <param name="floatExact">Whether float(S) * sa * sb is exact for in-range scales (a property of the formats).</param>
    /// <param name="tensorScale">float32(T_A * T_B).</param>
    /// <param name="c">Tile origin in C.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="rows">Valid rows of the tile.</param>
    /// <param name="cols">Valid columns of the tile.</param>
    /// <param name="wide">Groups are pairs of int16 (vpdpwssd; requires AvxVnni and Vector512) instead of quads of u8 x s8.</param>
    public static void Run(int blocks, int groups, byte* a, float* sa, byte* safeA, sbyte* b, int* corr, float* sb, byte* safeB,
        bool floatExact, bool wide, float tensorScale, float* c, int ldc, int rows, int cols)
    {
        if (AvxVnni.IsSupported)
        {
            bool full = rows == MR && cols == NR;
            float* tile = stackalloc float[full ? 0 : MR * NR];
            float* dst = full ? c : tile;
            int ld = full ? ldc : NR;
            if (Vector512.IsHardwareAccelerated) Vnni512(blocks, groups, a, sa, safeA, b, corr, sb, safeB, floatExact, wide, tensorScale, dst, ld);
            else Vnni(blocks, groups, a, sa, safeA, b, corr, sb, safeB, floatExact, tensorScale, dst, ld);
            if (!full)
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < cols; j++) c[(long)r * ldc + j] = tile[r * NR + j];
            return;
        }
        float* acc = stackalloc float[MR * NR];
        for (int r = 0; r < MR * NR; r++) acc[r] = 0f;
        for (int blk = 0; blk < blocks; blk++)
        {
            byte* ab = a + (long)blk * groups * MR * 4;
            sbyte* bb = b + (long)blk * groups * NR * 4;
            bool fast = floatExact && safeA[blk] != 0 && safeB[blk] != 0;
            for (int r = 0; r < MR; r++)
                for (int j = 0; j < NR; j++)
                {
                    int s = corr[blk * NR + j];
                    for (int g = 0; g < groups; g++)
                    {
                        byte* ar = ab + (g * MR + r) * 4;
                        sbyte* bc = bb + (g * NR + j) * 4;
                        s += ar[0] * bc[0] + ar[1] * bc[1] + ar[2] * bc[2] + ar[3] * bc[3];
                    }
                    acc[r * NR + j] += Term(s, sa[blk * MR + r], sb[blk * NR + j], fast);
                }
        }
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) c[(long)r * ldc + j] = acc[r * NR + j] * tensorScale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Term(int s, float sa, float sb, bool fast) => fast ? ((float)s * sa) * sb : (float)((double)s * sa * sb);

    /// <summary>
    /// The Vnni kernel with a 512-bit float32 epilogue: when the terms are exact, acc = fma(float(S), sa * sb, acc) is
    /// acc + t rounded once, as the definition. The accumulators stay in an L1 tile so that the twelve int32 sums, which
    /// vpdpbusd needs among the first sixteen registers, never move.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vnni512(int blocks, int groups, byte* a, float* sa, byte* safeA, sbyte* b, int* corr, float* sb, byte* safeB, bool floatExact, bool wide, float tensorScale, float* c, int ldc)
    {
        int* spill = stackalloc int[MR * NR];
        float* fs = stackalloc float[MR * NR];
        new Span<float>(fs, MR * NR).Clear();
        for (int blk = 0; blk < blocks; blk++)
        {
            int* kb = corr + blk * NR;
            Vector256<int> c00 = Vector256.Load(kb), c01 = Vector256.Load(kb + 8);
            Vector256<int> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00, c51 = c01;
            if (wide)
            {
                for (int g = 0; g < groups; g++, a += MR * 4, b += NR * 4)
                {
                    Vector256<short> b0 = Vector256.Load((short*)b), b1 = Vector256.Load((short*)(b + 32));
                    { var x = Vector256.Create(*(int*)(a + 0)).AsInt16(); c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1); }
                    { var x = Vector256.Create(*(int*)(a + 4)).AsInt16(); c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1); }
                    { var x = Vector256.Create(*(int*)(a + 8)).AsInt16(); c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1); }
                    { var x = Vector256.Create(*(int*)(a + 12)).AsInt16(); c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1); }
                    { var x = Vector256.Create(*(int*)(a + 16)).AsInt16(); c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, b0); c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, b1); }
                    { var x = Vector256.Create(*(int*)(a + 20)).AsInt16(); c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, b0); c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, b1); }
                }
            }
            else
            {
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
            }
            float* sar = sa + blk * MR;
            if (floatExact && safeA[blk] != 0 && safeB[blk] != 0)
            {
                var s = Vector512.Load(sb + blk * NR);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c00.ToVector512Unsafe().WithUpper(c01)), Vector512.Create(sar[0]) * s, Vector512.Load(fs + 0)).Store(fs + 0);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c10.ToVector512Unsafe().WithUpper(c11)), Vector512.Create(sar[1]) * s, Vector512.Load(fs + 16)).Store(fs + 16);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c20.ToVector512Unsafe().WithUpper(c21)), Vector512.Create(sar[2]) * s, Vector512.Load(fs + 32)).Store(fs + 32);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c30.ToVector512Unsafe().WithUpper(c31)), Vector512.Create(sar[3]) * s, Vector512.Load(fs + 48)).Store(fs + 48);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c40.ToVector512Unsafe().WithUpper(c41)), Vector512.Create(sar[4]) * s, Vector512.Load(fs + 64)).Store(fs + 64);
                Vector512.FusedMultiplyAdd(Vector512.ConvertToSingle(c50.ToVector512Unsafe().WithUpper(c51)), Vector512.Create(sar[5]) * s, Vector512.Load(fs + 80)).Store(fs + 80);
            }
            else
            {
                c00.Store(spill + 0); c01.Store(spill + 8);
                c10.Store(spill + 16); c11.Store(spill + 24);
                c20.Store(spill + 32); c21.Store(spill + 40);
                c30.Store(spill + 48); c31.Store(spill + 56);
                c40.Store(spill + 64); c41.Store(spill + 72);
                c50.Store(spill + 80); c51.Store(spill + 88);
                for (int r = 0; r < MR; r++)
                    for (int j = 0; j < NR; j++) fs[r * NR + j] += Term(spill[r * NR + j], sar[r], sb[blk * NR + j], false);
            }
        }
        var ts = Vector512.Create(tensorScale);
        for (int r = 0; r < MR; r++) (Vector512.Load(fs + r * NR) * ts).Store(c + (long)r * ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vnni(int blocks, int groups, byte* a, float* sa, byte* safeA, sbyte* b, int* corr, float* sb, byte* safeB, bool floatExact, float tensorScale, float* c, int ldc)
    {
        // The float accumulators live in an L1-resident tile: vpdpbusd is VEX-encoded (ymm0-15 only), and the twelve int
        // accumulators plus the B vectors and the broadcast already need fifteen of those registers.
        float* f = stackalloc float[MR * NR];
        for (int i = 0; i < MR * NR; i++) f[i] = 0f;
        int* spill = stackalloc int[MR * NR];
        for (int blk = 0; blk < blocks; blk++)
        {
            int* kb = corr + blk * NR;
            Vector256<int> c00 = Vector256.Load(kb), c01 = Vector256.Load(kb + 8);
            Vector256<int> c10 = Vector256.Load(kb), c11 = Vector256.Load(kb + 8);
            Vector256<int> c20 = Vector256.Load(kb), c21 = Vector256.Load(kb + 8);
            Vector256<int> c30 = Vector256.Load(kb), c31 = Vector256.Load(kb + 8);
            Vector256<int> c40 = Vector256.Load(kb), c41 = Vector256.Load(kb + 8);
            Vector256<int> c50 = Vector256.Load(kb), c51 = Vector256.Load(kb + 8);
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
            float* sar = sa + blk * MR;
            if (floatExact && safeA[blk] != 0 && safeB[blk] != 0)
            {
                Vector256<float> s0 = Vector256.Load(sb + blk * NR), s1 = Vector256.Load(sb + blk * NR + 8);
                { var x = Vector256.Create(sar[0]); float* fr = f + 0; (Vector256.Load(fr) + Vector256.ConvertToSingle(c00) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c01) * x * s1).Store(fr + 8); }
                { var x = Vector256.Create(sar[1]); float* fr = f + 16; (Vector256.Load(fr) + Vector256.ConvertToSingle(c10) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c11) * x * s1).Store(fr + 8); }
                { var x = Vector256.Create(sar[2]); float* fr = f + 32; (Vector256.Load(fr) + Vector256.ConvertToSingle(c20) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c21) * x * s1).Store(fr + 8); }
                { var x = Vector256.Create(sar[3]); float* fr = f + 48; (Vector256.Load(fr) + Vector256.ConvertToSingle(c30) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c31) * x * s1).Store(fr + 8); }
                { var x = Vector256.Create(sar[4]); float* fr = f + 64; (Vector256.Load(fr) + Vector256.ConvertToSingle(c40) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c41) * x * s1).Store(fr + 8); }
                { var x = Vector256.Create(sar[5]); float* fr = f + 80; (Vector256.Load(fr) + Vector256.ConvertToSingle(c50) * x * s0).Store(fr); (Vector256.Load(fr + 8) + Vector256.ConvertToSingle(c51) * x * s1).Store(fr + 8); }
            }
            else
            {
                c00.Store(spill + 0); c01.Store(spill + 8);
                c10.Store(spill + 16); c11.Store(spill + 24);
                c20.Store(spill + 32); c21.Store(spill + 40);
                c30.Store(spill + 48); c31.Store(spill + 56);
                c40.Store(spill + 64); c41.Store(spill + 72);
                c50.Store(spill + 80); c51.Store(spill + 88);
                for (int r = 0; r < MR; r++)
                    for (int j = 0; j < NR; j++) f[r * NR + j] += Term(spill[r * NR + j], sar[r], sb[blk * NR + j], false);
            }
        }
        var ts = Vector256.Create(tensorScale);
        for (int r = 0; r < MR; r++)
        {
            (Vector256.Load(f + r * NR) * ts).Store(c + (long)r * ldc);
            (Vector256.Load(f + r * NR + 8) * ts).Store(c + (long)r * ldc + 8);
        }
    }
}
