using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.Properties;

/// <summary>FsCheck generators of float32 inputs that stress a format: its values, midpoints, ±1 float32 ulp around both,
/// the overflow region, and raw bit patterns; plus rounding modes and policies.</summary>
public static class FormatGen
{
    /// <summary>Every preset scalar format's name (theory data).</summary>
    public static TheoryData<string> PresetScalars() =>
        new(FormatRegistry.Default.All.OfType<ScalarFormat>().Select(f => f.Name));

    /// <summary>A preset scalar format by name.</summary>
    public static ScalarFormat Preset(string name) => FormatRegistry.Default.GetScalar(name);

    /// <summary>Every rounding mode.</summary>
    public static readonly RoundingMode[] AllModes = Enum.GetValues<RoundingMode>();

    /// <summary>The deterministic modes.</summary>
    public static readonly RoundingMode[] DeterministicModes =
        AllModes.Where(m => m is not (RoundingMode.Stochastic or RoundingMode.StochasticEqual)).ToArray();

    /// <summary>Both overflow policies.</summary>
    public static readonly OverflowPolicy[] Policies = [OverflowPolicy.Saturate, OverflowPolicy.Infinity];

    /// <summary>Float32 inputs (as double) weighted toward the interesting points of the format.</summary>
    public static Gen<double> Inputs(ScalarReference r, bool finiteOnly = false)
    {
        double[] v = r.Values;
        Gen<double> value = Gen.Choose(0, v.Length - 1).Select(i => v[i]);
        Gen<double> midpoint = Gen.Choose(0, v.Length - 2).Select(i => (v[i] + v[i + 1]) / 2);
        Gen<double> quarter = Gen.Choose(0, v.Length - 2).SelectMany(i => Gen.Choose(1, 7).Select(k => v[i] + (v[i + 1] - v[i]) * k / 8));
        Gen<double> anchor = Gen.Frequency((3, value), (3, midpoint), (1, quarter));
        Gen<double> nearAnchor = anchor.SelectMany(a => Gen.Choose(-2, 2).Select(d => Ulps(a, d)));
        Gen<double> inRange = Gen.Choose(0, 1 << 30).Select(k => r.Min + (r.Max - r.Min) * (k / (double)(1 << 30)));
        Gen<double> aboveMax = Gen.Choose(0, 4096).Select(k => r.Max * (1 + k / 2048.0))
            .SelectMany(a => Gen.Elements(a, -a, Ulps(a, 1), -Ulps(a, -1)));
        Gen<double> bits = Gen.Choose(int.MinValue, int.MaxValue).Select(b => (double)BitConverter.Int32BitsToSingle(b));
        Gen<double> tiny = Gen.Choose(1, 1 << 23).Select(b => (double)BitConverter.Int32BitsToSingle(b)); // float32 subnormals
        Gen<double> any = Gen.Frequency((4, value), (5, midpoint), (2, quarter), (6, nearAnchor), (2, inRange), (2, aboveMax), (2, bits), (1, tiny));
        Gen<double> signed = any.SelectMany(x => Gen.Elements(x, -x));
        Gen<double> asFloat = signed.Select(x => (double)(float)x);
        return finiteOnly ? asFloat.Where(double.IsFinite) : asFloat;
    }

    /// <summary>Float32 inputs inside [Min, Max] of the format.</summary>
    public static Gen<double> InRangeInputs(ScalarReference r) => Inputs(r, finiteOnly: true).Where(r.InRange);

    /// <summary>x moved by d float32 ulps.</summary>
    public static double Ulps(double x, int d)
    {
        float f = (float)x;
        for (; d > 0; d--) f = MathF.BitIncrement(f);
        for (; d < 0; d++) f = MathF.BitDecrement(f);
        return f;
    }

    /// <summary>A mode from the list.</summary>
    public static Gen<RoundingMode> Mode(RoundingMode[]? modes = null) => Gen.Elements(modes ?? AllModes);

    /// <summary>A policy.</summary>
    public static Gen<OverflowPolicy> Policy() => Gen.Elements(Policies);

    /// <summary>Options for a mode and policy, with a random seed and stream and (for stochastic) 32 or a random number of bits.</summary>
    public static Gen<RoundingOptions> Options(RoundingMode[]? modes = null) =>
        from mode in Mode(modes)
        from policy in Policy()
        from seed in Gen.Choose(0, int.MaxValue)
        from stream in Gen.Choose(0, 1000)
        from bits in Gen.Frequency((3, Gen.Constant(32)), (1, Gen.Choose(1, 32)))
        select new RoundingOptions(mode, policy) { Seed = (ulong)seed * 0x9E3779B97F4A7C15UL, Stream = (uint)stream, StochasticBits = bits };

    /// <summary>Runs a property with a modest number of cases.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> body, int maxTest = 300) =>
        Prop.ForAll(gen.ToArbitrary(), body).Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest));

    /// <summary>
    /// Asserts that <paramref name="ups"/> successes in <paramref name="n"/> trials are consistent with probability p: within
    /// 6 standard deviations plus 4 counts (the slack covers the Poisson tail when n p is small; 6 rather than 5 standard
    /// deviations because each run makes thousands of such checks with fresh FsCheck seeds).
    /// </summary>
    public static void AssertProportion(int ups, int n, double p, string where)
    {
        double sd = Math.Sqrt(n * p * (1 - p));
        Assert.True(Math.Abs(ups - n * p) <= 6 * sd + 4, $"{where}: {ups} of {n} rounded up, expected {n * p:F2} (p = {p}, sd = {sd:F2})");
    }
}
