using System.Text.Json;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>NaN, -0, infinities, overflow and the constants of each type, per its preset.</summary>
public class SpecialValueTests
{
    private static readonly RoundingOptions ToInfinity = new(RoundingMode.NearestEven, OverflowPolicy.Infinity);
    private static readonly RoundingOptions ToSaturate = new(RoundingMode.NearestEven, OverflowPolicy.Saturate);

    /// <summary>Each type is backed by the preset of its name, and the default overflow policy is the preset JSON's.</summary>
    [Theory]
    [InlineData("bfloat16", "infinity")]
    [InlineData("tf32", "infinity")]
    [InlineData("e4m3", "saturate")]
    [InlineData("e5m2", "saturate")]
    [InlineData("e4m3fnuz", "infinity")]
    [InlineData("e5m2fnuz", "infinity")]
    [InlineData("e2m3", "saturate")]
    [InlineData("e3m2", "saturate")]
    [InlineData("e2m1", "saturate")]
    [InlineData("e8m0", "infinity")]
    public void Default_overflow_is_the_preset_json_one(string preset, string expected)
    {
        string dir = GoldenFiles.RepoRoot;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "formats-spec", "presets", preset + ".json")));
        Assert.Equal(expected, json.RootElement.GetProperty("overflow").GetString());
        FloatFormat f = preset switch
        {
            "bfloat16" => BFloat16.Format, "tf32" => Tf32.Format, "e4m3" => Float8E4M3.Format, "e5m2" => Float8E5M2.Format,
            "e4m3fnuz" => Float8E4M3Fnuz.Format, "e5m2fnuz" => Float8E5M2Fnuz.Format, "e2m3" => Float6E2M3.Format,
            "e3m2" => Float6E3M2.Format, "e2m1" => Float4E2M1.Format, _ => Float8E8M0.Format,
        };
        Assert.Equal(preset, f.Name);
        Assert.Equal(expected, f.DefaultOverflow.Name());
    }

    /// <summary>OCP E4M3: max 448, no infinity; conversions as ml_dtypes' float8_e4m3fn (1000 -> NaN, Inf -> NaN; the preset
    /// saturates arrays: 448), NaN S.1111.111, -0 exists.</summary>
    [Fact]
    public void Float8E4M3_specials()
    {
        Assert.Equal(448.0, (double)Float8E4M3.MaxValue);
        Assert.Equal(-448.0, (double)Float8E4M3.MinValue);
        Assert.Equal(Math.ScaleB(1, -9), (double)Float8E4M3.Epsilon);
        Assert.Equal(Math.ScaleB(1, -6), (double)Float8E4M3.MinNormal);
        Assert.Equal(0x7F, ((Float8E4M3)1000f).ToBits()); // overflow: NaN (the type has no infinity), as ml_dtypes
        Assert.Equal(0xFF, ((Float8E4M3)(-1000.0)).ToBits());
        Assert.Equal(0x7F, ((Float8E4M3)float.PositiveInfinity).ToBits());
        Assert.Equal(0x7Eu, Float8E4M3.Format.Encode(1000.0)); // the preset's default for arrays saturates
        Assert.Equal(448.0, (double)Float8E4M3.Create(1000.0, new RoundingOptions { Overflow = OverflowPolicy.Saturate }));
        Assert.Equal(448.0, (double)Float8E4M3.Create(float.PositiveInfinity, ToSaturate));
        Assert.Equal(448.0, (double)(Float8E4M3)464.0); // tie: 0x7E is even
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.Create(1000.0, ToInfinity)));
        Assert.Equal(0x7F, Float8E4M3.NaN.ToBits());
        Assert.Equal(0xFF, ((Float8E4M3)(-double.NaN)).ToBits());
        Assert.Equal(0x80, Float8E4M3.NegativeZero.ToBits());
        Assert.Equal(0x80, ((Float8E4M3)(-0.0)).ToBits());
        Assert.True(Float8E4M3.NegativeZero == Float8E4M3.Zero);
        Assert.True(Float8E4M3.IsNegative(Float8E4M3.NegativeZero));
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.MaxValue + Float8E4M3.MaxValue)); // arithmetic overflow: NaN too
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.One / Float8E4M3.Zero)); // no infinity: an infinite result is NaN
        Assert.False(Float8E4M3.IsInfinity((Float8E4M3)float.PositiveInfinity));
    }

    /// <summary>OCP E5M2: infinities exist; conversions and arithmetic overflow to Inf and keep Inf (as System.Half and
    /// ml_dtypes), whereas the preset saturates arrays; Create takes the saturating policy when asked.</summary>
    [Fact]
    public void Float8E5M2_specials()
    {
        Assert.Equal(57344.0, (double)Float8E5M2.MaxValue);
        Assert.Equal(0x7C, Float8E5M2.PositiveInfinity.ToBits());
        Assert.Equal(0xFC, Float8E5M2.NegativeInfinity.ToBits());
        Assert.True(Float8E5M2.IsPositiveInfinity((Float8E5M2)1e6));
        Assert.True(Float8E5M2.IsPositiveInfinity((Float8E5M2)float.PositiveInfinity));
        Assert.True(Float8E5M2.IsNegativeInfinity((Float8E5M2)double.NegativeInfinity));
        Assert.True(Float8E5M2.IsPositiveInfinity((Float8E5M2)Half.PositiveInfinity));
        Assert.Equal(0x7Bu, Float8E5M2.Format.Encode(double.PositiveInfinity)); // the preset's default for arrays saturates
        Assert.Equal(57344.0, (double)Float8E5M2.Create(double.PositiveInfinity, ToSaturate));
        Assert.Equal(57344.0, (double)Float8E5M2.Create(1e6, new RoundingOptions { Overflow = OverflowPolicy.Saturate }));
        Assert.Equal(-57344.0, (double)Float8E5M2.Create(-1e6, new RoundingOptions(RoundingMode.TowardZero))); // keeps max, as IEEE
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.Create(1e6, ToInfinity)));
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.Create(61440.0, ToInfinity))); // 61440 ties up to Inf
        Assert.Equal(57344.0, (double)Float8E5M2.Create(61439.0, ToInfinity));
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.PositiveInfinity + Float8E5M2.One));
        Assert.True(Float8E5M2.IsNegativeInfinity(-Float8E5M2.One / Float8E5M2.Zero));
        Assert.True(Float8E5M2.IsNaN(Float8E5M2.PositiveInfinity - Float8E5M2.PositiveInfinity));
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.MaxValue * (Float8E5M2)2.0)); // as Half.MaxValue * 2
        Assert.True(Half.IsPositiveInfinity(Half.MaxValue * (Half)2));
        Assert.False(Float8E5M2.NaN == Float8E5M2.NaN);
        Assert.True(Float8E5M2.NaN != Float8E5M2.NaN);
        Assert.True(Float8E5M2.NaN.Equals(Float8E5M2.NaN));
        Assert.False(Float8E5M2.NaN < Float8E5M2.One || Float8E5M2.NaN >= Float8E5M2.One);
        Assert.Equal(-1, Float8E5M2.NaN.CompareTo(Float8E5M2.NegativeInfinity));
    }

    /// <summary>FNUZ types: no -0 (negation, conversion and products give +0), NaN 0x80, overflow -> NaN.</summary>
    [Fact]
    public void Fnuz_specials()
    {
        Assert.Equal(240.0, (double)Float8E4M3Fnuz.MaxValue);
        Assert.Equal(Math.ScaleB(1, -10), (double)Float8E4M3Fnuz.Epsilon);
        Assert.Equal(Math.ScaleB(1, -7), (double)Float8E4M3Fnuz.MinNormal);
        Assert.Equal(0x80, Float8E4M3Fnuz.NaN.ToBits());
        Assert.Equal(0x00, ((Float8E4M3Fnuz)(-0.0)).ToBits());
        Assert.Equal(0x00, (-Float8E4M3Fnuz.Zero).ToBits());
        Assert.Equal(0x00, (Float8E4M3Fnuz.Zero * -Float8E4M3Fnuz.One).ToBits());
        Assert.Equal(0x00, ((Float8E4M3Fnuz)(-1e-9)).ToBits()); // underflow of a negative value: +0
        Assert.True(Float8E4M3Fnuz.IsNaN((Float8E4M3Fnuz)1000.0));
        Assert.Equal(240.0, (double)Float8E4M3Fnuz.Create(1000.0, ToSaturate));
        Assert.True(Float8E4M3Fnuz.IsNaN((Float8E4M3Fnuz)double.NaN));
        Assert.True(Float8E4M3Fnuz.IsNaN(Float8E4M3Fnuz.MaxValue + Float8E4M3Fnuz.MaxValue));
        Assert.Equal(57344.0, (double)Float8E5M2Fnuz.MaxValue);
        Assert.Equal(Math.ScaleB(1, -17), (double)Float8E5M2Fnuz.Epsilon);
        Assert.Equal(0x80, Float8E5M2Fnuz.NaN.ToBits());
        Assert.Equal(0x00, ((Float8E5M2Fnuz)(-0.0f)).ToBits());
    }

    /// <summary>FP6 and FP4: no NaN or infinity (NaN encodes as +0, infinite and large inputs saturate), -0 exists.</summary>
    [Fact]
    public void Fp6_fp4_specials()
    {
        Assert.Equal(6.0, (double)Float4E2M1.MaxValue);
        Assert.Equal(0.5, (double)Float4E2M1.Epsilon);
        Assert.Equal(1.0, (double)Float4E2M1.MinNormal);
        Assert.Equal(0, ((Float4E2M1)float.NaN).ToBits());
        Assert.Equal(6.0, (double)(Float4E2M1)100.0);
        Assert.Equal(-6.0, (double)(Float4E2M1)double.NegativeInfinity);
        Assert.Equal(0x8, Float4E2M1.NegativeZero.ToBits());
        Assert.Equal(4.0, (double)(Float4E2M1)5.0); // tie between 4 (code 6, even) and 6 (code 7)
        Assert.Equal(6.0, (double)(Float4E2M1.One / Float4E2M1.Zero)); // an infinite result saturates
        Assert.Equal(0, (Float4E2M1.Zero / Float4E2M1.Zero).ToBits()); // NaN encodes as +0
        Assert.Equal(7.5, (double)Float6E2M3.MaxValue);
        Assert.Equal(0.125, (double)Float6E2M3.Epsilon);
        Assert.Equal(28.0, (double)Float6E3M2.MaxValue);
        Assert.Equal(0.0625, (double)Float6E3M2.Epsilon);
        Assert.Equal(0.25, (double)Float6E3M2.MinNormal);
        Assert.Equal(28.0, (double)(Float6E3M2)1e9f);
        Assert.Equal(0x20, ((Float6E3M2)(-0.0)).ToBits());
        Assert.False(Float6E3M2.IsNaN(Float6E3M2.FromBits(0x3F)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Float6E3M2.FromBits(0x40));
        Assert.Throws<ArgumentOutOfRangeException>(() => Float4E2M1.FromBits(0x10));
    }

    /// <summary>E8M0: powers of two 2^-127..2^127, NaN 0xFF, zero rounds up to 2^-127, ties to the even exponent code.</summary>
    [Fact]
    public void Float8E8M0_specials()
    {
        Assert.Equal(Math.ScaleB(1, 127), (double)Float8E8M0.MaxValue);
        Assert.Equal(Math.ScaleB(1, -127), (double)Float8E8M0.MinValue);
        Assert.Equal(Math.ScaleB(1, -127), (double)Float8E8M0.Epsilon);
        Assert.Equal(0, ((Float8E8M0)0.0).ToBits());
        Assert.Equal(0xFF, Float8E8M0.NaN.ToBits());
        Assert.True(Float8E8M0.IsNaN((Float8E8M0)(-1.0)));
        Assert.True(Float8E8M0.IsNaN(Float8E8M0.MaxValue * Float8E8M0.FromExponent(1)));
        Assert.Equal(2.0, (double)(Float8E8M0)3.0); // tie between 2 (code 128, even) and 4
        Assert.Equal(8.0, (double)(Float8E8M0)6.0); // tie between 4 (code 129) and 8 (code 130, even)
        Assert.Equal(127, Float8E8M0.One.ToBits());
        Assert.Equal(-127, Float8E8M0.FromExponent(-127).Exponent);
        Assert.Equal(5, ((Float8E8M0)32.0).Exponent);
        Assert.Equal(0.25, (double)(Float8E8M0.FromExponent(1) / Float8E8M0.FromExponent(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Float8E8M0.FromExponent(128));
        Assert.Throws<InvalidOperationException>(() => Float8E8M0.NaN.Exponent);
    }

    /// <summary>BFloat16 and TF32 codes, ties and the TF32 ties-away option.</summary>
    [Fact]
    public void BFloat16_and_Tf32_specials()
    {
        Assert.Equal(0x3F80, BFloat16.One.ToBits());
        Assert.Equal(0x7F7F, BFloat16.MaxValue.ToBits());
        Assert.Equal(0x7F80, BFloat16.PositiveInfinity.ToBits());
        Assert.Equal(0x8000, BFloat16.NegativeZero.ToBits());
        Assert.Equal(Math.ScaleB(1, -133), (double)BFloat16.Epsilon);
        Assert.Equal(1.0, (double)(BFloat16)(1 + Math.ScaleB(1, -8))); // tie to even
        Assert.Equal(1 + Math.ScaleB(1, -6), (double)(BFloat16)(1 + 3 * Math.ScaleB(1, -8)));
        Assert.True(BFloat16.IsPositiveInfinity((BFloat16)float.MaxValue)); // rounds up past max: default policy 'infinity'
        Assert.Equal(0x1FC00u, Tf32.One.ToBits());
        Assert.Equal(Math.ScaleB(1, -136), (double)Tf32.Epsilon);
        Assert.Equal(1.0, (double)(Tf32)(1 + Math.ScaleB(1, -11)));
        Assert.Equal(1 + Math.ScaleB(1, -10), (double)Tf32.Create(1 + Math.ScaleB(1, -11), new RoundingOptions(RoundingMode.NearestAway)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tf32.FromBits(1u << 19));
    }

    /// <summary>Classification, BitIncrement walks every non-NaN value in order, and the IEEE helpers.</summary>
    [Fact]
    public void Ieee_classification_and_neighbours()
    {
        var x = Float8E5M2.NegativeInfinity;
        int steps = 0;
        double previous = double.NegativeInfinity;
        while (!Float8E5M2.IsPositiveInfinity(x))
        {
            x = Float8E5M2.BitIncrement(x);
            double v = (double)x;
            Assert.True(v > previous, $"{v} after {previous}");
            Assert.True((double)Float8E5M2.BitDecrement(x) == previous, $"BitDecrement({v})");
            previous = v;
            steps++;
        }
        Assert.Equal(2 * 123 + 2, steps); // 123 finite nonzero magnitudes each side, -0, +Inf
        Assert.True(Float8E5M2.IsSubnormal(Float8E5M2.Epsilon));
        Assert.True(Float8E5M2.IsNormal(Float8E5M2.MinNormal));
        Assert.False(Float8E5M2.IsNormal(Float8E5M2.Zero));
        Assert.Equal(-16, Float8E5M2.ILogB(Float8E5M2.Epsilon));
        Assert.Equal(2.0, (double)Float8E5M2.Sqrt((Float8E5M2)4.0));
        Assert.Equal(Math.ScaleB(1, -16), (double)Float8E5M2.ScaleB(Float8E5M2.One, -16));
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.ScaleB(Float8E5M2.One, 100))); // finite overflow: Inf
        Assert.Equal(Math.PI, (double)BFloat16.Pi, 2);
    }
}
