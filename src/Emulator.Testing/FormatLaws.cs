using Emulator.Formats;
using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Testing;

/// <summary>The outcome of one law.</summary>
public sealed record LawResult(string Law, bool Passed, string? Counterexample, int Cases)
{
    /// <inheritdoc />
    public override string ToString() => Passed ? $"pass  {Law} ({Cases} cases)" : $"FAIL  {Law}: {Counterexample}";
}

/// <summary>All laws checked for one format, rounding mode and overflow policy.</summary>
public sealed record FormatLawReport(string Format, RoundingOptions Options, IReadOnlyList<LawResult> Results)
{
    /// <summary>True when every law passed.</summary>
    public bool Passed => Results.All(r => r.Passed);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Format} {Options.Mode.Name()} {Options.Overflow?.Name() ?? "(default overflow)"}:\n" + string.Join("\n", Results.Select(r => "  " + r));
}

/// <summary>Thrown by <see cref="FormatLaws.Assert"/> when a law fails; the message lists every failure.</summary>
public sealed class FormatLawException(FormatLawReport report) : Exception(report.ToString())
{
    /// <summary>The report.</summary>
    public FormatLawReport Report { get; } = report;
}

/// <summary>Settings of a law run.</summary>
public sealed record FormatLawSettings
{
    /// <summary>FsCheck cases per property law.</summary>
    public int MaxTest { get; init; } = 500;

    /// <summary>Element indices drawn per input by the stochastic-unbiasedness law.</summary>
    public int StochasticSamples { get; init; } = 2000;

    /// <summary>Codes checked by the code laws: every code of formats with at most this many (up to 65,536), else an even sample.</summary>
    public int MaxCodes { get; init; } = 1 << 16;

    /// <summary>Inputs checked by the stochastic-unbiasedness law.</summary>
    public int StochasticInputs { get; init; } = 40;
}

/// <summary>
/// Checks an implementation of a scalar format against the reference and against the laws every correct rounding obeys
/// (FORMATS.md section 1): codes round-trip, monotone and idempotent, error bound per mode, sign symmetry, overflow,
/// signed zero and NaN policy, stochastic unbiasedness. Property laws run under FsCheck and shrink to a small counterexample.
/// </summary>
public static class FormatLaws
{
    /// <summary>Runs every law that applies and returns the report.</summary>
    public static FormatLawReport Verify(ScalarFormat format, FormatImplementation implementation, RoundingOptions options = default, FormatLawSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(implementation);
        if (implementation.Encode is null && implementation.Decode is null)
            throw new ArgumentException("the implementation must supply Encode, Decode or both", nameof(implementation));
        settings ??= new FormatLawSettings();
        var ctx = new LawContext(format, implementation, options);
        var results = new List<LawResult>();
        if (implementation.Encode is not null)
            results.Add(Property("encode matches the reference", ctx, settings, x => ctx.CheckEncode(x)));
        if (implementation.Decode is not null) results.Add(ctx.DecodeMatches());
        results.Add(ctx.CodesRoundTrip(settings.MaxCodes));
        if (!options.IsStochastic)
            results.Add(PairProperty("monotone", ctx, settings, (x, y) => ctx.CheckMonotone(x, y)));
        results.Add(Property("idempotent", ctx, settings, x => ctx.CheckIdempotent(x)));
        results.Add(Property("error bound of the mode", ctx, settings, x => ctx.CheckBound(x)));
        if (ctx.Symmetric && options.Mode is RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.NearestZero or RoundingMode.TowardZero or RoundingMode.ToOdd)
            results.Add(Property("sign symmetry", ctx, settings, x => ctx.CheckSymmetry(x)));
        results.Add(Property("overflow policy", ctx, settings, x => ctx.CheckOverflow(x)));
        results.Add(ctx.SpecialInputs());
        if (options.IsStochastic) results.Add(ctx.StochasticUnbiased(settings));
        return new FormatLawReport(format.Name, options, results);
    }

    /// <summary>Runs the laws and throws <see cref="FormatLawException"/> on any failure (for use in xunit tests).</summary>
    public static void Assert(ScalarFormat format, FormatImplementation implementation, RoundingOptions options = default, FormatLawSettings? settings = null)
    {
        FormatLawReport report = Verify(format, implementation, options, settings);
        if (!report.Passed) throw new FormatLawException(report);
    }

    private static LawResult Property(string law, LawContext ctx, FormatLawSettings s, Func<float, string?> check)
    {
        Property p = Prop.ForAll(FloatInputs.Arbitrary(ctx.Format), x => Throw(check(x)));
        return Run(law, p, s.MaxTest);
    }

    private static LawResult PairProperty(string law, LawContext ctx, FormatLawSettings s, Func<float, float, string?> check)
    {
        Property p = Prop.ForAll(FloatInputs.Arbitrary(ctx.Format), FloatInputs.Arbitrary(ctx.Format), (x, y) => Throw(check(x, y)));
        return Run(law, p, s.MaxTest);
    }

    private static bool Throw(string? failure) => failure is null ? true : throw new LawViolation(failure);

    private static LawResult Run(string law, Property p, int maxTest)
    {
        try
        {
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true), p);
            return new LawResult(law, true, null, maxTest);
        }
        catch (Exception e)
        {
            string message = e.Message;
            int at = message.LastIndexOf("LawViolation: ", StringComparison.Ordinal);
            string detail = at >= 0 ? message[(at + 14)..].Split('\n')[0].Trim() : message.Split('\n').FirstOrDefault(l => l.Contains("Shrunk", StringComparison.Ordinal)) ?? message;
            return new LawResult(law, false, detail, maxTest);
        }
    }

    private sealed class LawViolation(string message) : Exception(message)
    {
        public override string ToString() => "LawViolation: " + Message;
    }
}
