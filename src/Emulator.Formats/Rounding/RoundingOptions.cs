namespace Emulator.Formats;

/// <summary>
/// Everything a conversion needs besides the value: rounding mode and overflow policy (each may be left to the format's
/// default), the number of random bits of stochastic rounding, and the Philox key (seed, stream) of FORMATS.md section 4.
/// <c>default</c> names neither: the format's default rounding (<see cref="ScalarFormat.DefaultRounding"/>, nearest-even
/// unless its spec says otherwise) and default overflow policy.
/// </summary>
public readonly record struct RoundingOptions
{
    private readonly int _stochasticBits;
    private readonly RoundingMode? _mode;

    /// <summary>Creates options that name a mode, and optionally an overflow policy.</summary>
    public RoundingOptions(RoundingMode mode, OverflowPolicy? overflow = null)
    {
        Mode = mode;
        Overflow = overflow;
    }

    /// <summary>
    /// The rounding mode: the one named, or nearest-even when none is named. A format fills in its own default first
    /// (<see cref="ScalarFormat.WithDefaults"/>), so read this only from options a format has completed.
    /// </summary>
    public RoundingMode Mode
    {
        get => _mode ?? RoundingMode.NearestEven;
        init
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(Mode), value, "not a defined rounding mode");
            _mode = value;
        }
    }

    /// <summary>The mode the caller named, or null to use the format's default rounding.</summary>
    public RoundingMode? NamedMode => _mode;

    /// <summary>The overflow policy; null means the format's default.</summary>
    public OverflowPolicy? Overflow { get; init; }

    /// <summary>Random bits N of <see cref="RoundingMode.Stochastic"/>, 1..32 (default 32).</summary>
    public int StochasticBits
    {
        get => _stochasticBits == 0 ? 32 : _stochasticBits;
        init
        {
            if (value is < 1 or > 32)
                throw new ArgumentOutOfRangeException(nameof(StochasticBits), value, "stochastic bits must be in 1..32");
            _stochasticBits = value;
        }
    }

    /// <summary>64-bit Philox seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>32-bit Philox stream.</summary>
    public uint Stream { get; init; }

    /// <summary>True for the modes that consume random bits.</summary>
    public bool IsStochastic => Mode is RoundingMode.Stochastic or RoundingMode.StochasticEqual;

    /// <summary>The random word of element <paramref name="index"/> (0 for deterministic modes).</summary>
    public uint RandomWord(long index) => IsStochastic ? Philox4x32.Word(Seed, Stream, index) : 0u;

    /// <summary>The overflow policy in effect for a format whose default is <paramref name="formatDefault"/>.</summary>
    public OverflowPolicy OverflowOr(OverflowPolicy formatDefault) => Overflow ?? formatDefault;

    /// <summary>The rounding mode in effect for a format whose default is <paramref name="formatDefault"/>: the one place
    /// that decides "the caller named no mode, so the format's default applies".</summary>
    public RoundingMode ModeOr(RoundingMode formatDefault) => _mode ?? formatDefault;
}
