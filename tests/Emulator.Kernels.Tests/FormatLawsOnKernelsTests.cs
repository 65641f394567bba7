using Emulator.Formats;
using Emulator.Testing;

namespace Emulator.Kernels.Tests;

/// <summary>The format laws of Emulator.Testing, run with the vectorized kernels as the implementation under test.</summary>
public class FormatLawsOnKernelsTests
{
    public static TheoryData<string, RoundingMode, OverflowPolicy> Cases()
    {
        var data = new TheoryData<string, RoundingMode, OverflowPolicy>();
        foreach (string f in new[] { "e4m3", "e5m2", "bfloat16", "binary16", "e2m1", "e3m2", "e8m0", "binary8p3se", "int8" })
            foreach (RoundingMode m in Enum.GetValues<RoundingMode>())
                data.Add(f, m, m == RoundingMode.NearestEven ? OverflowPolicy.Infinity : OverflowPolicy.Saturate);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsObeyTheLaws(string name, RoundingMode mode, OverflowPolicy policy)
    {
        ScalarFormat format = FormatRegistry.Default.GetScalar(name);
        var options = new RoundingOptions(mode, policy) { Seed = 3, StochasticBits = mode == RoundingMode.Stochastic ? 12 : 32 };
        var one = new float[1];
        var code = new uint[1];
        var impl = new FormatImplementation
        {
            Encode = (x, i) =>
            {
                one[0] = x;
                QuantizeKernels.Encode(one, code, format, options, new KernelOptions { IndexOffset = i });
                return code[0];
            },
            Decode = c =>
            {
                var y = new float[1];
                QuantizeKernels.Decode(new[] { c }, y, format);
                return y[0];
            },
        };
        FormatLaws.Assert(format, impl, options, new FormatLawSettings { MaxTest = 150, MaxCodes = 4096, StochasticSamples = 1000, StochasticInputs = 10 });
    }
}
