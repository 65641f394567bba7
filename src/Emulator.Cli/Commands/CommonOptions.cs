using System.CommandLine;
using System.Globalization;
using Emulator.Formats;

namespace Emulator.Cli.Commands;

/// <summary>Options shared by commands that convert values: format, rounding, overflow, stochastic bits, seed, stream.</summary>
public sealed class ConversionOptions
{
    /// <summary>--format.</summary>
    public Option<string> Format { get; } = new("--format", "-f")
    {
        Description = "Format name or alias (see 'emu formats'), or a path to a JSON spec file",
        Required = true,
    };

    /// <summary>--rounding.</summary>
    public Option<string?> Rounding { get; } = new("--rounding", "-r")
    {
        Description = $"Rounding mode: {string.Join(", ", RoundingNames.AllModeNames)} (default: the format's own, nearest-even unless its spec says otherwise; see 'emu show')",
    };

    /// <summary>--overflow.</summary>
    public Option<string?> Overflow { get; } = new("--overflow")
    {
        Description = "Overflow policy: saturate or infinity (default: the format's own)",
    };

    /// <summary>--stochastic-bits.</summary>
    public Option<int> StochasticBits { get; } = new("--stochastic-bits")
    {
        Description = "Random bits N of stochastic rounding, 1..32",
        DefaultValueFactory = _ => 32,
    };

    /// <summary>--seed.</summary>
    public Option<string> Seed { get; } = new("--seed")
    {
        Description = "Philox seed (unsigned 64-bit)",
        DefaultValueFactory = _ => "0",
    };

    /// <summary>--stream.</summary>
    public Option<string> Stream { get; } = new("--stream")
    {
        Description = "Philox stream (unsigned 32-bit)",
        DefaultValueFactory = _ => "0",
    };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Rounding);
        command.Options.Add(Overflow);
        command.Options.Add(StochasticBits);
        command.Options.Add(Seed);
        command.Options.Add(Stream);
    }

    /// <summary>The rounding options from a parse result (validated, with clear messages).</summary>
    public RoundingOptions Read(ParseResult parse)
    {
        RoundingMode? mode = parse.GetValue(Rounding) is { } modeText ? RoundingNames.ParseMode(modeText) : null; // null: the format's default
        string? overflowText = parse.GetValue(Overflow);
        OverflowPolicy? overflow = overflowText is null ? null : RoundingNames.ParseOverflow(overflowText);
        int bits = parse.GetValue(StochasticBits);
        if (bits is < 1 or > 32) throw new CliException($"--stochastic-bits {bits}: must be in 1..32");
        string seedText = parse.GetValue(Seed)!;
        if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            throw new CliException($"--seed '{seedText}': must be an unsigned 64-bit integer (0..{ulong.MaxValue})");
        string streamText = parse.GetValue(Stream)!;
        if (!uint.TryParse(streamText, NumberStyles.None, CultureInfo.InvariantCulture, out uint stream))
            throw new CliException($"--stream '{streamText}': must be an unsigned 32-bit integer (0..{uint.MaxValue})");
        var named = mode is { } m ? new RoundingOptions(m, overflow) : new RoundingOptions { Overflow = overflow };
        return named with { StochasticBits = bits, Seed = seed, Stream = stream };
    }
}
