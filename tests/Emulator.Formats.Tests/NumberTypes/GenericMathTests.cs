using System.Numerics;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>The types work in generic System.Numerics code and convert like the other floating-point types.</summary>
public class GenericMathTests
{
    /// <summary>The generic sum of the issue: each addition rounds once.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : INumber<T>
    {
        T s = T.Zero;
        foreach (T v in x) s += v;
        return s;
    }

    private static T Largest<T>(ReadOnlySpan<T> x) where T : IFloatingPoint<T>, IMinMaxValue<T>
    {
        T m = T.MinValue;
        foreach (T v in x) m = T.Max(m, v);
        return m;
    }

    /// <summary>Sum&lt;T&gt; equals the sequence of exactly-rounded additions computed with the independent reference.</summary>
    private static void CheckSum<T>(int seed) where T : struct, INumber<T>, IEmulatedNumber<T>
    {
        FloatFormat f = T.Format;
        var reference = new ExactReference(f);
        var rng = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            var values = new T[rng.Next(1, 40)];
            for (int i = 0; i < values.Length; i++)
            {
                uint code;
                do code = (uint)rng.NextInt64((long)f.CodeCount); while (!double.IsFinite(f.Decode(code)));
                values[i] = T.FromCode(code);
            }
            uint expected = f.Encode(0.0, default, 0u);
            foreach (T v in values) expected = reference.Expected(f.Decode(expected), v.ToDouble(), '+');
            uint got = Sum<T>(values).Code;
            Assert.True(got == expected || f.IsNaNCode(got) && f.IsNaNCode(expected),
                $"{f.Name}: Sum gave 0x{got:X}, expected 0x{expected:X}");
        }
    }

    /// <summary>Every INumber type.</summary>
    [Fact]
    public void Generic_sum_matches_the_reference()
    {
        CheckSum<BFloat16>(1);
        CheckSum<Tf32>(2);
        CheckSum<Float8E4M3>(3);
        CheckSum<Float8E5M2>(4);
        CheckSum<Float8E4M3Fnuz>(5);
        CheckSum<Float8E5M2Fnuz>(6);
        CheckSum<Float6E2M3>(7);
        CheckSum<Float6E3M2>(8);
        CheckSum<Float4E2M1>(9);
    }

    /// <summary>Known answers of generic code: overflow to NaN in types without infinity, Max.</summary>
    [Fact]
    public void Generic_known_answers()
    {
        Assert.True(Float8E4M3.IsNaN(Sum<Float8E4M3>([Float8E4M3.MaxValue, Float8E4M3.MaxValue])));
        Assert.Equal(6.0, (double)Sum<Float4E2M1>([Float4E2M1.MaxValue, Float4E2M1.MaxValue])); // nothing beyond max
        Assert.True(Float8E4M3Fnuz.IsNaN(Sum<Float8E4M3Fnuz>([Float8E4M3Fnuz.MaxValue, Float8E4M3Fnuz.MaxValue])));
        // 1 + 1/16 is an E4M3 tie that goes to 1 (even), so each of the two additions leaves 1; one rounding of the whole
        // sum would give 1.125.
        var sixteenth = (Float8E4M3)0.0625;
        Assert.Equal(0.0625, (double)sixteenth);
        Assert.Equal(1.0, (double)Sum<Float8E4M3>([Float8E4M3.One, sixteenth, sixteenth]));
        Assert.Equal(1.125, (double)Sum<Float8E4M3>([sixteenth, sixteenth, Float8E4M3.One]));
    }

    /// <summary>CreateChecked/Saturating/Truncating round once, including integers wider than double's 53 bits and decimal;
    /// as for <see cref="Half"/>, "saturating" is about integer ranges: a floating-point overflow still gives Inf or NaN.</summary>
    [Fact]
    public void Create_from_other_number_types_rounds_once()
    {
        Assert.Equal(0x7F, Float8E4M3.CreateChecked(1000).ToBits());
        Assert.Equal(0x7F, Float8E4M3.CreateSaturating(1000L).ToBits());
        Assert.Equal(0xFF, Float8E4M3.CreateTruncating(-1000.5m).ToBits());
        Assert.True(Float8E5M2.IsPositiveInfinity(Float8E5M2.CreateSaturating(100000L)));
        Assert.True(Half.IsPositiveInfinity(Half.CreateSaturating(100000L))); // the same for System.Half
        Assert.Equal(448.0, (double)Float8E4M3.CreateChecked(460)); // below the tie 464: rounds to max
        Assert.Equal(448.0, (double)Float8E4M3.CreateChecked(464)); // the tie goes to the even code 0x7E
        // 2^60 + 2^52 + 1 is just above a BFloat16 tie; through double it would become the tie 2^60 + 2^52 and round to even.
        long wide = (1L << 60) + (1L << 52) + 1;
        Assert.Equal((double)(1L << 60), (double)(BFloat16)(double)wide); // the double-rounded answer
        Assert.Equal((double)((1L << 60) + (1L << 53)), (double)BFloat16.CreateChecked(wide));
        Assert.Equal((double)((1L << 60) + (1L << 53)), (double)BFloat16.CreateChecked((UInt128)wide));
        Assert.Equal((double)((1L << 60) + (1L << 53)), (double)BFloat16.CreateChecked(new BigInteger(wide)));
        Assert.Equal(-(double)((1L << 60) + (1L << 53)), (double)BFloat16.CreateChecked(-(Int128)wide));
        // decimal 1.06250000000000000000000001 is just above E4M3's tie 1.0625.
        Assert.Equal(1.125, (double)Float8E4M3.CreateChecked(1.06250000000000000000000001m));
        Assert.Equal(1.0, (double)Float8E4M3.CreateChecked(1.0625m));
        // Between the types: exact source value, one rounding.
        Assert.True(Float8E4M3.IsNaN(Float8E4M3.CreateChecked(BFloat16.MaxValue)));
        Assert.Equal(448.0, (double)Float8E4M3.CreateChecked((BFloat16)448.0));
        Assert.Equal(2.5, (double)Float8E5M2.CreateChecked((Float8E4M3)2.5));
        Assert.Equal(2.5, (double)(Float8E5M2)(Float8E4M3)2.5);
        Assert.Equal(3.0, (double)(Float4E2M1)(BFloat16)2.75);
        // Out to primitive types.
        Assert.Equal(448, int.CreateChecked(Float8E4M3.MaxValue));
        Assert.Equal(255, byte.CreateSaturating(Float8E4M3.MaxValue));
        Assert.Equal(1.5f, float.CreateChecked((Float4E2M1)1.5));
        Assert.Equal(0.5m, decimal.CreateChecked((Float4E2M1)0.5));
        Assert.Throws<OverflowException>(() => byte.CreateChecked(Float8E4M3.MaxValue));
        Assert.Equal(448.0, double.CreateChecked(Float8E4M3.MaxValue));
    }

    /// <summary>IFloatingPoint members: rounding to integers, exponent and significand.</summary>
    [Fact]
    public void Floating_point_members()
    {
        Assert.Equal(448.0, (double)Largest<Float8E4M3>([Float8E4M3.One, Float8E4M3.MaxValue, Float8E4M3.Zero]));
        Assert.True(Float8E5M2.IsNaN(Largest<Float8E5M2>([Float8E5M2.One, Float8E5M2.NaN])));
        Assert.Equal(2.0, (double)Float8E4M3.Ceiling((Float8E4M3)1.125));
        Assert.Equal(-2.0, (double)Float8E4M3.Floor((Float8E4M3)(-1.125)));
        Assert.Equal(2.0, (double)Float8E4M3.Round((Float8E4M3)2.5));
        Assert.Equal(3.0, (double)Float8E4M3.Round((Float8E4M3)2.5, MidpointRounding.AwayFromZero));
        Assert.Equal(-1.0, (double)Float8E4M3.Truncate((Float8E4M3)(-1.875)));
        Assert.Equal(0x80, Float8E4M3.Ceiling((Float8E4M3)(-0.5)).ToBits()); // -0
        Assert.Equal(0, Float8E4M3Fnuz.Ceiling((Float8E4M3Fnuz)(-0.5)).ToBits()); // no -0
        Assert.True(Float8E4M3.IsInteger((Float8E4M3)448.0));
        Assert.True(Float8E4M3.IsEvenInteger((Float8E4M3)6.0));
        Assert.True(Float8E4M3.IsOddInteger((Float8E4M3)7.0));
        Assert.Equal(-1, Float8E4M3.Sign((Float8E4M3)(-3.0)));
        Assert.Equal(-2.0, (double)Float8E4M3.CopySign((Float8E4M3)2.0, (Float8E4M3)(-0.0)));
        Assert.Equal(1.0, (double)Float8E4M3.Clamp((Float8E4M3)3.0, Float8E4M3.Zero, Float8E4M3.One));

        // value = significand * 2^(exponent - M): 448 = 14 * 2^(8 - 3); the smallest subnormal 2^-9 = 1 * 2^(-6 - 3).
        var x = Float8E4M3.MaxValue;
        Span<byte> buffer = stackalloc byte[4];
        Assert.True(x.TryWriteExponentLittleEndian(buffer, out int n));
        Assert.Equal(2, n);
        Assert.Equal(8, BitConverter.ToInt16(buffer));
        Assert.True(x.TryWriteSignificandLittleEndian(buffer, out n));
        Assert.Equal(14, BitConverter.ToUInt16(buffer));
        Assert.Equal(4, x.GetSignificandBitLength());
        Assert.Equal(4, x.GetExponentShortestBitLength()); // as Half: 8 = 0b1000
        Assert.True(Float8E4M3.Epsilon.TryWriteExponentBigEndian(buffer, out _));
        Assert.Equal(-6, (short)(buffer[0] << 8 | buffer[1]));
        Assert.True(Float8E4M3.Epsilon.TryWriteSignificandBigEndian(buffer, out _));
        Assert.Equal(1, buffer[0] << 8 | buffer[1]);
        Assert.Equal(4, Float8E4M3.Epsilon.GetExponentShortestBitLength()); // -6 needs 4 bits in two's complement
        Assert.False(x.TryWriteExponentBigEndian(buffer[..1], out n));
        Assert.Equal(0, n);
    }

    /// <summary>IEEE members: functions round the double result once; Sqrt is exact-then-rounded for every BFloat16 code.</summary>
    [Fact]
    public void Ieee_functions()
    {
        Assert.Equal((double)(BFloat16)Math.Exp(1.5), (double)BFloat16.Exp((BFloat16)1.5));
        Assert.Equal((double)(Float8E5M2)Math.Sin(1.0), (double)Float8E5M2.Sin(Float8E5M2.One));
        Assert.Equal(3.0, (double)Float8E5M2.Hypot((Float8E5M2)3.0, Float8E5M2.Zero));
        Assert.Equal(8.0, (double)Tf32.Pow((Tf32)2.0, (Tf32)3.0));
        Assert.Equal(0.5, (double)Tf32.Ieee754Remainder((Tf32)2.5, (Tf32)1.0)); // 2.5 - 2 * 1
        Assert.True(BFloat16.IsNaN(BFloat16.Sqrt((BFloat16)(-1.0))));
        Assert.Equal(0x8000, BFloat16.Sqrt(BFloat16.NegativeZero).ToBits());
        // sqrt(v) rounds to q iff sqrt(v) lies between the midpoints around q: compare their squares with v exactly.
        // (No tie exists: a midpoint has p + 1 significant bits and its square more than p.)
        for (uint c = 1; c < 0x7F80; c += 3)
        {
            var x = BFloat16.FromBits((ushort)c);
            double v = (double)x;
            var q = BFloat16.Sqrt(x);
            double up = (double)BFloat16.BitIncrement(q), down = (double)BFloat16.BitDecrement(q);
            Rational value = Rational.Of(v), lo = Rational.Of(((double)q + down) / 2), hi = Rational.Of(((double)q + up) / 2);
            Assert.True((value - lo * lo).Num.Sign > 0 && (hi * hi - value).Num.Sign > 0, $"sqrt({v}) gave {(double)q}");
        }
    }
}
