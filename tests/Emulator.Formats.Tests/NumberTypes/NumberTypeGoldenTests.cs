namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>
/// The number types convert as ml_dtypes' default conversion (<c>T(float)</c>, golden/float/ml_dtypes/*.nearest-even.
/// source-default.txt) and CPFloat's nearest-even with infinities (Tf32): casts from float and double, <c>Create</c> with
/// default options and the span conversion give the golden code on every line, except the lines where FORMATS.md deviates
/// on purpose (<see cref="FloatGoldenTests.MlDtypesDeviation"/>), where they give the preset's encoding under the
/// 'infinity' policy. The preset default for arrays saturates e4m3 and e5m2, so it must differ from the golden file.
/// </summary>
public sealed class NumberTypeGoldenTests
{
    [Fact]
    public void Float8E5M2_casts_as_ml_dtypes() => CheckMlDtypes<Float8E5M2>("float8_e5m2", x => (Float8E5M2)x, x => (Float8E5M2)x, presetDiffers: true);

    [Fact]
    public void Float8E4M3_casts_as_ml_dtypes() => CheckMlDtypes<Float8E4M3>("float8_e4m3fn", x => (Float8E4M3)x, x => (Float8E4M3)x, presetDiffers: true);

    [Fact]
    public void Float8E4M3Fnuz_casts_as_ml_dtypes() => CheckMlDtypes<Float8E4M3Fnuz>("float8_e4m3fnuz", x => (Float8E4M3Fnuz)x, x => (Float8E4M3Fnuz)x);

    [Fact]
    public void Float8E5M2Fnuz_casts_as_ml_dtypes() => CheckMlDtypes<Float8E5M2Fnuz>("float8_e5m2fnuz", x => (Float8E5M2Fnuz)x, x => (Float8E5M2Fnuz)x);

    [Fact]
    public void Float6E2M3_casts_as_ml_dtypes() => CheckMlDtypes<Float6E2M3>("float6_e2m3fn", x => (Float6E2M3)x, x => (Float6E2M3)x);

    [Fact]
    public void Float6E3M2_casts_as_ml_dtypes() => CheckMlDtypes<Float6E3M2>("float6_e3m2fn", x => (Float6E3M2)x, x => (Float6E3M2)x);

    [Fact]
    public void Float4E2M1_casts_as_ml_dtypes() => CheckMlDtypes<Float4E2M1>("float4_e2m1fn", x => (Float4E2M1)x, x => (Float4E2M1)x);

    [Fact]
    public void Float8E8M0_casts_as_ml_dtypes() => CheckMlDtypes<Float8E8M0>("float8_e8m0fnu", x => (Float8E8M0)x, x => (Float8E8M0)x);

    [Fact]
    public void BFloat16_casts_as_ml_dtypes() => CheckMlDtypes<BFloat16>("bfloat16", x => (BFloat16)x, x => (BFloat16)x);

