using System.Buffers.Binary;
using Emulator.Cli.IO;
using Emulator.Formats;
using Emulator.Kernels;

namespace Emulator.Cli.Commands;

/// <summary>
/// <c>emu quantize</c> for block formats (MX, NVFP4, BFP): a raw float32 file is one flat array whose blocks are consecutive
/// runs; a .npy tensor is blocked along its last axis (2-D tiles over its last two axes). Element codes go to <c>--codes</c>
/// in input order, block scale codes to <c>--scales</c> in row-major block order.
/// </summary>
public static class BlockQuantize
{
    /// <summary>Quantizes <paramref name="x"/> and writes the requested outputs atomically; returns the exit code.</summary>
    public static int Run(CliContext context, BlockFormat format, Tensor x, in RoundingOptions options, string outPath, string? codesPath, string? scalesPath)
    {
        if (options.Overflow is not null)
            throw new CliException($"--overflow: block format '{format.Name}' always saturates its elements; omit --overflow");
        if (format.BlockRows > 1 && x.Shape.Length < 2)
            throw new CliException($"--format '{format.Name}': {format.BlockRows}x{format.BlockCols} tiles need a .npy input of rank 2 or more (the input has shape [{string.Join(", ", x.Shape)}])");
        BlockLayout layout = format.Layout(x.Shape);
        var elementCodes = new uint[x.Length];
        var scaleCodes = new uint[layout.BlockCount];
        var values = new float[x.Length];
        // The vectorized block kernel (bit-identical to format.Encode; other block formats run the reference inside it).
        TensorScale ts = BlockKernels.Encode(x.Data, x.Shape, elementCodes, scaleCodes, format, options);
        format.Decode(elementCodes, scaleCodes, layout, values, ts.Decode);
        long nans = 0;
        for (int i = 0; i < values.Length; i++)
            if (float.IsNaN(x.Data[i]) && !float.IsNaN(values[i])) { values[i] = float.NaN; nans++; }
        long nanBlocks = scaleCodes.LongCount(c => double.IsNaN(format.ScaleValue(c)));

        int codeWidth = QuantizeCommand.CodeWidth(format.Element);
        int scaleWidth = format.ScaleStorageBits / 8;
        using var outputs = new AtomicOutputs();
        outputs.Add(outPath, "--out", TensorFile.Serialize(values, x.Shape, TensorFile.IsNpy(outPath)));
        if (codesPath is not null) outputs.Add(codesPath, "--codes", Bytes(elementCodes, codeWidth));
        if (scalesPath is not null) outputs.Add(scalesPath, "--scales", Bytes(scaleCodes, scaleWidth));
        outputs.Commit();

        context.Output.WriteLine(
            $"quantized {x.Length} values to {format.Name} ({layout.BlockCount} blocks of {format.BlockRows}x{format.BlockCols}, " +
            $"scale rule {format.Rule.Name()}, elements {format.Element.WithDefaults(options).Mode.Name()}) -> {outPath}" +
            (codesPath is not null ? $", element codes ({codeWidth} byte{(codeWidth > 1 ? "s" : "")} each) -> {codesPath}" : "") +
            (scalesPath is not null ? $", scale codes ({scaleWidth} byte{(scaleWidth > 1 ? "s" : "")} each, scale shape [{string.Join(", ", layout.ScaleShape)}]) -> {scalesPath}" : ""));
        if (format.HasTensorScale)
            context.Output.WriteLine($"tensor scale: encode {ts.Encode:R}, decode {ts.Decode:R} (float32 bits {BitConverter.SingleToUInt32Bits(ts.Decode):x8}); value = (element * scale) * decode");
        if (nanBlocks > 0) context.Output.WriteLine($"{nanBlocks} blocks hold NaN or Inf inputs: their scale is NaN and they decode to NaN");
        if (nans > 0) context.Output.WriteLine($"{nans} NaN inputs have no encoding in {format.Name}: their quantized values stay NaN");
        return 0;
    }

    private static byte[] Bytes(uint[] codes, int width)
    {
        var bytes = new byte[(long)codes.Length * width];
        for (int i = 0; i < codes.Length; i++)
        {
            Span<byte> dst = bytes.AsSpan(i * width, width);
            if (width == 1) dst[0] = (byte)codes[i];
            else if (width == 2) BinaryPrimitives.WriteUInt16LittleEndian(dst, (ushort)codes[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(dst, codes[i]);
        }
        return bytes;
    }
}
