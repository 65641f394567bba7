namespace Emulator.Kernels.Gemm;

/// <summary>
/// The blocking parameters of every GEMM kernel, in one table (see <see cref="GemmFrame"/>). Only the K block of SGEMM is
/// part of a documented result (<see cref="Sgemm.BlockDepth"/>); the other kernels' results never depend on blocking.
/// </summary>
internal static class GemmBlockingTable
{
    /// <summary>float32 (<see cref="Sgemm"/>, code operands): 8 x 32 tiles; KC is the documented reduction block; a 192 x 256
    /// block of A (192 KB) and a 256 x 512 panel of B (512 KB) share the 1 MB L2 (NC = 2048, a 2 MB panel in L3, measured
    /// about 10% slower at n = 2048).</summary>
    public static readonly GemmBlocking Sgemm = new(MR: SgemmMicroKernel.MR, NR: SgemmMicroKernel.NR, KC: Gemm.Sgemm.BlockDepth, MC: 192, NC: 512);
    /// <summary>Exact int8 / int4 (<see cref="IntegerGemm"/>): 6 x 16 vpdpbusd tiles (AVX-VNNI's 16 registers).</summary>
    public static readonly GemmBlocking Int8 = new(MR: Int8MicroKernel.MR, NR: Int8MicroKernel.NR, KC: 1024, MC: 96, NC: 2048);

    /// <summary>Block-scaled elements that fit int8 (<see cref="BlockScaledIntegerDriver"/>): 6 x 16 VNNI tiles, all of K per call.</summary>
    public static readonly GemmBlocking BlockScaledInteger = new(MR: BlockScaledMicroKernel.MR, NR: BlockScaledMicroKernel.NR,
        KC: int.MaxValue, MC: 96, NC: int.MaxValue);

    /// <summary>Block-scaled FP8 / E3M2 elements (<see cref="BlockScaledDoubleDriver"/>): 6 x 16 float64 tiles; KC is about 256
    /// elements rounded to whole blocks, set per call.</summary>
    public static readonly GemmBlocking BlockScaledDouble = new(MR: BlockScaledDoubleKernel.MR, NR: BlockScaledDoubleKernel.NR,
        KC: 256, MC: 96, NC: int.MaxValue);

    /// <summary>The float32-lane emulated accumulator (<see cref="NarrowAccumulatorDriver"/>): 8 x 16 tiles (one Vector512 row).</summary>
    public static readonly GemmBlocking NarrowAccumulator = new(MR: NarrowAccumulatorKernel.MR, NR: NarrowAccumulatorKernel.NR,
        KC: 256, MC: 128, NC: int.MaxValue);

}