    private static void CheckMlDtypes<T>(string type, Func<float, T> fromFloat, Func<double, T> fromDouble, bool presetDiffers = false)
        where T : struct, IEmulatedNumber<T>
    {
        string file = GoldenFiles.Files(Path.Combine("float", "ml_dtypes"), $"{type}.nearest-even.source-default.txt*").Single();
        FloatFormat f = T.Format;
        var xs = new List<float>();
        var expected = new List<uint>();
        int deviations = 0, presetDifferences = 0;
        foreach (string[] r in GoldenFiles.Records(file))
        {
            float x = BitConverter.UInt32BitsToSingle(GoldenFiles.Hex(r[0]));
            uint golden = GoldenFiles.Hex(r[2]);
            string? rule = FloatGoldenTests.MlDtypesDeviation(f, x, RoundingMode.NearestEven, saturate: false);
            // Our contract on every line: the preset's encoder under nearest-even and the 'infinity' policy.
            uint contract = f.Encode(x, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity), 0u);
            if (rule is null)
            {
                if (contract != golden) Assert.Fail($"{type}: x = {x:R} (0x{BitConverter.SingleToUInt32Bits(x):x8}): ml_dtypes gives {golden:x2}, the contract {contract:x2}");
                if (f.Encode(x) != golden) presetDifferences++;
            }
            else deviations++;
            xs.Add(x);
            expected.Add(contract);
        }
        Assert.True(xs.Count > 3000, $"{type}: only {xs.Count} lines");
        Assert.True(deviations < xs.Count / 20, $"{type}: {deviations} of {xs.Count} lines are deviations");
        if (presetDiffers) Assert.True(presetDifferences > 0, $"{type}: the preset default (saturate) agrees with ml_dtypes everywhere");
        else Assert.Equal(0, presetDifferences);
        CheckConversions(type, xs, expected, fromFloat, fromDouble);
    }

    /// <summary>Every conversion path of the type gives the expected codes: casts from float and double, Create with
    /// default options, and the span conversions from float and double.</summary>
    private static void CheckConversions<T>(string what, List<float> xs, List<uint> expected, Func<float, T> fromFloat, Func<double, T> fromDouble)
        where T : struct, IEmulatedNumber<T>
    {
        var spanF = new T[xs.Count];
        var spanD = new T[xs.Count];
        NumberTypeConvert.Convert<T>(xs.ToArray(), spanF);
        NumberTypeConvert.Convert<T>(xs.Select(v => (double)v).ToArray(), spanD);
        for (int i = 0; i < xs.Count; i++)
        {
            float x = xs[i];
            uint e = expected[i];
            string where = $"{what}: x = {x:R} (0x{BitConverter.SingleToUInt32Bits(x):x8}), expected {e:x}";
            if (fromFloat(x).Code != e) Assert.Fail($"{where}: float cast gives {fromFloat(x).Code:x}");
            if (fromDouble(x).Code != e) Assert.Fail($"{where}: double cast gives {fromDouble(x).Code:x}");
            if (T.Create(x, default).Code != e) Assert.Fail($"{where}: Create(x, default) gives {T.Create(x, default).Code:x}");
            if (spanF[i].Code != e) Assert.Fail($"{where}: span conversion from float gives {spanF[i].Code:x}");
            if (spanD[i].Code != e) Assert.Fail($"{where}: span conversion from double gives {spanD[i].Code:x}");
        }
    }

    /// <summary>Tf32 has no ml_dtypes type: CPFloat's nearest-even with infinities (values; the -0 quirk lines give -0).</summary>
    [Fact]
    public void Tf32_casts_as_cpfloat()
    {
        string path = GoldenFiles.PathOf("float", "cpfloat", "tf32.nearest-even.infinity.txt.gz");
        var skips = GoldenFiles.Comments(path).Where(c => c.StartsWith("# skip-xbits", StringComparison.Ordinal))
            .Select(c => c.Split(' ')).Select(p => (Lo: GoldenFiles.Hex(p[2]), Hi: GoldenFiles.Hex(p[3]))).ToList();
        var xs = new List<float>();
        var expected = new List<uint>();
        foreach (string[] r in GoldenFiles.Records(path))
        {
            uint xbits = GoldenFiles.Hex(r[0]);
            float x = BitConverter.UInt32BitsToSingle(xbits);
            float y = ((Tf32)x).ToSingle();
            uint ybits = GoldenFiles.Hex(r[1]);
            if (skips.Any(s => xbits >= s.Lo && xbits <= s.Hi)) Assert.Equal(0x8000_0000u, BitConverter.SingleToUInt32Bits(y));
            else if (ybits == 0x7FC0_0000 ? !float.IsNaN(y) : BitConverter.SingleToUInt32Bits(y) != ybits)
                Assert.Fail($"tf32: x = {x:R} (0x{xbits:x8}): CPFloat gives {ybits:x8}, the cast {BitConverter.SingleToUInt32Bits(y):x8}");
            xs.Add(x);
            expected.Add(Tf32.Format.Encode(x, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Infinity), 0u));
        }
        Assert.True(xs.Count > 3000);
        CheckConversions<Tf32>("tf32", xs, expected, x => (Tf32)x, x => (Tf32)x);
    }
}
