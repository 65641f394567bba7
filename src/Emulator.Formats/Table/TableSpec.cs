namespace Emulator.Formats;

/// <summary>The <c>table</c> kind: <c>values</c> (strictly increasing) and <c>valueType</c> (<c>float64</c> or <c>float32</c>).</summary>
internal static class TableSpec
{
    public static NumberFormat Parse(SpecObject s, FormatInfo info)
    {
        double[] values = s.Numbers("values", 2, TableFormat.MaxValues, required: true)!;
        string type = s.Choice("valueType", ["float64", "float32"]) ?? "float64";
        if (type == "float32")
            for (int i = 0; i < values.Length; i++) values[i] = (float)values[i];
        for (int i = 1; i < values.Length; i++)
            if (!(values[i] > values[i - 1]))
                throw new FormatSpecException(s.File, $"{s.Path}.values[{i}]", $"{values[i]} is not above the previous value {values[i - 1]}; values must be strictly increasing");
        return new TableFormat(info, values) { DefaultRounding = FormatSpecReader.Rounding(s) };
    }
}
