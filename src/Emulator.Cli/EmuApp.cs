using System.CommandLine;
using Emulator.Cli.Commands;
using Spectre.Console;

namespace Emulator.Cli;

/// <summary>The <c>emu</c> command line: builds the command tree, runs it, and turns every user error into one line on
/// stderr with exit code 2.</summary>
public static class EmuApp
{
    /// <summary>Runs emu with the given arguments and writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var context = new CliContext(output, error);
        RootCommand root = BuildRoot(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"emu: error: {OneLine(parse.Errors[0].Message)} (see 'emu --help')");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is CliException or ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"emu: error: {OneLine(e.Message)}");
            return 2;
        }
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "emu: bit-exact emulation of low-precision number formats (FP8, FP6, FP4, bfloat16, posits, integers, block and lattice formats).\n\n" +
            "Examples:\n" +
            "  emu study                                     compare ~20 formats on synthetic data -> ./study-out\n" +
            "  emu formats                                   list every preset format\n" +
            "  emu show e4m3                                 parameters and the table of all 256 codes\n" +
            "  emu quantize --format e4m3 --in x.npy --out y.npy --codes codes.bin\n" +
            "  emu quantize --format bfloat16 --rounding stochastic --stochastic-bits 8 --seed 7 --in x.f32 --out y.f32\n" +
            "  emu conform --format e4m3 --cases my-rtl.txt                  check your implementation's conversions\n" +
            "  emu check my-format.json                                      validate a spec and run the format laws\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --accumulator binary16\n" +
            "  emu bench gemm --threads 1\n" +
            "  emu train --model fashion-cnn                                 train on Fashion-MNIST -> ./train-out");
        root.Subcommands.Add(FormatsCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(QuantizeCommand.Create(context));
        root.Subcommands.Add(StudyCommand.Create(context));
        root.Subcommands.Add(ConformCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(MatmulCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        return root;
    }

    /// <summary>First line of a message, without .NET's "(Parameter 'x')" suffix.</summary>
    public static string OneLine(string message)
    {
        string s = message.Replace("\r", "", StringComparison.Ordinal);
        int nl = s.IndexOf('\n');
        if (nl >= 0) s = s[..nl];
        int p = s.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return p >= 0 ? s[..p] : s;
    }
}

/// <summary>Where a command writes: plain writers and a Spectre console on the output writer.</summary>
public sealed class CliContext
{
    /// <summary>Creates the context.</summary>
    public CliContext(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) Console.Profile.Width = 240;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Rich output (tables) on standard output.</summary>
    public IAnsiConsole Console { get; }
}
