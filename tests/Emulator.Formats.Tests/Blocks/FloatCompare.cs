namespace Emulator.Formats.Tests.Blocks;

/// <summary>float32 comparisons of block tests.</summary>
internal static class FloatCompare
{
    public static float FromHex(string s) => BitConverter.UInt32BitsToSingle(GoldenFiles.Hex(s));

    public static uint Bits(float f) => BitConverter.SingleToUInt32Bits(f);

    /// <summary>Bitwise equality with every NaN equal; zeros compare equal regardless of sign when <paramref name="ignoreZeroSign"/>.</summary>
    public static bool Same(float expected, float actual, bool ignoreZeroSign)
    {
        if (float.IsNaN(expected) || float.IsNaN(actual)) return float.IsNaN(expected) && float.IsNaN(actual);
        if (ignoreZeroSign && expected == 0 && actual == 0) return true;
        return Bits(expected) == Bits(actual);
    }
}
