using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class AllocationTests
{
    [Theory]
    [InlineData("e4m3", RoundingMode.NearestEven)]
    [InlineData("bfloat16", RoundingMode.Stochastic)]
    [InlineData("e2m1", RoundingMode.TowardNegative)]
    [InlineData("int8", RoundingMode.StochasticEqual)]
    [InlineData("nf4", RoundingMode.NearestEven)]
    [InlineData("af4", RoundingMode.Stochastic)]
    [InlineData("nf4", RoundingMode.StochasticEqual)]
    [InlineData("hifloat8", RoundingMode.TowardZero)]
    [InlineData("posit16", RoundingMode.Stochastic)]
    public void One_threaded_calls_allocate_nothing(string name, RoundingMode mode)
    {
        var format = FormatRegistry.Default.GetScalar(name);
        var x = new float[10_000];
        for (int i = 0; i < x.Length; i++) x[i] = (i - 5000) * 0.37f;
        var y = new float[x.Length];
        var codes = new ushort[x.Length];
        var ro = new RoundingOptions(mode) { Seed = 3 };
        var q = ScaleCalibration.PerChannel((IntegerFormat)FormatRegistry.Default.GetScalar("int8"), x, [100, 100], 0);
        int[] shape = [100, 100];
        Action[] calls =
        [
            () => QuantizeKernels.Quantize(x, y, format, ro),
            () => QuantizeKernels.Encode(x, codes, format, ro),
            () => QuantizeKernels.Decode(codes, y, format),
            () => AffineKernels.Quantize(x, shape, y, q, ro),
        ];
        for (int c = 0; c < calls.Length; c++)
        {
            for (int w = 0; w < 60; w++) calls[c](); // past tiered compilation's call counting
            Thread.Sleep(200);
            calls[c]();
            long before = GC.GetAllocatedBytesForCurrentThread();
            calls[c]();
            Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"call {c} allocated {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
        }
    }
}
