namespace Emulator.Formats.Tests.Blocks;

/// <summary>
/// Every block of golden/nvfp4 (TransformerEngine reference) reproduces: E4M3 scale byte, E2M1 codes and the dequantized
/// values, with the line's global amax as the tensor amax. Documented deviation (FORMATS.md section 1 keeps the sign):
/// an input of exactly -0.0 gets the -0 code 0x8 and decodes to -0.0, where the reference gives code 0 and +0.0.
/// </summary>
public sealed class NvFp4GoldenTests
{
    [Theory]
    [InlineData("nvfp4/nvfp4-1x16.txt", "nvfp4", 1, 500)]
    [InlineData("nvfp4/nvfp4-1x16-nonfinite.txt", "nvfp4", 1, 8)]
    [InlineData("nvfp4/nvfp4-16x16.txt", "nvfp4-2d", 16, 100)]
    public void EveryBlockReproduces(string file, string preset, int rows, int lines)
    {
        var format = (BlockFormat)FormatRegistry.Default.Get(preset);
        List<string[]> data = GoldenFiles.Records(GoldenFiles.PathOf(file.Split('/'))).ToList();
        Assert.Equal(lines, data.Count);
        int n = rows * 16;
        int[] shape = rows == 1 ? [16] : [16, 16];
        var x = new float[n];
        var y = new float[n];
        var yDecoded = new float[n];
        var codes = new uint[n];
        var scale = new uint[1];
        var failures = new List<string>();
        int negativeZeroInputs = 0;
        for (int line = 1; line <= data.Count; line++)
        {
            string[] p = data[line - 1];
            Assert.Equal(3 * n + 4, p.Length);
            Assert.Equal("|", p[2 + n]);
            Assert.Equal("|", p[3 + 2 * n]);
            float globalAmax = FloatCompare.FromHex(p[0]);
            for (int i = 0; i < n; i++) x[i] = FloatCompare.FromHex(p[2 + i]);
            TensorScale ts = format.TensorScaleFor(globalAmax);
            BlockLayout layout = format.Layout(shape);

            format.Encode(x, layout, codes, scale, ts);
            format.Decode(codes, scale, layout, yDecoded, ts.Decode);
            format.Quantize(x, layout, y, ts);

            uint expectedScale = GoldenFiles.Hex(p[1]);
            if (scale[0] != expectedScale) failures.Add($"line {line}: scale {scale[0]:x2}, expected {expectedScale:x2}");
            for (int i = 0; i < n; i++)
            {
                bool negativeZero = FloatCompare.Bits(x[i]) == 0x8000_0000u;
                uint expectedCode = GoldenFiles.Hex(p[3 + n + i]);
                if (negativeZero && expectedCode == 0)
                {
                    negativeZeroInputs++;
                    expectedCode = 0x8; // the contract keeps the sign of -0.0
                }
                if (codes[i] != expectedCode) failures.Add($"line {line} code{i}: {codes[i]:x}, expected {expectedCode:x} (x = {p[2 + i]})");
                float e = FloatCompare.FromHex(p[4 + 2 * n + i]);
                if (!FloatCompare.Same(e, y[i], ignoreZeroSign: negativeZero))
                    failures.Add($"line {line} y{i}: {FloatCompare.Bits(y[i]):x8}, expected {p[4 + 2 * n + i]} (x = {p[2 + i]})");
                if (!FloatCompare.Same(y[i], yDecoded[i], ignoreZeroSign: false))
                    failures.Add($"line {line} y{i}: decode(encode) {FloatCompare.Bits(yDecoded[i]):x8} != quantize {FloatCompare.Bits(y[i]):x8}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }
}
