using Emulator.Cli.Bench;

namespace Emulator.Cli.Tests.Bench;

public class GemmBenchTests
{
    [Fact]
    public void KernelFilterRunsTheNamedKernelsBesideSgemm()
    {
        var records = GemmBench.Run(1, [8], kernels: ["binary16-accumulator", "BINARY16-CHUNKED32"]);
        Assert.Equal(["sgemm", "binary16-accumulator", "binary16-chunked32"], records.Select(r => r.Kernel));
        Assert.All(records, r => Assert.True(r.Gflops > 0));
    }

    [Fact]
    public void UnknownKernelNamesAreRejectedWithTheValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => GemmBench.Run(1, [8], kernels: ["fp64"]));
        Assert.Equal("kernels", e.ParamName);
        Assert.Contains("binary16-accumulator", e.Message);
    }
}
