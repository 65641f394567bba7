using System.Runtime.CompilerServices;
namespace Emulator.Nn.Numerics;

/// <summary>
/// The Gaussian error function in double precision from basic IEEE operations and <see cref="DoubleMath.Exp"/>, written
/// over <see cref="IDoubleVector{T}"/> (the same bits on Vector512, Vector256 and scalar code; .NET has no <c>Math.Erf</c>).
/// |t| &lt; 1 sums the Taylor series of erf(t)/t to 15 terms (truncation below 3e-14); |t| ≥ 1 uses
/// erfc(t) = exp(−t²)/(t√π)·K(1/t) with K a degree-17 polynomial fitted on [1/11, 1] (relative error 3e-12, written by
/// <c>generate_erfc.py</c>); erfc(t) is taken as 0 beyond t = 11 (below 1.5e-54). Float32 results rounded from these are
/// correctly rounded except in rare double-rounding cases.
/// </summary>
internal static class Gaussian
{
    private const double TailLow = 1.0 / 11.0, TailHigh = 1.0;
    private const double InvSqrtPi = 0.56418958354775628, Sqrt1Half = 0.70710678118654752, InvSqrt2Pi = 0.39894228040143268;

    /// <summary>K(s) on s in [1/11, 1] as Σ cᵢ xⁱ with x = (2s − 1/11 − 1)/(1 − 1/11).</summary>
    private static ReadOnlySpan<double> Tail =>
    [
        // <erfc-tail>
        0.8917674037734654,
        -0.13683653352513886,
        -0.00795303614099559,
        0.016667396411187713,
        -0.007426015053676288,
        0.001707017555623549,
        0.00021535472325082437,
        -0.00046910031777159915,
        0.00028915995773420237,
        -0.00011194879867520374,
        1.8178035364573785e-05,
        1.0997546783957861e-05,
        -1.0520119114213836e-05,
        8.532280067659789e-06,
        -7.619730695296311e-06,
        1.8111993035240117e-06,
        2.1554945609144243e-06,
        -1.0771522688123189e-06,
        // </erfc-tail>
    ];

    /// <summary>Taylor coefficients of erf(t)/t in powers of t²: 2/√π (−1)ⁿ / (n! (2n + 1)).</summary>
    private static readonly double[] Series = MakeSeries(15);

    private static double[] MakeSeries(int terms)
    {
        var a = new double[terms];
        double factorial = 1;
        for (int n = 0; n < terms; n++)
        {
            if (n > 0) factorial *= n;
            a[n] = (n % 2 == 0 ? 2 : -2) * InvSqrtPi / (factorial * (2 * n + 1));
        }
        return a;
    }

    /// <summary>The complementary error function erfc(t) = 1 − erf(t) (both branches are evaluated and one selected,
    /// so vector lanes and the scalar path run the same operations).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // inlined twice into a kernel it exceeds the JIT's budget (unoptimized code)
    public static T Erfc<T>(T t) where T : struct, IDoubleVector<T>
    {
        var one = T.Splat(1);
        var a = T.Abs(t);
        // |t| < 1: 1 − t·Σ aₙ t²ⁿ
        var near = one - t * DoubleMath.Polynomial(t * t, Series);
        // |t| ≥ 1: exp(−t²)/(|t|√π)·K(1/|t|), reflected for t < 0; 0 beyond 11
        var at = T.Max(a, one);
        var s = one / at;
        var x = (s * T.Splat(2) - T.Splat(TailLow) - T.Splat(TailHigh)) / T.Splat(TailHigh - TailLow);
        var k = DoubleMath.Polynomial(x, Tail);
        var tail = DoubleMath.Exp(T.Splat(0) - at * at) * (s * T.Splat(InvSqrtPi)) * k;
        tail = T.Select(T.GreaterThan(at, T.Splat(11)), T.Splat(0), tail);
        tail = T.Select(T.LessThan(t, T.Splat(0)), T.Splat(2) - tail, tail);
        var y = T.Select(T.LessThan(a, one), near, tail);
        return T.Select(T.IsNaN(t), t, y);
    }

    /// <summary>erfc of one double.</summary>
    public static double Erfc(double t) => Erfc(new D1(t)).V;

    /// <summary>The standard normal distribution function Φ(x) = erfc(−x/√2)/2.</summary>
    public static T Cdf<T>(T x) where T : struct, IDoubleVector<T> => T.Splat(0.5) * Erfc(x * T.Splat(-Sqrt1Half));

    /// <summary>The standard normal density φ(x) = exp(−x²/2)/√(2π).</summary>
    public static T Pdf<T>(T x) where T : struct, IDoubleVector<T> => DoubleMath.Exp(x * x * T.Splat(-0.5)) * T.Splat(InvSqrt2Pi);

    /// <summary>Φ of one double.</summary>
    public static double Cdf(double x) => Cdf(new D1(x)).V;
}
