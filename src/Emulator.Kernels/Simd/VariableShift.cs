using System.Runtime.Intrinsics;

namespace Emulator.Kernels.Simd;

/// <summary>Per-lane shifts for hardware without a variable-shift instruction (counts of 32 or more give 0, as on x86).</summary>
internal static class VariableShift
{
    public static uint Left(uint a, uint count) => count < 32 ? a << (int)count : 0u;
    public static uint Right(uint a, uint count) => count < 32 ? a >> (int)count : 0u;

    public static Vector128<uint> Left(Vector128<uint> a, Vector128<uint> c) =>
        Vector128.Create(Left(a[0], c[0]), Left(a[1], c[1]), Left(a[2], c[2]), Left(a[3], c[3]));
    public static Vector128<uint> Right(Vector128<uint> a, Vector128<uint> c) =>
        Vector128.Create(Right(a[0], c[0]), Right(a[1], c[1]), Right(a[2], c[2]), Right(a[3], c[3]));
    public static Vector256<uint> Left(Vector256<uint> a, Vector256<uint> c) => Vector256.Create(Left(a.GetLower(), c.GetLower()), Left(a.GetUpper(), c.GetUpper()));
    public static Vector256<uint> Right(Vector256<uint> a, Vector256<uint> c) => Vector256.Create(Right(a.GetLower(), c.GetLower()), Right(a.GetUpper(), c.GetUpper()));
    public static Vector512<uint> Left(Vector512<uint> a, Vector512<uint> c) => Vector512.Create(Left(a.GetLower(), c.GetLower()), Left(a.GetUpper(), c.GetUpper()));
    public static Vector512<uint> Right(Vector512<uint> a, Vector512<uint> c) => Vector512.Create(Right(a.GetLower(), c.GetLower()), Right(a.GetUpper(), c.GetUpper()));
}
