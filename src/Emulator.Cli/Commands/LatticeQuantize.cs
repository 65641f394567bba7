using System.Buffers.Binary;
using Emulator.Cli.IO;
using Emulator.Formats;

namespace Emulator.Cli.Commands;

/// <summary>
/// The lattice branch of <c>emu quantize</c>: consecutive groups of d values become the nearest codeword of the format
/// (scaled by S, no rotation); the outputs are the dequantized values and, optionally, the indices (8 bytes each,
/// little-endian, one per group).
/// </summary>
public static class LatticeQuantize
{
    /// <summary>Bytes per index in the --codes file.</summary>
    public const int IndexBytes = 8;

    /// <summary>Quantizes <paramref name="x"/> and writes the outputs atomically.</summary>
    public static int Run(CliContext context, VectorCodec codec, double? scaleOption, Tensor x, string outPath, string? codesPath)
    {
        double scale = scaleOption ?? codec.Scale;
        if (!double.IsFinite(scale) || scale <= 0) throw new CliException($"--scale {scale}: must be a finite number > 0");
        int d = codec.Dimension;
        if (x.Length % d != 0)
            throw new CliException($"--in has {x.Length} values; format '{codec.Name}' codes groups of {d}, so the count must be a multiple of {d}");
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x.Data[i])) throw new CliException($"--in value {i} is {x.Data[i]}; lattice formats code finite values only");
        int groups = x.Length / d;
        var values = new float[x.Length];
        var indices = new ulong[groups];
        for (int g = 0; g < groups; g++)
            indices[g] = codec.Quantize(x.Data.AsSpan(g * d, d), values.AsSpan(g * d, d), scale);
        using var outputs = new AtomicOutputs();
        outputs.Add(outPath, "--out", TensorFile.Serialize(values, x.Shape, TensorFile.IsNpy(outPath)));
        if (codesPath is not null)
        {
            var bytes = new byte[(long)groups * IndexBytes];
            for (int g = 0; g < groups; g++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(g * IndexBytes, IndexBytes), indices[g]);
            outputs.Add(codesPath, "--codes", bytes);
        }
        outputs.Commit();
        context.Output.WriteLine(
            $"quantized {x.Length} values ({groups} groups of {d}) to {codec.Name} at scale {scale} ({codec.BitsPerValue:0.###} bits/weight) -> {outPath}" +
            (codesPath is not null ? $", indices ({IndexBytes} bytes each) -> {codesPath}" : ""));
        return 0;
    }
}
