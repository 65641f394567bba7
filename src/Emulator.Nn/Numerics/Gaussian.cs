namespace Emulator.Nn.Numerics;

/// <summary>
/// The Gaussian error function in double precision from basic IEEE operations and <see cref="DoubleMath.Exp"/>, written
/// over <see cref="ILanes{T}"/> (the same bits on Vector512, Vector256 and scalar code; .NET has no <c>Math.Erf</c>): |t| &lt; 1 sums the Taylor series of erf(t)/t to 18 terms
/// (truncation below 1e-17); t ≥ 1 uses erfc(t) = exp(−t²)/(t√π)·K(1/t) with K a 22-term Chebyshev fit on [1/11, 1]
/// (relative error 5e-14 against libm, written by <c>generate_erfc.py</c>); erfc(t) is taken as 0 beyond t = 11 (below 1.5e-54).
/// Float32 results rounded from these are correctly rounded except in rare double-rounding cases.
/// </summary>
internal static class Gaussian
{
    private const double TailLow = 1.0 / 11.0, TailHigh = 1.0;
    private const double InvSqrtPi = 0.56418958354775628, Sqrt1Half = 0.70710678118654752, InvSqrt2Pi = 0.39894228040143268;

    /// <summary>Chebyshev coefficients of K(s) on s in [1/11, 1] (c0 + Σ cᵢ Tᵢ).</summary>
    private static ReadOnlySpan<double> Tail =>
    [
        // <erfc-tail>
        0.885153423066875,
        -0.12357189112881761,
        -0.007460723772331343,
        0.004516094036742812,
        -0.0008242367339457763,
        4.30279749913488e-05,
        2.4626176487019258e-05,
        -1.0029753864801176e-05,
        2.056223089907938e-06,
        -1.455013059834733e-07,
        -7.394328596896119e-08,
        3.8250692583038676e-08,
        -1.0265120460721406e-08,
        1.5059841858415398e-09,
        1.223064780766301e-10,
        -1.6871847858206996e-10,
        6.539714729343741e-11,
        -1.598938153596857e-11,
        1.9495263989003062e-12,
        4.4748548301175684e-13,
        -3.8418763120324167e-13,
        1.4266113543018574e-13,
        // </erfc-tail>
    ];

    /// <summary>Taylor coefficients of erf(t)/t in powers of t²: 2/√π (−1)ⁿ / (n! (2n + 1)).</summary>
    private static readonly double[] Series = MakeSeries(18);

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
    public static T Erfc<T>(T t) where T : struct, ILanes<T>
    {
        var one = T.Create(1);
        var a = T.Abs(t);
        // |t| < 1: 1 − t·Σ aₙ t²ⁿ
        var u = t * t;
        var series = Series;
        var p = T.Create(series[^1]);
        for (int n = series.Length - 2; n >= 0; n--) p = p * u + T.Create(series[n]);
        var near = one - t * p;
        // |t| ≥ 1: exp(−t²)/(|t|√π)·K(1/|t|), reflected for t < 0; 0 beyond 11
        var at = T.Max(a, one);
        var s = one / at;
        var x = (s * T.Create(2) - T.Create(TailLow) - T.Create(TailHigh)) / T.Create(TailHigh - TailLow);
        var c = Tail;
        T b1 = T.Create(0), b2 = T.Create(0);
        for (int i = c.Length - 1; i >= 1; i--) (b1, b2) = (T.Create(2) * x * b1 - b2 + T.Create(c[i]), b1);
        var k = x * b1 - b2 + T.Create(c[0]);
        var tail = DoubleMath.Exp(T.Create(0) - at * at) * (s * T.Create(InvSqrtPi)) * k;
        tail = T.Select(T.GreaterThan(at, T.Create(11)), T.Create(0), tail);
        tail = T.Select(T.LessThan(t, T.Create(0)), T.Create(2) - tail, tail);
        var y = T.Select(T.LessThan(a, one), near, tail);
        return T.Select(T.IsNaN(t), t, y);
    }

    /// <summary>erfc of one double.</summary>
    public static double Erfc(double t) => Erfc(new Lane(t)).V;

    /// <summary>The standard normal distribution function Φ(x) = erfc(−x/√2)/2.</summary>
    public static T Cdf<T>(T x) where T : struct, ILanes<T> => T.Create(0.5) * Erfc(x * T.Create(-Sqrt1Half));

    /// <summary>The standard normal density φ(x) = exp(−x²/2)/√(2π).</summary>
    public static T Pdf<T>(T x) where T : struct, ILanes<T> => DoubleMath.Exp(x * x * T.Create(-0.5)) * T.Create(InvSqrt2Pi);

    /// <summary>Φ of one double.</summary>
    public static double Cdf(double x) => Cdf(new Lane(x)).V;
}
