using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class NumberTypeKernelsTests
{
    private static float[] Inputs<T>() where T : unmanaged, IEmulatedNumber<T>
    {
        var rng = new Random(11);
        FloatFormat f = T.Format;
        var xs = new List<float> { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.Epsilon, (float)f.MaxFinite, (float)f.MinNormal };
        for (int i = 0; i < 3000; i++) xs.Add(BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue)));
        for (int i = 0; i < 3000; i++) xs.Add((float)((rng.NextDouble() * 2 - 1) * f.MaxFinite * 1.2));
        return xs.ToArray();
    }

    private static void Check<T>() where T : unmanaged, IEmulatedNumber<T>
    {
        float[] x = Inputs<T>();
        RoundingOptions[] optionSets =
        [
            default, new RoundingOptions { Overflow = OverflowPolicy.Saturate }, new RoundingOptions(RoundingMode.NearestEven),
            new RoundingOptions(RoundingMode.TowardZero, OverflowPolicy.Infinity), new RoundingOptions(RoundingMode.Stochastic) { StochasticBits = 9, Seed = 5 },
        ];
        foreach (var options in optionSets)
        {
            var fast = new T[x.Length];
            var reference = new T[x.Length];
            NumberTypeKernels.Convert(x, fast, options, new KernelOptions { IndexOffset = 77 });
            NumberTypeConvert.Convert(x, reference, options, indexOffset: 77);
            for (int i = 0; i < x.Length; i++)
                Assert.True(fast[i].Code == reference[i].Code, $"{typeof(T).Name} {options.Mode.Name()} x = {x[i]:R}: kernel 0x{fast[i].Code:x}, scalar 0x{reference[i].Code:x}");
            var back = new float[x.Length];
            var backReference = new float[x.Length];
            NumberTypeKernels.Convert<T>(fast, back);
            NumberTypeConvert.Convert<T>(reference, backReference);
            Assert.Equal(backReference.Select(BitConverter.SingleToUInt32Bits), back.Select(BitConverter.SingleToUInt32Bits));
        }
        // Without options the kernel converts as the type's casts: nearest-even, 'infinity' overflow (not the preset's
        // default for arrays, which saturates e4m3 and e5m2).
        var byDefault = new T[x.Length];
        NumberTypeKernels.Convert(x, byDefault);
        var infinity = new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(byDefault[i].Code == T.Format.Encode(x[i], infinity, 0u), $"{typeof(T).Name} x = {x[i]:R}: kernel 0x{byDefault[i].Code:x}");
            Assert.True(byDefault[i].Code == T.Create(x[i], default).Code, $"{typeof(T).Name} x = {x[i]:R}: kernel 0x{byDefault[i].Code:x}, Create 0x{T.Create(x[i], default).Code:x}");
        }
    }

    [Fact] public void BFloat16() => Check<Emulator.Formats.BFloat16>();
    [Fact] public void Tf32() => Check<Emulator.Formats.Tf32>();
    [Fact] public void Float8E4M3() => Check<Emulator.Formats.Float8E4M3>();
    [Fact] public void Float8E5M2() => Check<Emulator.Formats.Float8E5M2>();
    [Fact] public void Float8E4M3Fnuz() => Check<Emulator.Formats.Float8E4M3Fnuz>();
    [Fact] public void Float8E5M2Fnuz() => Check<Emulator.Formats.Float8E5M2Fnuz>();
    [Fact] public void Float6E2M3() => Check<Emulator.Formats.Float6E2M3>();
    [Fact] public void Float6E3M2() => Check<Emulator.Formats.Float6E3M2>();
    [Fact] public void Float4E2M1() => Check<Emulator.Formats.Float4E2M1>();
    [Fact] public void Float8E8M0() => Check<Emulator.Formats.Float8E8M0>();
}
