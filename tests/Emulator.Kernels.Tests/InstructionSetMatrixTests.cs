using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Emulator.Kernels.Tests;

/// <summary>
/// The CI matrix runs the suite with instruction sets switched off by environment variables. These tests fail when a
/// variable that names a switch did not take effect, so a run labelled "no AVX-512" cannot silently test the AVX-512 path.
/// </summary>
public class InstructionSetMatrixTests
{
    private static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";

    [Fact]
    public void AvxSwitchesTakeEffect()
    {
        if (Off("DOTNET_EnableAVX512F") || Off("DOTNET_EnableAVX512"))
        {
            Assert.False(Avx512F.IsSupported, "AVX-512 was asked off but Avx512F.IsSupported is true (on .NET 10 set DOTNET_EnableAVX512=0 too)");
            Assert.False(Vector512.IsHardwareAccelerated, "AVX-512 was asked off but Vector512 is hardware accelerated");
        }
        if (Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector128.IsHardwareAccelerated, "hardware intrinsics were asked off but Vector128 is accelerated");
            Assert.False(Sse2.IsSupported, "hardware intrinsics were asked off but Sse2.IsSupported is true");
        }
    }
}
