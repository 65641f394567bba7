using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class DecodeTests
{
    public static TheoryData<string> ScalarPresets()
    {
        var data = new TheoryData<string>();
        foreach (var f in FormatRegistry.Default.All.OfType<ScalarFormat>()) data.Add(f.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ScalarPresets))]
    public void Every_code_decodes_as_the_reference(string name)
    {
        var format = (ScalarFormat)FormatRegistry.Default.Get(name);
        int count = (int)Math.Min(format.CodeCount, 1UL << 20);
        var codes = new uint[count];
        for (int i = 0; i < count; i++) codes[i] = (uint)i;
        var expected = codes.Select(c => Inputs.B((float)format.Decode(c))).ToArray();
        var y = new float[count];
        foreach (int lanes in Inputs.Widths)
        {
            var ko = new KernelOptions { MaxLanes = lanes };
            QuantizeKernels.Decode(codes, y, format, ko);
            Differential.Compare(format, default, lanes, "decode32", y, expected, y.Select(Inputs.B).ToArray());
            if (format.Bits <= 16)
            {
                QuantizeKernels.Decode(codes.Select(c => (ushort)c).ToArray(), y, format, ko);
                Differential.Compare(format, default, lanes, "decode16", y, expected, y.Select(Inputs.B).ToArray());
            }
            if (format.Bits <= 8)
            {
                QuantizeKernels.Decode(codes.Select(c => (byte)c).ToArray(), y, format, ko);
                Differential.Compare(format, default, lanes, "decode8", y, expected, y.Select(Inputs.B).ToArray());
            }
        }
    }

    [Fact]
    public void Codes_beyond_the_format_are_rejected_with_their_index()
    {
        var e2m1 = FormatRegistry.Default.GetScalar("e2m1");
        var codes = new byte[100];
        codes[77] = 16;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => QuantizeKernels.Decode(codes, new float[100], e2m1));
        Assert.Contains("codes[77] = 16", e.Message);
    }

    [Fact]
    public void Codes_wider_than_the_storage_are_rejected()
    {
        var bf16 = FormatRegistry.Default.GetScalar("bfloat16");
        var e = Assert.Throws<ArgumentException>(() => QuantizeKernels.Encode(new float[4], new byte[4], bf16));
        Assert.Contains("16-bit codes", e.Message);
        Assert.Equal("format", e.ParamName);
    }
}
