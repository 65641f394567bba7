using System.Runtime.InteropServices;
using Emulator.Kernels;
using System.CommandLine;
using Emulator.Cli.IO;
using Emulator.Formats;

namespace Emulator.Cli.Commands;

/// <summary>
/// <c>emu quantize</c>: converts a float32 file (raw little-endian, or .npy) to a format and writes the dequantized values
/// (same layout as the input) and optionally the codes. Element index for stochastic rounding = position in the file.
/// </summary>
public static class QuantizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var conversion = new ConversionOptions();
        var input = new Option<string>("--in", "-i") { Description = "Input: raw little-endian float32 (any extension but .npy) or a NumPy .npy float32 array", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output: the quantized (dequantized) float32 values, in the input's layout", Required = true };
        var codes = new Option<string?>("--codes") { Description = "Also write the codes: one unsigned little-endian integer per element, 1, 2 or 4 bytes wide (the smallest that holds the format's bits); lattice formats: one 8-byte index per group of d values" };
        var scale = new Option<double?>("--scale") { Description = "Lattice formats (e8, d4, e8p, leech, ...): quantize to the lattice scaled by S (default: the format's scale, 1 for the presets)" };
        var scales = new Option<string?>("--scales") { Description = "Block formats: also write the block scale codes in row-major block order, one byte each for E8M0/UE4M3 (2 or 4 for wider scales)" };
        var command = new Command("quantize",
            "Quantize a float32 file to a format: every value is rounded to the format and written back as float32.\n\n" +
            "Examples:\n" +
            "  emu quantize --format e4m3 --in x.npy --out y.npy\n" +
            "  emu quantize --format e2m1 --rounding toward-zero --in x.f32 --out y.f32 --codes c.u8\n" +
            "  emu quantize --format bfloat16 --rounding stochastic --stochastic-bits 8 --seed 42 --in x.f32 --out y.f32\n" +
            "  emu quantize --format my-format.json --overflow infinity --in x.f32 --out y.f32\n" +
            "  emu quantize --format mxfp4 --in x.npy --out y.npy --codes c.u8 --scales s.u8   (blocks along the last axis; raw input: consecutive blocks)\n" +
            "  emu quantize --format e8p --scale 0.9 --in x.f32 --out y.f32 --codes idx.u64");
        conversion.AddTo(command);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(codes);
        command.Options.Add(scales);
        command.Options.Add(scale);
        command.SetAction(parse =>
        {
            NumberFormat format = FormatRegistry.Default.Get(parse.GetValue(conversion.Format)!);
            RoundingOptions options = conversion.Read(parse);
            if (format is VectorCodec lattice)
            {
                if (options.Mode != RoundingMode.NearestEven)
                    throw new CliException($"--rounding {options.Mode.Name()}: lattice formats always take the nearest codeword");
                return LatticeQuantize.Run(context, lattice, parse.GetValue(scale), TensorFile.Read(parse.GetValue(input)!, "--in"), parse.GetValue(output)!, parse.GetValue(codes));
            }
            if (parse.GetValue(scale) is not null)
                throw new CliException($"--scale applies to lattice formats only; '{format.Name}' is a '{format.Kind}' format");
            if (format is BlockFormat block)
                return BlockQuantize.Run(context, block, TensorFile.Read(parse.GetValue(input)!, "--in"), options,
                    parse.GetValue(output)!, parse.GetValue(codes), parse.GetValue(scales));
            if (parse.GetValue(scales) is not null)
                throw new CliException($"--scales: format '{format.Name}' is not a block format (it has no scales)");
            if (format is not ScalarFormat scalar)
                throw new CliException($"--format '{format.Name}': quantize does not handle '{format.Kind}' formats yet");
            Tensor x = TensorFile.Read(parse.GetValue(input)!, "--in");
            string outPath = parse.GetValue(output)!;
            string? codesPath = parse.GetValue(codes);
            var result = Run(scalar, x, options, codesPath is not null);
            using var outputs = new AtomicOutputs();
            outputs.Add(outPath, "--out", TensorFile.Serialize(result.Values, x.Shape, TensorFile.IsNpy(outPath) && x.FromNpy || TensorFile.IsNpy(outPath)));
            if (codesPath is not null) outputs.Add(codesPath, "--codes", result.CodeBytes!);
            outputs.Commit();
            context.Output.WriteLine(
                $"quantized {x.Length} values to {scalar.Name} ({scalar.WithDefaults(options).Mode.Name()}, overflow {options.OverflowOr(scalar.DefaultOverflow).Name()}) -> {outPath}" +
                (codesPath is not null ? $", codes ({CodeWidth(scalar)} byte{(CodeWidth(scalar) > 1 ? "s" : "")} each) -> {codesPath}" : ""));
            if (result.UnencodableNaNs > 0)
                context.Output.WriteLine($"{result.UnencodableNaNs} NaN inputs have no encoding in {scalar.Name}: their codes are +0, their quantized values stay NaN");
            return 0;
        });
        return command;
    }

    /// <summary>Bytes per code: the smallest of 1, 2, 4 that holds the format's bits.</summary>
    public static int CodeWidth(ScalarFormat f) => f.Bits <= 8 ? 1 : f.Bits <= 16 ? 2 : 4;

    private sealed record Result(float[] Values, byte[]? CodeBytes, long UnencodableNaNs);

    /// <summary>Quantizes (and encodes) with the vectorized kernels, which equal the scalar reference bit for bit; element
    /// index = position in the file, chunks run on every core.</summary>
    private static Result Run(ScalarFormat f, Tensor x, in RoundingOptions options, bool wantCodes)
    {
        var kernel = new KernelOptions { Threads = Environment.ProcessorCount };
        var values = new float[x.Length];
        QuantizeKernels.Quantize(x.Data, values, f, options, kernel);
        long nans = f.HasNaN ? 0 : QuantizeKernels.CountNaN(x.Data);
        if (!wantCodes) return new Result(values, null, nans);
        byte[] codeBytes = new byte[(long)x.Length * CodeWidth(f)];
        switch (CodeWidth(f))
        {
            case 1: QuantizeKernels.Encode(x.Data, codeBytes, f, options, kernel); break;
            case 2: QuantizeKernels.Encode(x.Data, MemoryMarshal.Cast<byte, ushort>(codeBytes.AsSpan()), f, options, kernel); break;
            default: QuantizeKernels.Encode(x.Data, MemoryMarshal.Cast<byte, uint>(codeBytes.AsSpan()), f, options, kernel); break;
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("code files are little-endian; this machine is big-endian");
        return new Result(values, codeBytes, nans);
    }
}
