using Emulator.Formats;
using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Kernels.Tests;

/// <summary>Random bit patterns, seeds, streams, offsets and modes: the kernel equals the scalar reference.</summary>
public class PropertyTests
{
    private static readonly string[] Names = ["e4m3", "e5m2", "bfloat16", "binary16", "e2m1", "e3m2", "e8m0", "binary8p3ue", "int4", "uint8"];

    [Fact]
    public void Random_patterns_seeds_and_offsets_match_the_reference()
    {
        var gen =
            from bits in Gen.ArrayOf(Gen.Choose(int.MinValue, int.MaxValue).Select(i => (uint)i))
            from format in Gen.Elements(Names)
            from mode in Gen.Elements(Enum.GetValues<RoundingMode>())
            from overflow in Gen.Elements(OverflowPolicy.Saturate, OverflowPolicy.Infinity)
            from nBits in Gen.Choose(1, 32)
            from seed in Gen.Choose(0, int.MaxValue)
            from stream in Gen.Choose(0, 1000)
            from offset in Gen.Choose(0, int.MaxValue)
            select (bits, format, mode, overflow, nBits, seed, stream, offset);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var f = FormatRegistry.Default.GetScalar(t.format);
            var x = t.bits.Select(Inputs.F).ToArray();
            var ro = new RoundingOptions(t.mode, t.overflow) { StochasticBits = t.nBits, Seed = (ulong)t.seed * 0x9E37_79B9UL, Stream = (uint)t.stream };
            var expected = new float[x.Length];
            var actual = new float[x.Length];
            f.Quantize(x, expected, ro, t.offset);
            QuantizeKernels.Quantize(x, actual, f, ro, new KernelOptions { IndexOffset = t.offset });
            return expected.Select(Inputs.B).SequenceEqual(actual.Select(Inputs.B));
        }).QuickCheckThrowOnFailure();
    }
}
