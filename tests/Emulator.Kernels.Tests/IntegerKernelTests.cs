using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class IntegerKernelTests
{
    public static TheoryData<string> IntegerPresets()
    {
        var data = new TheoryData<string>();
        foreach (var f in FormatRegistry.Default.All.OfType<IntegerFormat>()) data.Add(f.Name);
        return data;
    }

    /// <summary>Formats beyond the presets: 32-bit ranges, narrow range and fixed point.</summary>
    public static TheoryData<string> CustomSpecs() => new()
    {
        """{"name":"int32","kind":"integer","bits":32}""",
        """{"name":"uint32","kind":"integer","bits":32,"signed":false}""",
        """{"name":"int8n","kind":"integer","bits":8,"narrowRange":true}""",
        """{"name":"q7.8","kind":"fixed","integerBits":7,"fractionBits":8}""",
        """{"name":"q15.16","kind":"fixed","integerBits":15,"fractionBits":16}""",
        """{"name":"uq3.4","kind":"fixed","signed":false,"integerBits":3,"fractionBits":4}""",
        """{"name":"q0.31","kind":"fixed","integerBits":0,"fractionBits":31}""",
    };

    [Theory]
    [MemberData(nameof(IntegerPresets))]
    public void Presets_equal_the_reference(string name)
    {
        var format = (IntegerFormat)FormatRegistry.Default.Get(name);
        Differential.Check(format, Inputs.ForFormat(format, seed: 17, maxCodes: 300, randomCount: 300));
    }

    [Theory]
    [MemberData(nameof(CustomSpecs))]
    public void Custom_integer_and_fixed_point_formats_equal_the_reference(string json)
    {
        var format = (IntegerFormat)FormatSpecReader.Read(json);
        Differential.Check(format, Inputs.ForFormat(format, seed: 23, maxCodes: 300, randomCount: 300));
    }
}
