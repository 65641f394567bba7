namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>Every code converts to float and back to itself (NaN codes: to a NaN of the same sign class).</summary>
public class RoundTripTests
{
    private static IEnumerable<uint> AllCodes(FloatFormat f)
    {
        for (uint c = 0; c < f.CodeCount; c++) yield return c;
    }

    private static IEnumerable<uint> SampleCodes(FloatFormat f, int count, int seed)
    {
        var rng = new Random(seed);
        uint top = (uint)(f.CodeCount - 1);
        // Every special and boundary code of both signs, then random codes.
        uint[] edges = [0, 1, 2, f.MaxFiniteCode - 1, f.MaxFiniteCode, f.MaxFiniteCode + 1, top & ~f.SignBit, f.InfinityCode(false), f.NaNCode(false)];
        foreach (uint e in edges)
        {
            yield return e & top;
            yield return (e | f.SignBit) & top;
        }
        for (int i = 0; i < count; i++) yield return (uint)rng.NextInt64((long)f.CodeCount);
    }

    /// <summary>
    /// Through the explicit float conversions of the type, and through the span conversions of
    /// <see cref="NumberTypeConvert"/>: the code comes back, and the float equals the preset's decoded value.
    /// </summary>
    private static void Check<T>(IEnumerable<uint> codes, Func<T, float> toFloat, Func<float, T> fromFloat, RoundingOptions options = default)
        where T : struct, IEmulatedNumber<T>
    {
        FloatFormat f = T.Format;
        var list = codes.ToArray();
        var values = list.Select(T.FromCode).ToArray();
        var floats = new float[list.Length];
        NumberTypeConvert.Convert<T>(values, floats);
        var back = new T[list.Length];
        NumberTypeConvert.Convert<T>(floats, back, options);
        for (int i = 0; i < list.Length; i++)
        {
            uint code = list[i];
            double v = f.Decode(code);
            float x = toFloat(values[i]);
            Assert.Equal(code, values[i].Code);
            if (double.IsNaN(v)) Assert.True(float.IsNaN(x));
            else Assert.Equal(BitConverter.DoubleToInt64Bits(v), BitConverter.DoubleToInt64Bits(x)); // -0 included
            Assert.Equal(BitConverter.SingleToInt32Bits(x), BitConverter.SingleToInt32Bits(floats[i]));
            uint again = fromFloat(x).Code;
            if (double.IsNaN(v))
            {
                Assert.True(f.IsNaNCode(again), $"{f.Name}: NaN code 0x{code:X} came back as 0x{again:X}");
                Assert.True(f.IsNaNCode(back[i].Code));
                if (f.Specials != SpecialCodes.Fnuz) Assert.Equal(code & f.SignBit, again & f.SignBit);
            }
            else
            {
                Assert.Equal(code, again);
                Assert.Equal(code, back[i].Code);
            }
        }
    }

    /// <summary>All 65536 codes.</summary>
    [Fact] public void BFloat16_all_codes() => Check<BFloat16>(AllCodes(BFloat16.Format), x => (float)x, x => (BFloat16)x);

    /// <summary>A large random sample of the 2^19 codes plus every boundary code.</summary>
    [Fact] public void Tf32_sample() => Check<Tf32>(SampleCodes(Tf32.Format, 100_000, 32), x => (float)x, x => (Tf32)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float8E4M3_all_codes() => Check<Float8E4M3>(AllCodes(Float8E4M3.Format), x => (float)x, x => (Float8E4M3)x);

    /// <summary>All codes, the infinities included (the conversion keeps ±Inf, as System.Half).</summary>
    [Fact]
    public void Float8E5M2_all_codes() => Check<Float8E5M2>(AllCodes(Float8E5M2.Format), x => (float)x, x => (Float8E5M2)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float8E4M3Fnuz_all_codes() => Check<Float8E4M3Fnuz>(AllCodes(Float8E4M3Fnuz.Format), x => (float)x, x => (Float8E4M3Fnuz)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float8E5M2Fnuz_all_codes() => Check<Float8E5M2Fnuz>(AllCodes(Float8E5M2Fnuz.Format), x => (float)x, x => (Float8E5M2Fnuz)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float6E2M3_all_codes() => Check<Float6E2M3>(AllCodes(Float6E2M3.Format), x => (float)x, x => (Float6E2M3)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float6E3M2_all_codes() => Check<Float6E3M2>(AllCodes(Float6E3M2.Format), x => (float)x, x => (Float6E3M2)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float4E2M1_all_codes() => Check<Float4E2M1>(AllCodes(Float4E2M1.Format), x => (float)x, x => (Float4E2M1)x);

    /// <summary>All codes.</summary>
    [Fact] public void Float8E8M0_all_codes() => Check<Float8E8M0>(AllCodes(Float8E8M0.Format), x => (float)x, x => (Float8E8M0)x);

    /// <summary>Double and Half conversions agree with the float ones (Half: rounded once from the exact value).</summary>
    [Fact]
    public void Double_and_half_conversions()
    {
        for (uint c = 0; c < 256; c++)
        {
            var x = Float8E5M2.FromCode(c);
            double v = Float8E5M2.Format.Decode(c);
            Assert.Equal(v, (double)x);
            // Every E5M2 value is a binary16 value: Half is exact, and converting back restores the code.
            Assert.Equal(v, (double)(Half)x);
            if (!double.IsNaN(v)) Assert.Equal(c, ((Float8E5M2)(Half)x).Code); // ±Inf included
            var y = BFloat16.FromBits((ushort)(c << 8 | 0x5A));
            Assert.Equal(y.ToDouble(), (double)y);
            Assert.Equal((Half)y.ToDouble(), (Half)y);
        }
    }
}
