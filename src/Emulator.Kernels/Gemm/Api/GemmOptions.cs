using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// The one options type of the GEMM entries. <see cref="Threads"/> applies to every entry (<see cref="Sgemm"/>,
/// <see cref="IntegerGemm"/>, <see cref="LowPrecisionGemm"/>, <see cref="BlockScaledGemm"/>,
/// <see cref="EmulatedAccumulatorGemm"/>, <see cref="PositGemm"/>, <see cref="EmulatedMatMul"/>); the rest describes the
/// emulation of <see cref="EmulatedMatMul"/>: input formats (float32 inputs are quantized on the fly with
/// <see cref="InputRounding"/>), the accumulator format and its rounding, the accumulation order, the output format and
/// rounding. The other entries compute fixed arithmetic and reject options that set any of those. The defaults are plain
/// float32 SGEMM on one thread.
/// </summary>
public sealed record GemmOptions
{
    /// <summary>The defaults: one thread, float32 everywhere.</summary>
    public static GemmOptions Default { get; } = new();

    /// <summary>Format of A's elements (null: float32 as given): a scalar format, or a 1xB block format (blocks along K).</summary>
    public NumberFormat? AFormat { get; init; }

    /// <summary>Format of B's elements (null: float32 as given): a scalar format, or a 1xB block format (blocks along K, that is
    /// along the columns of B).</summary>
    public NumberFormat? BFormat { get; init; }

    /// <summary>Rounding used to quantize the inputs (stochastic modes use the row-major element indices of op(A), m x k, then
    /// of op(B), k x n, with stream + 1; block formats of B use the indices of op(B) transposed, n x k, the layout its blocks
    /// run along).</summary>
    public RoundingOptions InputRounding { get; init; }

    /// <summary>
    /// Accumulator format (null: native float32, the <see cref="Sgemm"/> order of fused multiply-adds in KC blocks). A float
    /// format: every addition is rounded into it by <see cref="LowPrecisionAdder"/>.
    /// </summary>
    public FloatFormat? Accumulator { get; init; }

    /// <summary>Rounding of every accumulator addition.</summary>
    public RoundingOptions AccumulatorRounding { get; init; }

    /// <summary>Accumulation order (null: sequential for an emulated accumulator, SGEMM's own order for native float32).
    /// Naming an order without an accumulator emulates a float32 accumulator in that order.</summary>
    public AccumulationOrder? Order { get; init; }

    /// <summary>Format the results are finally rounded to (null: float32).</summary>
    public ScalarFormat? OutputFormat { get; init; }

    /// <summary>Rounding of the results into <see cref="OutputFormat"/> (random words keyed by the index in C).</summary>
    public RoundingOptions OutputRounding { get; init; }

    /// <summary>Posit GEMM with the quire: A and B are quantized to the same posit&lt;n,2&gt; format (<see cref="AFormat"/>,
    /// <see cref="BFormat"/>) and every output is one exact quire dot product rounded once (<see cref="PositGemm"/>).
    /// On the command line: <c>--accumulator quire</c>.</summary>
    public bool Quire { get; init; }

    /// <summary>Worker threads, 1..1024; the bits never depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Options with <paramref name="threads"/> worker threads and nothing else set.</summary>
    public static GemmOptions WithThreads(int threads) => new() { Threads = threads };

