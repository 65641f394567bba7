using System.Numerics;

namespace Emulator.Formats;

/// <summary>Generic-math conversions of the number types to and from other number types (INumberBase.TryConvert*).</summary>
internal static class NumberTypeConversion
{
    /// <summary>
    /// A double that rounds to any number type as the exact value does: the value itself for floating-point types, small
    /// integers and the number types of this library; a round-to-odd double (<see cref="OddDouble"/>) for wide integers
    /// and decimal. False for types it does not know.
    /// </summary>
    public static bool TryExactDouble<TOther>(TOther value, out double result) where TOther : INumberBase<TOther>
    {
        switch (value)
        {
            case double d: result = d; return true;
            case float f: result = f; return true;
            case Half h: result = (double)h; return true;
            case sbyte v: result = v; return true;
            case byte v: result = v; return true;
            case short v: result = v; return true;
            case ushort v: result = v; return true;
            case char v: result = v; return true;
            case int v: result = v; return true;
            case uint v: result = v; return true;
            case long v: result = OddDouble.FromInteger(v); return true;
            case ulong v: result = OddDouble.FromInteger(v); return true;
            case nint v: result = OddDouble.FromInteger(v); return true;
            case nuint v: result = OddDouble.FromInteger(v); return true;
            case Int128 v: result = OddDouble.FromInteger(v); return true;
            case UInt128 v: result = OddDouble.FromInteger(v); return true;
            case BigInteger v: result = OddDouble.FromInteger(v); return true;
            case decimal m: result = FromDecimal(m); return true;
            case IExactValue x: result = x.ToDouble(); return true;
            default: result = 0; return false;
        }
    }

    private static double FromDecimal(decimal m)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(m, bits);
        var magnitude = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        int scale = (bits[3] >> 16) & 0xFF;
        bool negative = bits[3] < 0;
        if (magnitude.IsZero) return negative ? -0.0 : 0.0;
        return OddDouble.FromRatio(negative ? -magnitude : magnitude, BigInteger.Pow(10, scale));
    }

    private static bool IsPrimitive<TOther>() =>
        typeof(TOther) == typeof(double) || typeof(TOther) == typeof(float) || typeof(TOther) == typeof(Half)
        || typeof(TOther) == typeof(decimal) || typeof(TOther) == typeof(sbyte) || typeof(TOther) == typeof(byte)
        || typeof(TOther) == typeof(short) || typeof(TOther) == typeof(ushort) || typeof(TOther) == typeof(char)
        || typeof(TOther) == typeof(int) || typeof(TOther) == typeof(uint) || typeof(TOther) == typeof(long)
        || typeof(TOther) == typeof(ulong) || typeof(TOther) == typeof(nint) || typeof(TOther) == typeof(nuint)
        || typeof(TOther) == typeof(Int128) || typeof(TOther) == typeof(UInt128) || typeof(TOther) == typeof(BigInteger);

    /// <summary>An exact value converted to a primitive type as double's checked conversion does.</summary>
    public static bool TryFromDoubleChecked<TOther>(double value, out TOther result) where TOther : INumberBase<TOther>
    {
        if (!IsPrimitive<TOther>()) { result = default!; return false; }
        result = TOther.CreateChecked(value);
        return true;
    }

    /// <summary>An exact value converted to a primitive type as double's saturating conversion does.</summary>
    public static bool TryFromDoubleSaturating<TOther>(double value, out TOther result) where TOther : INumberBase<TOther>
    {
        if (!IsPrimitive<TOther>()) { result = default!; return false; }
        result = TOther.CreateSaturating(value);
        return true;
    }

    /// <summary>An exact value converted to a primitive type as double's truncating conversion does.</summary>
    public static bool TryFromDoubleTruncating<TOther>(double value, out TOther result) where TOther : INumberBase<TOther>
    {
        if (!IsPrimitive<TOther>()) { result = default!; return false; }
        result = TOther.CreateTruncating(value);
        return true;
    }
}
