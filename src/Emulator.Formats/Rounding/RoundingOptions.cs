namespace Emulator.Formats;

/// <summary>
/// Everything a conversion needs besides the value: rounding mode, overflow policy (null = the format's default),
/// the number of random bits of stochastic rounding, and the Philox key (seed, stream) of FORMATS.md section 4.
/// <c>default</c> is nearest-even with the format's default overflow policy.
/// </summary>
public readonly record struct RoundingOptions
{
    private readonly int _stochasticBits;

    /// <summary>Creates options for a mode and optional overflow policy.</summary>
    public RoundingOptions(RoundingMode mode, OverflowPolicy? overflow = null)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a defined rounding mode");
        Mode = mode;
        Overflow = overflow;
    }

    /// <summary>The rounding mode.</summary>
    public RoundingMode Mode { get; init; }

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
}
