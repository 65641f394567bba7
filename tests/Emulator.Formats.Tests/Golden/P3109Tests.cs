using System.Globalization;

namespace Emulator.Formats.Tests;

public class P3109Tests
{
    public static TheoryData<string> Tables() => new(GoldenFiles.Files("p3109", "*.csv").Select(f => Path.GetFileName(f)!));

    [Theory]
    [MemberData(nameof(Tables))]
    public void DecodeOfEveryCodeEqualsTheP3109Table(string file)
    {
        string name = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        var format = (FloatFormat)FormatRegistry.Default.Get(name);
        int rows = 0;
        foreach (string line in GoldenFiles.Lines(GoldenFiles.PathOf("p3109", file)).Skip(1))
        {
            if (line.Length == 0) continue;
            string[] f = line.Split(',');
            uint code = uint.Parse(f[0][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            double expected = GoldenFiles.HexFloat(f[1]);
            double actual = format.Decode(code);
            if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"{name} code {code:x2}: expected NaN, got {actual}");
            else Assert.True(expected.Equals(actual) && double.IsNegative(expected) == double.IsNegative(actual),
                $"{name} code {code:x2}: expected {expected}, got {actual}");
            bool subnormal = f.Length > 2 && f[2].Trim().Length > 0;
            if (subnormal) Assert.True(Math.Abs(actual) < format.MinNormal, $"{name} code {code:x2} is subnormal in the table");
            rows++;
        }
        Assert.Equal(256, rows);
    }
}
