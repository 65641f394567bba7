using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// A row-major integer GEMM operand op(X), X stored with leading dimension ld (in elements) and used as stored or
/// transposed: int8 values, or signed int4 packed two per byte in row-major element order (element e in byte e / 2, the
/// low nibble first). Nibbles are widened while packing, so no int8 copy of the matrix is ever made.
/// </summary>
internal readonly unsafe struct Int8Source(void* data, int ld, bool int4, bool trans = false)
{
    public readonly void* Data = data;
    public readonly int Ld = ld;
    public readonly bool Int4 = int4;
    public readonly bool Trans = trans;

    /// <summary>Element (row, col) of op(X).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int At(int row, int col) => Stored(Trans ? (long)col * Ld + row : (long)row * Ld + col);

    /// <summary>Element e of X in storage order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Stored(long e) => Int4 ? Nibble(((byte*)Data)[e >> 1], e) : ((sbyte*)Data)[e];

    /// <summary>Signed int4 element <paramref name="e"/> of a packed sequence whose byte e / 2 is <paramref name="pair"/>
    /// (the low nibble first), sign-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Nibble(byte pair, long e) => (((pair >> (int)((e & 1) * 4)) & 0xF) ^ 8) - 8;
}

/// <summary>
/// Int8 panels in groups of 4 along K (the vpdpbusd layout): A as unsigned u = a + 128, dst[(g * MR + r) * 4 + t];
/// B as signed, dst[(g * NR + c) * 4 + t]. Padding is value 0 (u = 128 in A, 0 in B), so it adds nothing.
/// </summary>
internal static unsafe class Int8Packing
{
    private const int MR = Int8MicroKernel.MR, NR = Int8MicroKernel.NR;

    /// <summary>A packed int4 byte (two nibbles) as two bytes u = nibble + 128, low nibble in the low byte.</summary>
    private static readonly ushort[] NibblePairsPlus128 = BuildNibblePairs();

    private static ushort[] BuildNibblePairs()
    {
        var t = new ushort[256];
        for (int v = 0; v < 256; v++)
        {
            int lo = Int8Source.Nibble((byte)v, 0), hi = Int8Source.Nibble((byte)v, 1);
            t[v] = (ushort)((byte)(lo + 128) | ((byte)(hi + 128) << 8));
        }
        return t;
    }

