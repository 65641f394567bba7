using System.Numerics;

namespace Emulator.Formats.Tests.NumberTypes;

/// <summary>+, -, *, / equal the exact result rounded once (exhaustive for 8-bit and smaller types, random for 16/19-bit).</summary>
public class ArithmeticTests
{

    private static (char Op, Func<T, T, T> F)[] AllOps<T>() where T : INumber<T> =>
        [('+', (a, b) => a + b), ('-', (a, b) => a - b), ('*', (a, b) => a * b), ('/', (a, b) => a / b)];

    private static List<(uint, uint)> AllPairs(FloatFormat f)
    {
        var pairs = new List<(uint, uint)>((int)(f.CodeCount * f.CodeCount));
        for (uint a = 0; a < f.CodeCount; a++)
        for (uint b = 0; b < f.CodeCount; b++) pairs.Add((a, b));
        return pairs;
    }

    private static List<(uint, uint)> RandomPairs(FloatFormat f, int count, int seed)
    {
        var rng = new Random(seed);
        var pairs = new List<(uint, uint)>(count);
        for (int i = 0; i < count; i++) pairs.Add(((uint)rng.NextInt64((long)f.CodeCount), (uint)rng.NextInt64((long)f.CodeCount)));
        // Pairs close in value exercise cancellation and ties: b = a with a few low bits changed.
        for (int i = 0; i < count / 4; i++)
        {
            uint a = (uint)rng.NextInt64((long)f.CodeCount);
            pairs.Add((a, (a ^ (uint)rng.Next(1, 64)) & (uint)(f.CodeCount - 1)));
        }
        return pairs;
    }

