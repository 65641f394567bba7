namespace Emulator.Formats;

/// <summary>Loads the preset behind a number type and precomputes its decode table.</summary>
internal static class NumberTypeFormat
{
    /// <summary>The preset <paramref name="name"/>, checked to be a float format of <paramref name="bits"/> bits.</summary>
    public static FloatFormat Load(string name, int bits)
    {
        if (FormatRegistry.Default.Get(name) is not FloatFormat f || f.Bits != bits)
            throw new InvalidOperationException($"preset '{name}' must be a {bits}-bit float format to back its number type");
        return f;
    }

    /// <summary>float value of every code (all values of these formats are float32 values).</summary>
    public static float[] DecodeTable(FloatFormat format)
    {
        var table = new float[checked((int)format.CodeCount)];
        for (uint c = 0; c < table.Length; c++) table[c] = (float)format.Decode(c);
        return table;
    }
}
