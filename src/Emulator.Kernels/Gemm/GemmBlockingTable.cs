namespace Emulator.Kernels.Gemm;

/// <summary>
/// The blocking parameters of every GEMM kernel, in one table (see <see cref="GemmFrame"/>). Only the K block of SGEMM is
/// part of a documented result (<see cref="Sgemm.BlockDepth"/>); the other kernels' results never depend on blocking.
/// </summary>
internal static class GemmBlockingTable
{
    /// <summary>float32 (<see cref="Sgemm"/>, code operands): 8 x 32 tiles; KC is the documented reduction block.</summary>
    public static readonly GemmBlocking Sgemm = new(MR: SgemmMicroKernel.MR, NR: SgemmMicroKernel.NR, KC: Gemm.Sgemm.BlockDepth, MC: Env("EMU_MC", 192), NC: Env("EMU_NC", 512));
    private static int Env(string n, int d) => int.TryParse(Environment.GetEnvironmentVariable(n), out int v) ? v : d;
}
