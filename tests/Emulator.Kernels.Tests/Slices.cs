using Emulator.Formats;

namespace Emulator.Kernels.Tests;

/// <summary>Slices of every length 0..200 at misaligned offsets, with IndexOffset, on every register width: the kernel
/// gives the reference's bits for each element's global index.</summary>
public static class Slices
{
    public static void Check(ScalarFormat format, float[] x, params RoundingMode[] modes)
    {
        foreach (var mode in modes)
        {
            var ro = Inputs.Options(mode, null);
            for (int offset = 0; offset < 5; offset++)
            for (int len = 0; len <= 200 && offset + len <= x.Length; len += offset + 1)
            {
                var slice = x.AsSpan(offset, len);
                var expected = new uint[len];
                format.Encode(slice, expected, ro, 1000 + offset);
                var expectedValues = new float[len];
                format.Quantize(slice, expectedValues, ro, 1000 + offset);
                var codes = new uint[len + 3];
                var values = new float[len];
                foreach (int lanes in Inputs.Widths)
                {
                    var ko = new KernelOptions { IndexOffset = 1000 + offset, MaxLanes = lanes };
                    QuantizeKernels.Encode(slice, codes.AsSpan(1, len), format, ro, ko);
                    QuantizeKernels.Quantize(slice, values, format, ro, ko);
                    for (int i = 0; i < len; i++)
                    {
                        Assert.True(expected[i] == codes[1 + i], $"{format.Name} {mode.Name()} lanes={lanes} offset={offset} len={len} i={i}: code 0x{codes[1 + i]:X}, reference 0x{expected[i]:X}");
                        Assert.Equal(Inputs.B(expectedValues[i]), Inputs.B(values[i]));
                    }
                }
            }
        }
    }

    /// <summary>Random float32 values of both signs spread over 2^-lowExp .. 2^highExp.</summary>
    public static float[] Spread(int seed, int count, int lowExp, int highExp)
    {
        var rng = new System.Random(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * Math.Pow(2, rng.Next(lowExp, highExp)));
        return x;
    }
}