    /// <summary>16 nibbles (8 bytes at p) as 16 sign-extended bytes in element order.</summary>
    public static Vector128<sbyte> Nibbles16(byte* p)
    {
        var v = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(p)).AsByte();
        var lo = v & Vector128.Create((byte)0x0F);
        var hi = Vector128.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);
        var x = Sse2.UnpackLow(lo, hi);
        return ((x ^ Vector128.Create((byte)8)) - Vector128.Create((byte)8)).AsSByte();
    }

    /// <summary>Packs rows [i0, i0 + rows) x columns [p0, p0 + kc) of A as one MR strip.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in Int8Source a, byte* dst, int i0, int rows, int p0, int kc)
    {
        int groups = (kc + 3) / 4, full = kc / 4;
        // Int4 rows go two bytes (four nibbles) at a time when every row starts on a byte.
        bool int4Pairs = a.Int4 && a.Ld % 2 == 0 && p0 % 2 == 0;
        if (a.Trans || (a.Int4 && !int4Pairs)) full = 0;
        for (int r = 0; r < MR; r++)
        {
            if (r >= rows)
            {
                for (int g = 0; g < groups; g++) *(uint*)(dst + (g * MR + r) * 4) = 0x80808080u;
                continue;
            }
            if (full > 0 && a.Int4)
            {
                byte* src = (byte*)a.Data + ((long)(i0 + r) * a.Ld + p0) / 2;
                fixed (ushort* pairs = NibblePairsPlus128)
                    for (int g = 0; g < full; g++)
                        *(uint*)(dst + (g * MR + r) * 4) = pairs[src[2 * g]] | ((uint)pairs[src[2 * g + 1]] << 16);
            }
            else if (full > 0)
            {
                // u = a + 128 is a flip of each byte's top bit.
                uint* src = (uint*)((sbyte*)a.Data + (long)(i0 + r) * a.Ld + p0);
                for (int g = 0; g < full; g++) *(uint*)(dst + (g * MR + r) * 4) = Unsafe.ReadUnaligned<uint>(src + g) ^ 0x80808080u;
            }
            for (int p = full * 4; p < groups * 4; p++)
                dst[((p >> 2) * MR + r) * 4 + (p & 3)] = p < kc ? (byte)(a.At(i0 + r, p0 + p) + 128) : (byte)128;
        }
    }

    /// <summary>
    /// Packs B rows [p0, p0 + kc) x columns [j0, j0 + cols) as one NR panel and writes corr[c] = -128 * (the panel's column
    /// sum) (exact in int32 for kc &lt;= <see cref="Int8GemmKernel.MaxK"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in Int8Source b, sbyte* dst, int p0, int kc, int j0, int cols, int* corr)
    {
        int groups = (kc + 3) / 4;
        int g = 0;
        bool int4Rows = b.Int4 && b.Ld % 2 == 0 && j0 % 2 == 0;
        if (b.Trans && !b.Int4)
        {
            // B stored n x k: the 4 values of a group are contiguous in a row of the stored matrix.
            for (; g < kc / 4; g++)
                for (int c = 0; c < NR; c++)
                    *(uint*)(dst + (g * NR + c) * 4) = c < cols ? Unsafe.ReadUnaligned<uint>((sbyte*)b.Data + (long)(j0 + c) * b.Ld + p0 + g * 4) : 0u;
        }
        else if (Sse2.IsSupported && !b.Trans && (!b.Int4 || int4Rows) && cols == NR)
        {
            for (; g < kc / 4; g++)
            {
                Vector128<sbyte> r0, r1, r2, r3;
                long row = p0 + (long)g * 4;
                if (b.Int4)
                {
                    byte* src = (byte*)b.Data + (row * b.Ld + j0) / 2;
                    long ld = b.Ld / 2;
                    r0 = Nibbles16(src); r1 = Nibbles16(src + ld); r2 = Nibbles16(src + 2 * ld); r3 = Nibbles16(src + 3 * ld);
                }
                else
                {
                    sbyte* src = (sbyte*)b.Data + row * b.Ld + j0;
                    r0 = Vector128.Load(src); r1 = Vector128.Load(src + b.Ld);
                    r2 = Vector128.Load(src + 2L * b.Ld); r3 = Vector128.Load(src + 3L * b.Ld);
                }
                var t0 = Sse2.UnpackLow(r0, r1).AsInt16(); var t1 = Sse2.UnpackHigh(r0, r1).AsInt16();
                var t2 = Sse2.UnpackLow(r2, r3).AsInt16(); var t3 = Sse2.UnpackHigh(r2, r3).AsInt16();
                sbyte* d = dst + g * NR * 4;
                Sse2.UnpackLow(t0, t2).AsSByte().Store(d);
                Sse2.UnpackHigh(t0, t2).AsSByte().Store(d + 16);
                Sse2.UnpackLow(t1, t3).AsSByte().Store(d + 32);
                Sse2.UnpackHigh(t1, t3).AsSByte().Store(d + 48);
            }
        }
        for (; g < groups; g++)
        {
            sbyte* d = dst + g * NR * 4;
            for (int t = 0; t < 4; t++)
            {
                int p = g * 4 + t;
                for (int c = 0; c < NR; c++) d[c * 4 + t] = p < kc && c < cols ? (sbyte)b.At(p0 + p, j0 + c) : (sbyte)0;
            }
        }
        int* colSum = stackalloc int[NR];
        ColumnSums(dst, groups, colSum);
        for (int c = 0; c < NR; c++) corr[c] = -128 * colSum[c];
    }

    /// <summary>The NR column sums of a packed panel (exact in int32).</summary>
    public static void ColumnSums(sbyte* strip, int groups, int* colSum)
    {
        if (AvxVnni.IsSupported)
        {
            Vector256<int> s0 = default, s1 = default;
            var ones = Vector256.Create((byte)1);
            for (int g = 0; g < groups; g++)
            {
                s0 = AvxVnni.MultiplyWideningAndAdd(s0, ones, Vector256.Load(strip + g * NR * 4));
                s1 = AvxVnni.MultiplyWideningAndAdd(s1, ones, Vector256.Load(strip + g * NR * 4 + 32));
            }
            s0.Store(colSum); s1.Store(colSum + 8);
        }
        else
        {
            for (int c = 0; c < NR; c++)
            {
                int s = 0;
                for (int g = 0; g < groups; g++)
                {
                    sbyte* q = strip + (g * NR + c) * 4;
                    s += q[0] + q[1] + q[2] + q[3];
                }
                colSum[c] = s;
            }
        }
    }
}
