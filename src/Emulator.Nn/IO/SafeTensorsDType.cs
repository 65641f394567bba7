namespace Emulator.Nn.IO;

/// <summary>
/// Element types of the safetensors format, named as in its header (<c>"F32"</c>, <c>"BF16"</c>, <c>"F8_E4M3"</c>, ...).
/// Every type is little-endian; sub-byte types (<c>F4</c>, <c>F6_E2M3</c>, <c>F6_E3M2</c>) are packed densely.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte per element.</summary>
    Bool,
    /// <summary><c>U8</c>: unsigned 8-bit integer.</summary>
    U8,
    /// <summary><c>I8</c>: signed 8-bit integer.</summary>
    I8,
    /// <summary><c>F8_E5M2</c>: 8-bit float, 5 exponent and 2 mantissa bits (torch.float8_e5m2).</summary>
    F8E5M2,
    /// <summary><c>F8_E4M3</c>: 8-bit float, 4 exponent and 3 mantissa bits, no infinities (torch.float8_e4m3fn).</summary>
    F8E4M3,
    /// <summary><c>F8_E8M0</c>: 8-bit power of two (the MX scale type).</summary>
    F8E8M0,
    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    I16,
    /// <summary><c>U16</c>: unsigned 16-bit integer.</summary>
    U16,
    /// <summary><c>F16</c>: IEEE binary16.</summary>
    F16,
    /// <summary><c>BF16</c>: bfloat16.</summary>
    BF16,
    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    I32,
    /// <summary><c>U32</c>: unsigned 32-bit integer.</summary>
    U32,
    /// <summary><c>F32</c>: IEEE binary32.</summary>
    F32,
    /// <summary><c>F64</c>: IEEE binary64.</summary>
    F64,
    /// <summary><c>I64</c>: signed 64-bit integer.</summary>
    I64,
    /// <summary><c>U64</c>: unsigned 64-bit integer.</summary>
    U64,
    /// <summary><c>C64</c>: complex of two binary32.</summary>
    C64,
    /// <summary><c>F4</c>: 4-bit float E2M1, two per byte.</summary>
    F4,
    /// <summary><c>F6_E2M3</c>: 6-bit float E2M3, packed.</summary>
    F6E2M3,
    /// <summary><c>F6_E3M2</c>: 6-bit float E3M2, packed.</summary>
    F6E3M2,
}

/// <summary>Names, sizes and kinds of <see cref="SafeTensorsDType"/>.</summary>
public static class SafeTensorsDTypes
{
    private static readonly (SafeTensorsDType Type, string Name, int Bits)[] Table =
    [
        (SafeTensorsDType.Bool, "BOOL", 8), (SafeTensorsDType.U8, "U8", 8), (SafeTensorsDType.I8, "I8", 8),
        (SafeTensorsDType.F8E5M2, "F8_E5M2", 8), (SafeTensorsDType.F8E4M3, "F8_E4M3", 8), (SafeTensorsDType.F8E8M0, "F8_E8M0", 8),
        (SafeTensorsDType.I16, "I16", 16), (SafeTensorsDType.U16, "U16", 16), (SafeTensorsDType.F16, "F16", 16),
        (SafeTensorsDType.BF16, "BF16", 16), (SafeTensorsDType.I32, "I32", 32), (SafeTensorsDType.U32, "U32", 32),
        (SafeTensorsDType.F32, "F32", 32), (SafeTensorsDType.F64, "F64", 64), (SafeTensorsDType.I64, "I64", 64),
        (SafeTensorsDType.U64, "U64", 64), (SafeTensorsDType.C64, "C64", 64), (SafeTensorsDType.F4, "F4", 4),
        (SafeTensorsDType.F6E2M3, "F6_E2M3", 6), (SafeTensorsDType.F6E3M2, "F6_E3M2", 6),
    ];

    /// <summary>Every header name, in the order of the enum.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The header name (<c>"F32"</c>, <c>"F8_E4M3"</c>, ...).</summary>
    public static string Name(this SafeTensorsDType type) => Entry(type).Name;

    /// <summary>Bits per element (4, 6, 8, 16, 32 or 64).</summary>
    public static int BitSize(this SafeTensorsDType type) => Entry(type).Bits;

    /// <summary>Whether the type holds real floating-point numbers (F8, F16, BF16, F32, F64 and the sub-byte floats).</summary>
    public static bool IsFloatingPoint(this SafeTensorsDType type) => type is SafeTensorsDType.F8E5M2 or SafeTensorsDType.F8E4M3
        or SafeTensorsDType.F8E8M0 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F32 or SafeTensorsDType.F64
        or SafeTensorsDType.F4 or SafeTensorsDType.F6E2M3 or SafeTensorsDType.F6E3M2;

    /// <summary>The type named <paramref name="name"/> (case-sensitive, as in headers), or false.</summary>
    public static bool TryParse(string name, out SafeTensorsDType type)
    {
        foreach (var t in Table)
            if (t.Name == name) { type = t.Type; return true; }
        type = default;
        return false;
    }

    /// <summary>Bytes of <paramref name="elements"/> elements, or -1 when the count overflows or a sub-byte type does not
    /// fill whole bytes.</summary>
    public static long ByteLength(this SafeTensorsDType type, long elements)
    {
        if (elements < 0) return -1;
        int bits = type.BitSize();
        if (elements > long.MaxValue / bits) return -1;
        long total = elements * bits;
        return total % 8 == 0 ? total / 8 : -1;
    }

    private static (SafeTensorsDType Type, string Name, int Bits) Entry(SafeTensorsDType type)
    {
        int i = (int)type;
        if ((uint)i >= (uint)Table.Length)
            throw new ArgumentOutOfRangeException(nameof(type), type, $"not a safetensors dtype (valid: {string.Join(", ", Table.Select(t => t.Name))})");
        return Table[i];
    }
}
