using Emulator.Formats;

namespace Emulator.Kernels.Tests;

/// <summary>Compares every kernel path (each register width, codes of every storage size) with the scalar reference.</summary>
public static class Differential
{
    public static void Check(ScalarFormat format, float[] x, long indexOffset = 12345)
    {
        var expectedValues = new float[x.Length];
        var expectedCodes = new uint[x.Length];
        var values = new float[x.Length];
        var codes = new uint[x.Length];
        var codes16 = new ushort[x.Length];
        var codes8 = new byte[x.Length];
        foreach (OverflowPolicy policy in new[] { OverflowPolicy.Saturate, OverflowPolicy.Infinity })
        foreach (RoundingMode mode in Inputs.Modes)
        {
            int variants = mode == RoundingMode.Stochastic ? 2 : 1;
            for (int variant = 0; variant < variants; variant++)
            {
                RoundingOptions ro = Inputs.Options(mode, policy, variant);
                format.Quantize(x, expectedValues, ro, indexOffset);
                format.Encode(x, expectedCodes, ro, indexOffset);
                int expectedNaNs = format.HasNaN ? 0 : x.Count(float.IsNaN);
                foreach (int lanes in Inputs.Widths)
                {
                    var ko = new KernelOptions { IndexOffset = indexOffset, MaxLanes = lanes };
                    QuantizeKernels.Quantize(x, values, format, ro, ko);
                    Compare(format, ro, lanes, "quantize", x, expectedValues.Select(Inputs.B).ToArray(), values.Select(Inputs.B).ToArray());
                    Assert.Equal(expectedNaNs, QuantizeKernels.Encode(x, codes, format, ro, ko));
                    Compare(format, ro, lanes, "encode32", x, expectedCodes, codes);
                    if (format.Bits <= 16)
                    {
                        QuantizeKernels.Encode(x, codes16, format, ro, ko);
                        Compare(format, ro, lanes, "encode16", x, expectedCodes, codes16.Select(c => (uint)c).ToArray());
                    }
                    if (format.Bits <= 8)
                    {
                        QuantizeKernels.Encode(x, codes8, format, ro, ko);
                        Compare(format, ro, lanes, "encode8", x, expectedCodes, codes8.Select(c => (uint)c).ToArray());
                    }
                }
            }
        }
    }

    public static void Compare(ScalarFormat format, RoundingOptions ro, int lanes, string what, float[] x, uint[] expected, uint[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
                Assert.Fail($"{format.Name} {ro.Mode.Name()} N={ro.StochasticBits} overflow={ro.Overflow} lanes={lanes} {what}: x[{i}] = {x[i]:R} (0x{Inputs.B(x[i]):X8}) gives 0x{actual[i]:X8}, reference 0x{expected[i]:X8}");
        }
    }
}
