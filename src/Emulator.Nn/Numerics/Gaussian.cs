namespace Emulator.Nn.Numerics;

/// <summary>
/// The Gaussian error function in double precision, from basic IEEE operations and <see cref="Math.Exp"/> only (the same
/// bits on every instruction set; .NET has no <c>Math.Erf</c>): |t| &lt; 1 sums the Taylor series of erf(t)/t to 18 terms
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

    /// <summary>The complementary error function erfc(t) = 1 − erf(t).</summary>
    public static double Erfc(double t)
    {
        if (double.IsNaN(t)) return t;
        if (t <= -1) return 2 - Erfc(-t);
        if (t < 1) return 1 - Erf(t);
        if (t > 11) return 0;
        double s = 1 / t, x = (2 * s - TailLow - TailHigh) / (TailHigh - TailLow);
        var c = Tail;
        double b1 = 0, b2 = 0;
        for (int i = c.Length - 1; i >= 1; i--) (b1, b2) = (2 * x * b1 - b2 + c[i], b1);
        double k = x * b1 - b2 + c[0];
        return Math.Exp(-t * t) * (s * InvSqrtPi) * k;
    }

    /// <summary>erf(t) for |t| &lt; 1 (the Taylor series), else 1 − erfc(t).</summary>
    public static double Erf(double t)
    {
        if (!(Math.Abs(t) < 1)) return 1 - Erfc(t);
        double u = t * t, p = 0;
        var a = Series;
        for (int n = a.Length - 1; n >= 0; n--) p = p * u + a[n];
        return t * p;
    }

    /// <summary>The standard normal distribution function Φ(x) = erfc(−x/√2)/2.</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x * Sqrt1Half);

    /// <summary>The standard normal density φ(x) = exp(−x²/2)/√(2π).</summary>
    public static double Pdf(double x) => Math.Exp(-0.5 * x * x) * InvSqrt2Pi;
}
