using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using static Emulator.Formats.Tests.Posits.ReferencePosit;

namespace Emulator.Formats.Tests.Posits;

/// <summary>FsCheck properties of posit conversion and arithmetic, checked against <see cref="ReferencePosit"/>.</summary>
public sealed class PositPropertyTests
{
    private static readonly PositLayout[] Layouts = [new(8, 2), new(16, 2), new(32, 2), new(8, 0), new(16, 1), new(12, 3), new(5, 4), new(2, 1), new(27, 0)];

    private static readonly RoundingMode[] Modes = Enum.GetValues<RoundingMode>();

    private static Config Runs(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    /// <summary>Doubles spread over 2^-150..2^150 (beyond every posit32 range), both signs, random 53-bit significands.</summary>
    private static Gen<double> Doubles =>
        from e in Gen.Choose(-150, 150)
        from hi in Gen.Choose(0, int.MaxValue)
        from lo in Gen.Choose(0, int.MaxValue)
        from negative in Gen.Elements(false, true)
        select (negative ? -1 : 1) * Math.ScaleB(1.0 + ((((ulong)(uint)hi << 21) ^ (uint)lo) & ((1UL << 52) - 1)) * Math.ScaleB(1.0, -52), e);

    private static Gen<PositLayout> AnyLayout => Gen.Elements(Layouts);

    private static Gen<uint> Code(PositLayout p) =>
        from hi in Gen.Choose(0, int.MaxValue)
        from lo in Gen.Choose(0, 3)
        select (((uint)hi << 1) ^ (uint)lo) & p.Mask;

    [Fact]
    public void ConversionIsMonotoneInEveryDeterministicMode()
    {
        var gen = from p in AnyLayout from x in Doubles from y in Doubles from m in Gen.Elements(Modes.Where(m => m is not (RoundingMode.Stochastic or RoundingMode.StochasticEqual)).ToArray())
                  select (p, Math.Min(x, y), Math.Max(x, y), m);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, x, y, mode) = t;
            var o = new RoundingOptions(mode);
            return p.Compare(p.FromDouble(x, o), p.FromDouble(y, o)) <= 0;
        }).Check(Runs(2000));
    }

    [Fact]
    public void NonzeroFiniteInputNeverGivesZeroOrNaR()
    {
        var gen = from p in AnyLayout from x in Doubles from m in Gen.Elements(Modes) from r in Gen.Choose(int.MinValue, int.MaxValue)
                  select (p, x, m, (uint)r);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, x, mode, r) = t;
            uint code = p.FromDouble(x, new RoundingOptions(mode), r);
            return code != 0 && code != p.NaR && (code >> (p.N - 1) != 0) == (x < 0);
        }).Check(Runs(2000));
        foreach (PositLayout p in Layouts)
            foreach (double x in new[] { double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue })
                foreach (RoundingMode mode in Modes)
                {
                    uint code = p.FromDouble(x, new RoundingOptions(mode), 0x9E3779B9u);
                    Assert.Equal(Math.Abs(x) < 1 ? 1u : p.MaxPosCode, x < 0 ? p.Negate(code) : code);
                }
    }

    [Fact]
    public void ConversionIsSignSymmetric()
    {
        var gen = from p in AnyLayout from x in Doubles from m in Gen.Elements(Modes) from r in Gen.Choose(int.MinValue, int.MaxValue)
                  select (p, x, m, (uint)r);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, x, mode, r) = t;
            RoundingMode mirrored = mode switch
            {
                RoundingMode.TowardPositive => RoundingMode.TowardNegative,
                RoundingMode.TowardNegative => RoundingMode.TowardPositive,
                _ => mode,
            };
            return p.FromDouble(-x, new RoundingOptions(mode), r) == p.Negate(p.FromDouble(x, new RoundingOptions(mirrored), r));
        }).Check(Runs(2000));
    }

    [Fact]
    public void NearestEvenConversionMatchesReference()
    {
        var gen = from p in AnyLayout from x in Doubles select (p, x);
        Prop.ForAll(gen.ToArbitrary(), t => t.p.FromDouble(t.x) == RoundNearestEven(t.p.N, t.p.Es, OfDouble(t.x))).Check(Runs(500));
    }

    [Fact]
    public void DirectedAndStochasticModesPickANeighbour()
    {
        var gen = from p in AnyLayout from x in Doubles from r in Gen.Choose(int.MinValue, int.MaxValue) select (p, x, (uint)r);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, x, r) = t;
            uint[] results = Modes.Select(m => p.FromDouble(x, new RoundingOptions(m), r)).ToArray();
            double maxpos = p.ToDouble(p.MaxPosCode), minpos = p.ToDouble(1);
            uint sign(uint magnitude) => x < 0 ? p.Negate(magnitude) : magnitude;
            if (Math.Abs(x) >= maxpos) return results.All(c => c == sign(p.MaxPosCode));
            if (Math.Abs(x) <= minpos) return results.All(c => c == sign(1));
            uint down = p.FromDouble(x, new RoundingOptions(RoundingMode.TowardNegative));
            uint up = p.FromDouble(x, new RoundingOptions(RoundingMode.TowardPositive));
            double dv = p.ToDouble(down), uv = p.ToDouble(up);
            if (dv == x) return results.All(c => c == down);
            bool bracket = dv < x && x < uv && p.SignedCode(up) - p.SignedCode(down) == 1;
            uint odd = p.FromDouble(x, new RoundingOptions(RoundingMode.ToOdd));
            return bracket && results.All(c => c == down || c == up) && (odd & 1) == 1;
        }).Check(Runs(1000));
    }

    [Fact]
    public void ArithmeticMatchesExactRationalRoundedOnce()
    {
        PositLayout[] layouts = [new(16, 2), new(32, 2), new(13, 1), new(24, 3)];
        var gen = from p in Gen.Elements(layouts) from a in Code(p) from b in Code(p) from c in Code(p) select (p, a, b, c);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, a, b, c) = t;
            Rational? va = Value(p.N, p.Es, a), vb = Value(p.N, p.Es, b), vc = Value(p.N, p.Es, c);
            if (va is null || vb is null || vc is null) return p.FusedMultiplyAdd(a, b, c) == p.NaR;
            uint Ref(Rational x) => RoundNearestEven(p.N, p.Es, x);
            bool add = p.Add(a, b) == Ref(va.Value + vb.Value);
            bool sub = p.Subtract(a, b) == Ref(va.Value + -vb.Value);
            bool mul = p.Multiply(a, b) == Ref(va.Value * vb.Value);
            bool div = b == 0 ? p.Divide(a, b) == p.NaR : p.Divide(a, b) == Ref(va.Value / vb.Value);
            bool fma = p.FusedMultiplyAdd(a, b, c) == Ref(va.Value * vb.Value + vc.Value);
            var wider = new PositLayout(Math.Min(32, p.N + 5), p.Es);
            var narrower = new PositLayout(Math.Max(2, p.N - 7), 2);
            bool convert = p.ConvertTo(wider, a) == Ref2(wider, va.Value) && p.ConvertTo(narrower, a) == Ref2(narrower, va.Value);
            return add && sub && mul && div && fma && convert;
        }).Check(Runs(400));

        static uint Ref2(PositLayout q, Rational x) => RoundNearestEven(q.N, q.Es, x);
    }

    [Fact]
    public void FusedMultiplyAddCancelsExactly()
    {
        var p = new PositLayout(32, 2);
        uint a = p.FromDouble(1.0 + Math.ScaleB(1, -20)), b = p.FromDouble(1.0 - Math.ScaleB(1, -20));
        // a * b = 1 - 2^-40 exactly; a * b - 1 = -2^-40 (a rounded product would give 0 or a coarse value)
        Assert.Equal(p.FromDouble(-Math.ScaleB(1, -40)), p.FusedMultiplyAdd(a, b, p.FromDouble(-1.0)));
        Assert.Equal(0u, p.FusedMultiplyAdd(p.FromDouble(3), p.FromDouble(5), p.FromDouble(-15)));
    }

    [Fact]
    public void QuireDotEqualsExactRationalSumRoundedOnce()
    {
        int[] widths = [8, 16, 32];
        var gen = from n in Gen.Elements(widths)
                  from k in Gen.Choose(1, 24)
                  from codes in Gen.ArrayOf(Code(new PositLayout(n, 2)), 2 * k)
                  select (n, codes);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (n, codes) = t;
            int k = codes.Length / 2;
            uint[] a = codes[..k], b = codes[k..(2 * k)];
            var sum = new Rational(0, 1);
            bool nar = false;
            for (int i = 0; i < k; i++)
            {
                Rational? va = Value(n, 2, a[i]), vb = Value(n, 2, b[i]);
                if (va is null || vb is null) { nar = true; continue; }
                sum += va.Value * vb.Value;
            }
            uint expected = nar ? 1u << (n - 1) : sum.Sign == 0 ? 0u : RoundNearestEven(n, 2, sum);
            return Quire.Dot(n, a, b) == expected;
        }).Check(Runs(400));
    }

    [Fact]
    public void QuireAddSubtractAndClear()
    {
        var q = new Quire(16);
        var p = q.Layout;
        uint three = p.FromDouble(3), half = p.FromDouble(0.5), maxpos = p.MaxPosCode, minpos = 1u;
        q.AddProduct(maxpos, maxpos);
        q.AddProduct(minpos, minpos);
        q.SubtractProduct(maxpos, maxpos);
        Assert.False(q.IsZero);
        Assert.Equal(1u, q.ToPosit()); // minpos^2 rounds to minpos, never 0
        q.Subtract(minpos);
        q.AddProduct(minpos, p.Negate(minpos));
        q.Add(minpos);
        Assert.True(q.IsZero);
        q.Add(three);
        q.SubtractProduct(three, half);
        Assert.Equal(p.FromDouble(1.5), q.ToPosit());
        q.AddProduct(p.NaR, three);
        Assert.True(q.IsNaR);
        Assert.Equal(p.NaR, q.ToPosit());
        q.Clear();
        Assert.True(q.IsZero);
        Assert.Equal(0u, q.ToPosit());
        var q8 = new Quire(8);
        q8.AddProduct(0x7F, 0x7F);
        q8.SubtractProduct(0x01, 0x01);
        Assert.Equal(0x7Fu, q8.ToPosit());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Quire(33));
        Assert.Throws<ArgumentException>(() => new Quire(new PositFormat(16, 1)));
        Assert.Throws<ArgumentException>(() => Quire.Dot(16, new uint[2], new uint[3]));
    }

    [Fact]
    public void IntegerConversionsMatchReference()
    {
        var gen = from p in AnyLayout from a in Code(p) from v in Gen.Choose(int.MinValue, int.MaxValue) from s in Gen.Choose(0, 31)
                  select (p, a, (long)v << s);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (p, a, v) = t;
            bool from = p.FromInt64(v) == (v == 0 ? 0u : RoundNearestEven(p.N, p.Es, new Rational(v, 1)));
            long i = p.ToInt64(a);
            Rational? va = Value(p.N, p.Es, a);
            bool to;
            if (va is null) to = i == long.MinValue;
            else
            {
                // nearest integer, ties to even, clamped to long
                BigInteger floor = BigInteger.Divide(va.Value.P - (va.Value.P.Sign < 0 ? va.Value.Q - 1 : 0), va.Value.Q);
                var twice = new Rational(2 * (va.Value.P - floor * va.Value.Q), va.Value.Q);
                int c = twice.CompareTo(new Rational(1, 1));
                BigInteger nearest = c < 0 ? floor : c > 0 ? floor + 1 : floor.IsEven ? floor : floor + 1;
                to = i == (long)BigInteger.Clamp(nearest, long.MinValue, long.MaxValue);
            }
            return from && to;
        }).Check(Runs(1000));
        var p32 = new PositLayout(32, 2);
        Assert.Equal(long.MaxValue, p32.ToInt64(p32.MaxPosCode));
        Assert.Equal(long.MinValue, p32.ToInt64(p32.Negate(p32.MaxPosCode)));
        Assert.Equal(-3L, p32.ToInt64(p32.FromDouble(-2.5), new RoundingOptions(RoundingMode.NearestAway)));
        Assert.Equal(2L, p32.ToInt64(p32.FromDouble(2.9), new RoundingOptions(RoundingMode.TowardZero)));
        Assert.Equal(p32.FromDouble(-9.223372036854775808e18), p32.FromInt64(long.MinValue));
        Assert.Equal(p32.FromDouble(1.8446744073709552e19), p32.FromUInt64(ulong.MaxValue));
    }
}