    /// <summary>
    /// Checks every pair and operation against <see cref="ExactReference"/>. With <paramref name="sumsExactInDouble"/>,
    /// also proves that +, -, * of finite values are exact in double and that the library's scalar encoder applied to
    /// that double agrees with the independent reference (so the reference itself is checked against FloatFormat).
    /// </summary>
    private static void Check<T>(List<(uint A, uint B)> pairs, (char Op, Func<T, T, T> F)[] ops, bool sumsExactInDouble)
        where T : struct, IEmulatedNumber<T>
    {
        FloatFormat f = T.Format;
        var reference = new ExactReference(f);
        var failures = new List<string>();
        int checkedCount = 0;
        foreach (var (op, fn) in ops)
        foreach (var (ca, cb) in pairs)
        {
            T a = T.FromCode(ca), b = T.FromCode(cb);
            double x = a.ToDouble(), y = b.ToDouble();
            uint got = fn(a, b).Code;
            uint want = reference.Expected(x, y, op);
            bool same = got == want || f.IsNaNCode(got) && f.IsNaNCode(want);
            if (sumsExactInDouble && op != '/' && double.IsFinite(x) && double.IsFinite(y))
            {
                double d = op switch { '+' => x + y, '-' => x - y, _ => x * y };
                if (!ExactReference.IsExactInDouble(x, y, d, op))
                    failures.Add($"{f.Name}: {x} {op} {y} is not exact in double");
                else if (d != 0 && f.Encode(d, NumberTypeConvert.TypeRounding, 0u) != want)
                    failures.Add($"{f.Name}: reference disagrees with FloatFormat.Encode at {x} {op} {y}");
            }
            if (!same)
                failures.Add($"{f.Name}: 0x{ca:X} {op} 0x{cb:X} ({x} {op} {y}) gave 0x{got:X} ({f.Decode(got)}), expected 0x{want:X} ({f.Decode(want)})");
            checkedCount++;
            if (failures.Count > 10) break;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(pairs.Count * ops.Length, checkedCount);
    }

    private static void Exhaustive<T>() where T : struct, IEmulatedNumber<T>, INumber<T> =>
        Check(AllPairs(T.Format), AllOps<T>(), sumsExactInDouble: true);

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float8E4M3_exhaustive() => Exhaustive<Float8E4M3>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float8E5M2_exhaustive() => Exhaustive<Float8E5M2>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float8E4M3Fnuz_exhaustive() => Exhaustive<Float8E4M3Fnuz>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float8E5M2Fnuz_exhaustive() => Exhaustive<Float8E5M2Fnuz>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float6E2M3_exhaustive() => Exhaustive<Float6E2M3>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float6E3M2_exhaustive() => Exhaustive<Float6E3M2>();

    /// <summary>Every pair of codes, four operations.</summary>
    [Fact] public void Float4E2M1_exhaustive() => Exhaustive<Float4E2M1>();

    /// <summary>E8M0 has only * and / (no zero, no negatives): every pair of codes.</summary>
    [Fact]
    public void Float8E8M0_exhaustive_multiply_divide() =>
        Check<Float8E8M0>(AllPairs(Float8E8M0.Format), [('*', (a, b) => a * b), ('/', (a, b) => a / b)], sumsExactInDouble: true);

    /// <summary>Random pairs (and near pairs), four operations; sums are not exact in double here (exponent span 261 bits).</summary>
    [Fact] public void BFloat16_random() => Check(RandomPairs(BFloat16.Format, 12000, 16), AllOps<BFloat16>(), sumsExactInDouble: false);

    /// <summary>Random pairs (and near pairs), four operations.</summary>
    [Fact] public void Tf32_random() => Check(RandomPairs(Tf32.Format, 12000, 19), AllOps<Tf32>(), sumsExactInDouble: false);

    /// <summary>
    /// A case where rounding through the nearest double double-rounds: 1.75 * 37/64 = 1 + 1.5 * 2^-7 is a BFloat16 tie,
    /// and subtracting 2^-100 moves the exact result just below it, which the nearest double cannot see.
    /// </summary>
    [Fact]
    public void Fused_multiply_add_does_not_double_round()
    {
        var a = (BFloat16)1.75;
        var b = (BFloat16)(37.0 / 64);
        var c = (BFloat16)(-Math.ScaleB(1, -100));
        Assert.Equal(37.0 / 64, (double)b);
        Assert.Equal(-Math.ScaleB(1, -100), (double)c);
        double naive = 1.75 * (37.0 / 64) + -Math.ScaleB(1, -100);
        Assert.Equal(1 + 1.5 / 128, naive); // the nearest double is the tie itself
        Assert.Equal(1 + 2.0 / 128, (double)(BFloat16)naive); // which rounds to even, upward
        Assert.Equal(1 + 1.0 / 128, (double)BFloat16.FusedMultiplyAdd(a, b, c)); // the exact result is below the tie
    }

    /// <summary>Fused multiply-add of BFloat16 equals a*b+c rounded once.</summary>
    [Fact]
    public void BFloat16_fused_multiply_add_rounds_once()
    {
        var f = BFloat16.Format;
        var reference = new ExactReference(f);
        var rng = new Random(7);
        for (int i = 0; i < 3000; i++)
        {
            var a = BFloat16.FromBits((ushort)rng.Next(65536));
            var b = BFloat16.FromBits((ushort)rng.Next(65536));
            var c = BFloat16.FromBits((ushort)rng.Next(65536));
            double x = a.ToDouble(), y = b.ToDouble(), z = c.ToDouble();
            if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z)) continue;
            Rational r = Rational.Of(x) * Rational.Of(y) + Rational.Of(z);
            uint want = r.Num.IsZero ? f.Encode(x * y + z, default, 0u) : reference.RoundNearestEven(r, OverflowPolicy.Infinity);
            Assert.Equal(want, (uint)BFloat16.FusedMultiplyAdd(a, b, c).ToBits());
        }
    }

    /// <summary>Remainder, negation, increment and decrement of every E4M3 code (and pair, for %).</summary>
    [Fact]
    public void Remainder_negation_increment_exhaustive()
    {
        var f = Float8E4M3.Format;
        var reference = new ExactReference(f);
        for (uint a = 0; a < 256; a++)
        {
            var x = Float8E4M3.FromCode(a);
            double v = x.ToDouble();
            if (double.IsNaN(v))
            {
                Assert.True(Float8E4M3.IsNaN(-x) && Float8E4M3.IsNaN(x + Float8E4M3.One));
                continue;
            }
            Assert.Equal(a ^ 0x80, (-x).Code); // sign-magnitude with -0: negation flips the sign bit
            Assert.Equal(reference.Expected(v, 1.0, '+'), (++x).Code);
            x = Float8E4M3.FromCode(a);
            Assert.Equal(reference.Expected(v, 1.0, '-'), (--x).Code);
            for (uint b = 0; b < 256; b++)
            {
                double w = f.Decode(b);
                double r = v % w; // fmod is exact
                uint want = double.IsNaN(r) ? f.NaNCode(false) : f.Encode(r, default, 0u);
                uint got = (Float8E4M3.FromCode(a) % Float8E4M3.FromCode(b)).Code;
                Assert.True(got == want || f.IsNaNCode(got) && f.IsNaNCode(want), $"{v} % {w}");
                if (double.IsFinite(r) && r != 0) Assert.Equal(r, f.Decode(got)); // the remainder is a value of the type
            }
        }
    }
}
