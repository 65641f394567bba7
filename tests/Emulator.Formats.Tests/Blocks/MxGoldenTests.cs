namespace Emulator.Formats.Tests.Blocks;

/// <summary>
/// Every block of golden/mx (microxcaling) reproduces: scale code and the 32 dequantized values. Lines listed as
/// <c># cpp-diff</c> use the C++ quantizer's answer (the contract, FORMATS.md section 5); zeros compare without their sign
/// (the Python path keeps -0.0, the C++ path gives +0.0, section 1 keeps the sign).
/// </summary>
public sealed class MxGoldenTests
{
    public static TheoryData<string, string> Files()
    {
        var data = new TheoryData<string, string>();
        foreach (string elem in new[] { "fp8_e4m3", "fp8_e5m2", "fp6_e3m2", "fp6_e2m3", "fp4_e2m1", "int8" })
            foreach (string rounding in new[] { "nearest", "even", "floor" })
                data.Add(elem, rounding);
        return data;
    }

    private static string Preset(string elem) => elem switch
    {
        "fp8_e4m3" => "mxfp8-e4m3",
        "fp8_e5m2" => "mxfp8-e5m2",
        "fp6_e3m2" => "mxfp6-e3m2",
        "fp6_e2m3" => "mxfp6-e2m3",
        "fp4_e2m1" => "mxfp4",
        "int8" => "mxint8",
        _ => throw new ArgumentOutOfRangeException(nameof(elem), elem, "unknown element"),
    };

    private static RoundingMode Mode(string rounding) => rounding switch
    {
        "nearest" => RoundingMode.NearestAway,
        "even" => RoundingMode.NearestEven,
        "floor" => RoundingMode.TowardZero,
        _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding"),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryBlockReproduces(string elem, string rounding)
    {
        var format = (BlockFormat)FormatRegistry.Default.Get(Preset(elem));
        var options = new RoundingOptions(Mode(rounding));
        string path = GoldenFiles.PathOf("mx", $"{elem}.{rounding}.txt");
        List<string[]> data = GoldenFiles.Records(path).ToList();
        Assert.Equal(400, data.Count);

        var cpp = new Dictionary<int, string[]>();
        foreach (string c in GoldenFiles.Comments(path).Where(c => c.StartsWith("# cpp-diff ", StringComparison.Ordinal)))
        {
            string[] f = c.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cpp[int.Parse(f[2])] = f[3..];
        }
        Assert.NotEmpty(cpp);

        int[] shape = [32];
        var x = new float[32];
        var y = new float[32];
        var yDecoded = new float[32];
        var codes = new uint[32];
        var scale = new uint[1];
        var failures = new List<string>();
        for (int line = 1; line <= data.Count; line++)
        {
            string[] parts = data[line - 1];
            Assert.Equal(66, parts.Length);
            Assert.Equal("|", parts[33]);
            string[] expected = cpp.TryGetValue(line, out var diff) ? diff : [parts[0], .. parts[34..]];
            Assert.Equal(33, expected.Length);
            for (int i = 0; i < 32; i++) x[i] = FloatCompare.FromHex(parts[1 + i]);

            format.Quantize(x, shape, y, options);
            format.Encode(x, shape, codes, scale, options);
            format.Decode(codes, scale, shape, yDecoded);

            uint expectedScale = GoldenFiles.Hex(expected[0]);
            if (scale[0] != expectedScale) failures.Add($"line {line}: scale {scale[0]:x2}, expected {expectedScale:x2}");
            for (int i = 0; i < 32; i++)
            {
                float e = FloatCompare.FromHex(expected[1 + i]);
                if (!FloatCompare.Same(e, y[i], ignoreZeroSign: true))
                    failures.Add($"line {line} y{i}: {FloatCompare.Bits(y[i]):x8}, expected {expected[1 + i]} (x = {parts[1 + i]})");
                if (!FloatCompare.Same(y[i], yDecoded[i], ignoreZeroSign: false))
                    failures.Add($"line {line} y{i}: decode(encode) {FloatCompare.Bits(yDecoded[i]):x8} != quantize {FloatCompare.Bits(y[i]):x8}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }
}
