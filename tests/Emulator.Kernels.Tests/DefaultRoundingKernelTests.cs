using Emulator.Formats;

namespace Emulator.Kernels.Tests;

/// <summary>
/// Options that name no rounding mode make the kernels round with the format's default (the spec's <c>rounding</c>), as
/// the scalar reference does: <see cref="QuantizeKernels"/> for every vectorized scalar kind, <see cref="BlockKernels"/>
/// with the element format's default, <see cref="AffineKernels"/> with the integer format's.
/// </summary>
public class DefaultRoundingKernelTests
{
    private static ScalarFormat Spec(string json) => (ScalarFormat)FormatSpecReader.Read(json);

    public static TheoryData<string> Formats() => new(
        "hifloat8",
        """{ "name": "e3m2-rz", "kind": "float", "exponentBits": 3, "mantissaBits": 2, "specials": "none", "rounding": "toward-zero" }""",
        """{ "name": "bf16-away", "kind": "float", "exponentBits": 8, "mantissaBits": 7, "specials": "ieee", "rounding": "nearest-away" }""",
        """{ "name": "int4-odd", "kind": "integer", "bits": 4, "rounding": "to-odd" }""",
        """{ "name": "q3.4-up", "kind": "fixed", "integerBits": 3, "fractionBits": 4, "rounding": "toward-positive" }""",
        """{ "name": "table-down", "kind": "table", "values": [-2, -0.5, 0, 0.25, 1, 3], "rounding": "toward-negative" }""",
        """{ "name": "posit10-away", "kind": "posit", "bits": 10, "rounding": "nearest-away" }""");

    private static ScalarFormat Load(string entry) => entry.StartsWith('{') ? Spec(entry) : FormatRegistry.Default.GetScalar(entry);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Quantize_and_encode_without_a_mode_use_the_formats_default(string entry)
    {
        ScalarFormat f = Load(entry);
        Assert.True(QuantizeKernels.IsVectorized(f), $"{f.Name} should run a vectorized kernel");
        Assert.NotEqual(RoundingMode.NearestEven, f.DefaultRounding);
        float[] x = Inputs.ForFormat(f, seed: 5, maxCodes: 256, randomCount: 300);
        foreach (OverflowPolicy? policy in new OverflowPolicy?[] { null, OverflowPolicy.Saturate })
        {
            var unnamed = new RoundingOptions { Overflow = policy };
            var named = new RoundingOptions(f.DefaultRounding, policy);
            var expectedValues = new float[x.Length];
            var expectedCodes = new uint[x.Length];
            f.Quantize(x, expectedValues, named, 7);
            f.Encode(x, expectedCodes, named, 7);
            foreach (int lanes in Inputs.Widths)
            {
                var ko = new KernelOptions { IndexOffset = 7, MaxLanes = lanes };
                var values = new float[x.Length];
                var codes = new uint[x.Length];
                QuantizeKernels.Quantize(x, values, f, unnamed, ko);
                QuantizeKernels.Encode(x, codes, f, unnamed, ko);
                Differential.Compare(f, named, lanes, "quantize (no mode)", x, expectedValues.Select(Inputs.B).ToArray(), values.Select(Inputs.B).ToArray());
                Differential.Compare(f, named, lanes, "encode (no mode)", x, expectedCodes, codes);
            }
        }
        // and the default is not nearest-even on these inputs (so the comparison above can fail)
        var even = new uint[x.Length];
        var byDefault = new uint[x.Length];
        QuantizeKernels.Encode(x, even, f, new RoundingOptions(RoundingMode.NearestEven));
        QuantizeKernels.Encode(x, byDefault, f);
        Assert.NotEqual(even, byDefault);
    }

    [Fact]
    public void Block_elements_without_a_mode_use_the_element_formats_default()
    {
        var block = (BlockFormat)FormatSpecReader.Read("""
            { "name": "b", "kind": "block", "block": [16], "scale": "e8m0", "scaleRule": "floor",
              "element": { "name": "e2m1-rz", "kind": "float", "exponentBits": 2, "mantissaBits": 1, "specials": "none", "rounding": "toward-zero" } }
            """);
        Assert.True(BlockKernels.IsVectorized(block));
        int[] shape = [4, 48];
        float[] x = Enumerable.Range(0, 192).Select(i => (float)(Math.Sin(i * 0.37) * Math.Exp(i % 7))).ToArray();
        float[] expected = new float[x.Length], actual = new float[x.Length], even = new float[x.Length];
        block.Quantize(x, shape, expected, new RoundingOptions(RoundingMode.TowardZero), 0);
        BlockKernels.Quantize(x, shape, actual, block);
        BlockKernels.Quantize(x, shape, even, block, new RoundingOptions(RoundingMode.NearestEven));
        Assert.Equal(expected.Select(Inputs.B), actual.Select(Inputs.B));
        Assert.NotEqual(expected.Select(Inputs.B), even.Select(Inputs.B));
        uint[] codes = new uint[x.Length], scales = new uint[12], expectedCodes = new uint[x.Length], expectedScales = new uint[12];
        block.Encode(x, shape, expectedCodes, expectedScales, new RoundingOptions(RoundingMode.TowardZero), 0);
        BlockKernels.Encode(x, shape, codes, scales, block);
        Assert.Equal(expectedCodes, codes);
        Assert.Equal(expectedScales, scales);
    }

    [Fact]
    public void Affine_quantization_without_a_mode_uses_the_integer_formats_default()
    {
        var int8 = (IntegerFormat)Spec("""{ "name": "int8-away", "kind": "integer", "bits": 8, "rounding": "nearest-away" }""");
        AffineQuantizer q = AffineQuantizer.PerTensor(int8, 0.5, zeroPoint: 3);
        float[] x = Enumerable.Range(-200, 400).Select(i => i * 0.25f).ToArray(); // every other value is a tie
        int[] shape = [x.Length];
        uint[] expected = new uint[x.Length], reference = new uint[x.Length], kernel = new uint[x.Length], even = new uint[x.Length];
        q.Encode(x, shape, expected, new RoundingOptions(RoundingMode.NearestAway));
        q.Encode(x, shape, reference);
        AffineKernels.Encode(x, shape, kernel, q);
        AffineKernels.Encode(x, shape, even, q, new RoundingOptions(RoundingMode.NearestEven));
        Assert.Equal(expected, reference);
        Assert.Equal(expected, kernel);
        Assert.NotEqual(expected, even);
        float[] values = new float[x.Length], expectedValues = new float[x.Length];
        q.Quantize(x, shape, expectedValues, new RoundingOptions(RoundingMode.NearestAway));
        AffineKernels.Quantize(x, shape, values, q);
        Assert.Equal(expectedValues, values);
    }

    [Fact]
    public void The_verifier_reports_the_mode_in_effect()
    {
        var r = KernelVerifier.Compare(FormatRegistry.Default.GetScalar("hifloat8"), default, 0x3F80_0000, 1 << 12);
        Assert.Equal("nearest-away", r.Rounding);
        Assert.Equal(0, r.Mismatches);
    }
}