    /// <summary>
    /// Options from command-line names (any argument may be null): formats (scalar or block) by preset name, alias or .json path; rounding
    /// modes by name (<c>nearest-even</c>, <c>stochastic</c>, ...); order <c>sequential</c>, <c>pairwise</c> or <c>chunked:K</c>.
    /// </summary>
    public static GemmOptions FromNames(string? aFormat = null, string? bFormat = null, string? accumulator = null,
        string? accumulatorRounding = null, string? order = null, int threads = 1, string? outputFormat = null, ulong seed = 0)
    {
        var registry = FormatRegistry.Default;
        FloatFormat? acc = null;
        bool quire = string.Equals(accumulator, "quire", StringComparison.OrdinalIgnoreCase);
        if (accumulator is not null && !quire)
            acc = registry.GetScalar(accumulator) as FloatFormat
                ?? throw new ArgumentException($"accumulator '{accumulator}' is not a float format; valid: any float format such as binary16, bfloat16, tf32, e5m2", nameof(accumulator));
        return new GemmOptions
        {
            AFormat = aFormat is null ? null : registry.Get(aFormat),
            BFormat = bFormat is null ? null : registry.Get(bFormat),
            Accumulator = acc,
            Quire = quire,
            AccumulatorRounding = accumulatorRounding is null ? default : new RoundingOptions(RoundingNames.ParseMode(accumulatorRounding)) { Seed = seed },
            InputRounding = new RoundingOptions(RoundingMode.NearestEven) { Seed = seed },
            Order = order is null ? null : AccumulationOrder.Parse(order),
            OutputFormat = outputFormat is null ? null : registry.GetScalar(outputFormat),
            Threads = threads,
        };
    }

    /// <summary>Checks the combination; throws an <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        GemmChecks.Threads(Threads);
        if (Quire)
        {
            if (AFormat is not PositFormat { ExponentBits: 2 } pa || BFormat is not PositFormat pb || pa.Bits != pb.Bits || pb.ExponentBits != 2)
                throw new ArgumentException($"the quire accumulator needs A and B in the same posit<n,2> format (e.g. --a-format posit16 --b-format posit16); got '{AFormat?.Name ?? "float32"}' and '{BFormat?.Name ?? "float32"}'", "accumulator");
            if (Accumulator is not null || Order is not null || OutputFormat is not null)
                throw new ArgumentException("the quire accumulator rounds each output once to the posit format: an accumulator format, order or output format cannot be combined with it", "accumulator");
            return;
        }
        CheckInput(AFormat, "aFormat");
        CheckInput(BFormat, "bFormat");
        if (AccumulatorRounding.Mode != default && Accumulator is null && Order is null)
            throw new ArgumentException($"accumulator rounding '{AccumulatorRounding.Mode.Name()}' needs an accumulator format (or an order); native float32 accumulation always rounds to nearest-even", "accumulatorRounding");
        _ = CreateAdder();
    }

    private static void CheckInput(NumberFormat? format, string parameter)
    {
        if (format is null or ScalarFormat) return;
        if (format is not BlockFormat { BlockRows: 1 })
            throw new ArgumentException($"format '{format.Name}' is a {format.Kind} format; inputs take scalar formats or 1xB block formats (blocks along K)", parameter);
    }

    /// <summary>The thread count for an entry that computes fixed arithmetic: throws if an emulation option is set.</summary>
    internal static int ThreadsFor(GemmOptions? options, string entry)
    {
        if (options is null) return 1;
        GemmChecks.Threads(options.Threads);
        string? set = options.AFormat is not null ? nameof(AFormat) : options.BFormat is not null ? nameof(BFormat)
            : options.Accumulator is not null ? nameof(Accumulator) : options.Order is not null ? nameof(Order)
            : options.OutputFormat is not null ? nameof(OutputFormat) : options.Quire ? nameof(Quire)
            : options.AccumulatorRounding.Mode != default ? nameof(AccumulatorRounding) : null;
        if (set is not null)
            throw new ArgumentException($"options.{set} applies to EmulatedMatMul; {entry} computes fixed arithmetic and takes only Threads", "options");
        return options.Threads;
    }

    /// <summary>The float32 format used when an order is named without an accumulator.</summary>
    internal static FloatFormat Binary32 { get; } = new(new FormatInfo("binary32", ["float32", "fp32"]), true, 8, 23);

    /// <summary>The emulated adder, or null for native float32 accumulation.</summary>
    internal LowPrecisionAdder? CreateAdder() =>
        Accumulator is null && Order is null ? null : new LowPrecisionAdder(Accumulator ?? Binary32, AccumulatorRounding);
}
