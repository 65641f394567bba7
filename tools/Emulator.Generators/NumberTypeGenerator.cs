namespace Emulator.Generators;

/// <summary>
/// Writes <c>src/Emulator.Formats/NumberTypes/&lt;Type&gt;.g.cs</c> for every number type from one template. The semantics
/// live in the preset formats (FloatFormat), OddDouble, NumberText and NumberTypeConvert; the generated structs only forward
/// to them. Edit this generator (not the generated files) and run <c>dotnet run --project tools/Emulator.Generators</c>.
/// </summary>
internal static class NumberTypeGenerator
{
    /// <summary>What a type supports: IEEE special values (IFloatingPointIeee754), NaN without infinity, neither, or the
    /// E8M0 scale (no zero, no sign: not a number type of System.Numerics).</summary>
    private enum Level { Ieee, NaN, Finite, Scale }

    private sealed record TypeSpec(string Name, string Preset, int Bits, string Storage, Level Level, bool Table, string Summary);

    private static readonly TypeSpec[] Types =
    [
        new("BFloat16", "bfloat16", 16, "ushort", Level.Ieee, true,
            "bfloat16: 8 exponent and 7 mantissa bits, IEEE special codes (max 0x1.fep127)."),
        new("Tf32", "tf32", 19, "uint", Level.Ieee, false,
            "NVIDIA TensorFloat-32: 8 exponent and 10 mantissa bits in a 19-bit code (sign, exponent, mantissa; held in a uint), IEEE special codes. " +
            "Conversions round to nearest-even; NVIDIA's cvt.rna.tf32.f32 rounds ties away (use Create with RoundingMode.NearestAway)."),
        new("Float8E4M3", "e4m3", 8, "byte", Level.NaN, true,
            "OCP FP8 E4M3 (E4M3FN): no infinities, NaN only S.1111.111, max 448; overflow and ±Inf give NaN (ml_dtypes' e4m3fn)."),
        new("Float8E5M2", "e5m2", 8, "byte", Level.Ieee, true,
            "OCP FP8 E5M2: IEEE special codes, max 57344; overflow gives ±Inf and ±Inf stays ±Inf, as ml_dtypes' float8_e5m2."),
        new("Float8E4M3Fnuz", "e4m3fnuz", 8, "byte", Level.NaN, true,
            "FP8 E4M3FNUZ (bias 8): no infinities, no -0, NaN is 0x80, max 240; overflow and ±Inf give NaN."),
        new("Float8E5M2Fnuz", "e5m2fnuz", 8, "byte", Level.NaN, true,
            "FP8 E5M2FNUZ (bias 16): no infinities, no -0, NaN is 0x80, max 57344; overflow and ±Inf give NaN."),
        new("Float6E2M3", "e2m3", 6, "byte", Level.Finite, true,
            "OCP MX FP6 E2M3 (6-bit code in a byte): no NaN or infinity, max 7.5; overflow and ±Inf give ±max, NaN +0."),
        new("Float6E3M2", "e3m2", 6, "byte", Level.Finite, true,
            "OCP MX FP6 E3M2 (6-bit code in a byte): no NaN or infinity, max 28; overflow and ±Inf give ±max, NaN +0."),
        new("Float4E2M1", "e2m1", 4, "byte", Level.Finite, true,
            "OCP MX FP4 E2M1 (4-bit code in a byte): values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives; overflow gives ±6, NaN +0."),
        new("Float8E8M0", "e8m0", 8, "byte", Level.Scale, true,
            "OCP MX E8M0 shared scale: unsigned powers of two 2^-127 (code 0) .. 2^127 (code 0xFE), NaN 0xFF, no zero;\n/// negative values, overflow and +Inf give NaN, zero 2^-127 (FORMATS.md)."),
    ];

    /// <summary>(name, double expression of v): functions evaluated in double and rounded once.</summary>
    private static readonly (string Name, string Expression)[] UnaryFunctions =
    [
        ("Exp", "double.Exp(v)"), ("Exp10", "double.Exp10(v)"), ("Exp2", "double.Exp2(v)"),
        ("ExpM1", "double.ExpM1(v)"), ("Exp10M1", "double.Exp10M1(v)"), ("Exp2M1", "double.Exp2M1(v)"),
        ("Acosh", "double.Acosh(v)"), ("Asinh", "double.Asinh(v)"), ("Atanh", "double.Atanh(v)"),
        ("Cosh", "double.Cosh(v)"), ("Sinh", "double.Sinh(v)"), ("Tanh", "double.Tanh(v)"),
        ("Log", "double.Log(v)"), ("Log10", "double.Log10(v)"), ("Log2", "double.Log2(v)"),
        ("LogP1", "double.LogP1(v)"), ("Log2P1", "double.Log2P1(v)"), ("Log10P1", "double.Log10P1(v)"),
        ("Cbrt", "double.Cbrt(v)"),
        ("Acos", "double.Acos(v)"), ("AcosPi", "double.AcosPi(v)"), ("Asin", "double.Asin(v)"), ("AsinPi", "double.AsinPi(v)"),
        ("Atan", "double.Atan(v)"), ("AtanPi", "double.AtanPi(v)"), ("Cos", "double.Cos(v)"), ("CosPi", "double.CosPi(v)"),
        ("Sin", "double.Sin(v)"), ("SinPi", "double.SinPi(v)"), ("Tan", "double.Tan(v)"), ("TanPi", "double.TanPi(v)"),
        ("DegreesToRadians", "double.DegreesToRadians(v)"), ("RadiansToDegrees", "double.RadiansToDegrees(v)"),
        ("ReciprocalEstimate", "OddDouble.Quotient(1.0, v)"), ("ReciprocalSqrtEstimate", "1.0 / double.Sqrt(v)"),
    ];

    /// <summary>(name, double expression of a and b, first and second parameter names).</summary>
    private static readonly (string Name, string Expression, string First, string Second)[] BinaryFunctions =
    [
        ("Pow", "double.Pow(a, b)", "x", "y"), ("Hypot", "double.Hypot(a, b)", "x", "y"),
        ("Atan2", "double.Atan2(a, b)", "y", "x"), ("Atan2Pi", "double.Atan2Pi(a, b)", "y", "x"),
    ];

    /// <summary>The generated files, paths relative to the repository root.</summary>
    public static IEnumerable<GeneratedFile> Files() =>
        Types.Select(t => new GeneratedFile($"src/Emulator.Formats/NumberTypes/{t.Name}.g.cs", Generate(t)));

    private static string Generate(TypeSpec t)
    {
        var lines = new List<string>();
        void W(string line) => lines.Add(line);
        string Finish() => GeneratedFile.Normalize(string.Join("\n", lines) + "\n");

        string name = t.Name, preset = t.Preset, storage = t.Storage;
        int bits = t.Bits;
        bool number = t.Level != Level.Scale;
        bool ieee = t.Level == Level.Ieee;
        bool hasNaN = t.Level is Level.Ieee or Level.NaN or Level.Scale;
        bool hasNegativeZero = t.Level is Level.Ieee or Level.Finite || preset == "e4m3";
        string ifaces = number
            ? (ieee ? $"IFloatingPointIeee754<{name}>" : $"IFloatingPoint<{name}>") +
                $", IMinMaxValue<{name}>, IUtf8SpanFormattable, IEmulatedNumber<{name}>, IExactValue"
            : $"IComparable, IComparable<{name}>, IEquatable<{name}>, ISpanFormattable, ISpanParsable<{name}>, " +
                $"IUtf8SpanFormattable, IUtf8SpanParsable<{name}>, IMinMaxValue<{name}>, " +
                $"IComparisonOperators<{name}, {name}, bool>, IEqualityOperators<{name}, {name}, bool>, " +
                $"IMultiplyOperators<{name}, {name}, {name}>, IDivisionOperators<{name}, {name}, {name}>, " +
                $"IMultiplicativeIdentity<{name}, {name}>, IEmulatedNumber<{name}>, IExactValue";
        W(GeneratedFile.Header("NumberTypeGenerator.cs"));
            W("");
        if (number)
        {
            W("using System.Buffers.Binary;");
        }
        W("using System.Diagnostics.CodeAnalysis;");
        W("using System.Globalization;");
        W("using System.Numerics;");
        W("");
        W("namespace Emulator.Formats;");
        W("");
        W("/// <summary>");
        W($"/// {t.Summary}");
        W("/// Values are the codes of the preset. Conversions (casts, Create*, Parse) round once, and arithmetic computes the");
        W("/// exact result and rounds it once (through a double rounded to odd, which cannot double-round for these precisions),");
        W("/// always as System.Half and ml_dtypes do: nearest-even under the 'infinity' overflow policy");
        W("/// (<see cref=\"NumberTypeConvert.TypeRounding\"/>), whatever the preset's default for arrays: ±Inf stays ±Inf and");
        W("/// overflow gives ±Inf where the type has infinities, else NaN, else the largest finite value.");
        W("/// <see cref=\"Create(double, in RoundingOptions, long)\"/> takes another mode or policy.");
        W("/// </summary>");
        W($"public readonly struct {name} : {ifaces}");
        W("{");
        W($"    private static readonly FloatFormat Fmt = NumberTypeFormat.Load(\"{preset}\", {bits});");
        if (t.Table)
        {
            W("    private static readonly float[] Values = NumberTypeFormat.DecodeTable(Fmt);");
        }
        W($"    private static readonly {name} MaxFiniteValue = Round(Fmt.MaxFinite);");
        W($"    private static readonly {name} MinFiniteValue = Round(Fmt.MinFinite);");
        W($"    private static readonly {name} SmallestPositive = Round(Fmt.MinSubnormal);");
        W($"    private static readonly {name} SmallestNormal = Round(Fmt.MinNormal);");
        W($"    private static readonly {name} OneValue = Round(1.0);");
        if (hasNaN)
        {
            W($"    private static readonly {name} NaNValue = new(({storage})Fmt.NaNCode(false));");
        }
        if (number)
        {
            W($"    private static readonly {name} ZeroValue = Round(0.0);");
            W($"    private static readonly {name} NegativeOneValue = Round(-1.0);");
        }
        W($"    private const uint CodeLimit = 1u << {bits};");
        W("");
        W($"    private readonly {storage} _code;");
        W("");
        W($"    private {name}({storage} code) => _code = code;");
        W("");
        W($"    private double V => {(t.Table ? "Values[_code]" : "Fmt.Decode(_code)")};");
        W("");
        W("    /// <summary>Rounds a value or an exact (or rounded-to-odd) result: nearest-even, 'infinity' overflow.</summary>");
        W($"    private static {name} Round(double x) => new(({storage})Fmt.Encode(x, NumberTypeConvert.TypeRounding, 0u));");
        W("");
        // ---- identity, bits
        W("    /// <summary>The preset format that defines this type.</summary>");
        W("    public static FloatFormat Format => Fmt;");
        W("");
        W($"    /// <summary>The value with the given {bits}-bit code, like <see cref=\"BitConverter.UInt16BitsToHalf\"/>.</summary>");
        W($"    /// <exception cref=\"ArgumentOutOfRangeException\">The code has bits above bit {bits - 1}.</exception>");
        int width = storage switch { "byte" => 8, "ushort" => 16, _ => 32 };
        if (bits < width)
        {
            W($"    public static {name} FromBits({storage} bits) => bits < CodeLimit");
            W($"        ? new(bits)");
            W($"        : throw new ArgumentOutOfRangeException(nameof(bits), bits, $\"a {name} code must be in 0..{{CodeLimit - 1}}\");");
        }
        else
        {
            W($"    public static {name} FromBits({storage} bits) => new(bits);");
        }
        W("");
        W($"    /// <summary>The {bits}-bit code of this value, like <see cref=\"BitConverter.HalfToUInt16Bits\"/>.</summary>");
        W($"    public {storage} ToBits() => _code;");
        W("");
        W("    /// <inheritdoc />");
        W($"    public static {name} FromCode(uint code)");
        W("    {");
        W("        if (code >= CodeLimit)");
        W($"            throw new ArgumentOutOfRangeException(nameof(code), code, $\"a {name} code must be in 0..{{CodeLimit - 1}}\");");
        W($"        return new(({storage})code);");
        W("    }");
        W("");
        W("    /// <inheritdoc />");
        W("    public uint Code => _code;");
        W("");
        W("    /// <summary>The exact value as a double (NaN and infinities included).</summary>");
        W("    public double ToDouble() => V;");
        W("");
        W("    /// <summary>The exact value as a float (every value of the type is a float32 value).</summary>");
        W("    public float ToSingle() => (float)V;");
        W("");
        W("    /// <summary>Rounds a value with the mode and overflow policy of <paramref name=\"options\"/> (those it leaves unnamed:");
        W("    /// nearest-even, 'infinity', as the casts); stochastic modes use element <paramref name=\"index\"/>'s random word");
        W("    /// (FORMATS.md section 4).</summary>");
        W($"    public static {name} Create(double value, in RoundingOptions options, long index = 0) =>");
        W($"        new(({storage})Fmt.Encode(value, NumberTypeConvert.ForType(options), index));");
        W("");
        W("    /// <summary>Rounds a float with explicit rounding options (see the double overload).</summary>");
        W($"    public static {name} Create(float value, in RoundingOptions options, long index = 0) => Create((double)value, options, index);");
        W("");
        // ---- constants
        W("    /// <summary>The largest finite value.</summary>");
        W($"    public static {name} MaxValue => MaxFiniteValue;");
        W("");
        W("    /// <summary>" + (number ? "The smallest (most negative) finite value." : "The smallest value, 2^-127 (the type is unsigned and has no zero).") + "</summary>");
        W($"    public static {name} MinValue => MinFiniteValue;");
        W("");
        W("    /// <summary>The smallest positive value (smallest subnormal where subnormals exist), as <see cref=\"double.Epsilon\"/>.</summary>");
        W($"    public static {name} Epsilon => SmallestPositive;");
        W("");
        W("    /// <summary>The smallest positive normal value.</summary>");
        W($"    public static {name} MinNormal => SmallestNormal;");
        W("");
        W("    /// <summary>The value 1.</summary>");
        W($"    public static {name} One => OneValue;");
        W("");
        W("    /// <inheritdoc />");
        W($"    public static {name} MultiplicativeIdentity => OneValue;");
        W("");
        if (hasNaN)
        {
            W("    /// <summary>The canonical NaN" + (t.Level == Level.NaN && preset.Contains("fnuz", StringComparison.Ordinal) ? " (0x80, the code -0 would have)" : "") + ".</summary>");
            W($"    public static {name} NaN => NaNValue;");
            W("");
        }
        if (ieee)
        {
            W("    /// <summary>Positive infinity.</summary>");
            W($"    public static {name} PositiveInfinity => new(({storage})Fmt.InfinityCode(false));");
            W("");
            W("    /// <summary>Negative infinity.</summary>");
            W($"    public static {name} NegativeInfinity => new(({storage})Fmt.InfinityCode(true));");
            W("");
        }
        if (hasNegativeZero)
        {
            W("    /// <summary>Negative zero.</summary>");
            W($"    public static {name} NegativeZero => new(({storage})Fmt.SignBit);");
            W("");
        }
        if (number)
        {
            W("    /// <summary>The value 0.</summary>");
            W($"    public static {name} Zero => ZeroValue;");
            W("");
            W("    /// <summary>The value -1.</summary>");
            W($"    public static {name} NegativeOne => NegativeOneValue;");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} AdditiveIdentity => ZeroValue;");
            W("");
            W("    /// <inheritdoc />");
            W("    public static int Radix => 2;");
            W("");
            W("    /// <summary>e rounded to the type.</summary>");
            W($"    public static {name} E => Round(Math.E);");
            W("");
            W("    /// <summary>pi rounded to the type.</summary>");
            W($"    public static {name} Pi => Round(Math.PI);");
            W("");
            W("    /// <summary>2 pi rounded to the type.</summary>");
            W($"    public static {name} Tau => Round(Math.Tau);");
            W("");
        }
        else
        {
            W("    /// <summary>2^<paramref name=\"exponent\"/>, exponent in -127..127.</summary>");
            W($"    public static {name} FromExponent(int exponent)");
            W("    {");
            W("        if (exponent is < -127 or > 127)");
            W("            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, \"an E8M0 exponent must be in -127..127\");");
            W($"        return new(({storage})(exponent + Fmt.Bias));");
            W("    }");
            W("");
            W("    /// <summary>The exponent e of the value 2^e (NaN has none).</summary>");
            W("    /// <exception cref=\"InvalidOperationException\">The value is NaN.</exception>");
            W("    public int Exponent => IsNaN(this)");
            W("        ? throw new InvalidOperationException(\"NaN has no exponent\")");
            W("        : _code - Fmt.Bias;");
            W("");
        }
        // ---- conversions
        W("    /// <summary>Rounds a float to the type (nearest-even; overflow gives infinity or NaN, as System.Half).</summary>");
        W($"    public static explicit operator {name}(float value) => Round(value);");
        W("");
        W("    /// <summary>Rounds a double to the type (nearest-even; overflow gives infinity or NaN, as System.Half).</summary>");
        W($"    public static explicit operator {name}(double value) => Round(value);");
        W("");
        W("    /// <summary>Rounds a Half to the type (nearest-even; overflow gives infinity or NaN, as System.Half).</summary>");
        W($"    public static explicit operator {name}(Half value) => Round((double)value);");
        W("");
        W("    /// <summary>The exact value as a float.</summary>");
        W($"    public static explicit operator float({name} value) => (float)value.V;");
        W("");
        W("    /// <summary>The exact value as a double.</summary>");
        W($"    public static explicit operator double({name} value) => value.V;");
        W("");
        W("    /// <summary>The value rounded to Half (nearest-even; one rounding, as the value is exact in double).</summary>");
        W($"    public static explicit operator Half({name} value) => (Half)value.V;");
        W("");
        foreach (string other in Types.Select(u => u.Name))
        {
            if (other == name) continue;
            W($"    /// <summary>Rounds a <see cref=\"{other}\"/> to the type (one rounding, as the float cast).</summary>");
            W($"    public static explicit operator {name}({other} value) => Round(value.ToDouble());");
            W("");
        }
        // ---- comparison, equality
        foreach (string op in new[] { "==", "!=", "<", ">", "<=", ">=" })
        {
            W("    /// <inheritdoc />");
            W($"    public static bool operator {op}({name} left, {name} right) => left.V {op} right.V;");
            W("");
        }
        W("    /// <summary>Compares like <see cref=\"double.CompareTo(double)\"/>: NaN is below every value and equal to NaN, -0 equals +0.</summary>");
        W($"    public int CompareTo({name} other) => V.CompareTo(other.V);");
        W("");
        W("    /// <inheritdoc cref=\"CompareTo(" + name + ")\" />");
        W("    public int CompareTo(object? obj) => obj switch");
        W("    {");
        W("        null => 1,");
        W($"        {name} other => CompareTo(other),");
        W($"        _ => throw new ArgumentException($\"object must be a {name}, not {{obj.GetType().Name}}\", nameof(obj)),");
        W("    };");
        W("");
        W("    /// <summary>Equality like <see cref=\"double.Equals(double)\"/>: NaN equals NaN, -0 equals +0.</summary>");
        W($"    public bool Equals({name} other) => V.Equals(other.V);");
        W("");
        W("    /// <inheritdoc />");
        W($"    public override bool Equals([NotNullWhen(true)] object? obj) => obj is {name} other && Equals(other);");
        W("");
        W("    /// <inheritdoc />");
        W("    public override int GetHashCode() => V.GetHashCode();");
        W("");
        // ---- arithmetic
        W("    /// <summary>The exact product rounded once.</summary>");
        W($"    public static {name} operator *({name} left, {name} right) => Round(OddDouble.Product(left.V, right.V));");
        W("");
        W("    /// <summary>The exact quotient rounded once.</summary>");
        W($"    public static {name} operator /({name} left, {name} right) => Round(OddDouble.Quotient(left.V, right.V));");
        W("");
        if (number)
        {
            W("    /// <summary>The exact sum rounded once.</summary>");
            W($"    public static {name} operator +({name} left, {name} right) => Round(OddDouble.Sum(left.V, right.V));");
            W("");
            W("    /// <summary>The exact difference rounded once.</summary>");
            W($"    public static {name} operator -({name} left, {name} right) => Round(OddDouble.Sum(left.V, -right.V));");
            W("");
            W("    /// <summary>The remainder of truncated division (exact in double, as for <see cref=\"Math.IEEERemainder\"/>), rounded once.</summary>");
            W($"    public static {name} operator %({name} left, {name} right) => Round(left.V % right.V);");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} operator +({name} value) => value;");
            W("");
            W("    /// <summary>The negated value (in formats without -0, -0 is +0; NaN stays NaN).</summary>");
            W($"    public static {name} operator -({name} value) => Round(-value.V);");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} operator ++({name} value) => Round(OddDouble.Sum(value.V, 1.0));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} operator --({name} value) => Round(OddDouble.Sum(value.V, -1.0));");
            W("");
        }
        // ---- classification
        W("    /// <summary>Whether the value is NaN.</summary>");
        W($"    public static bool IsNaN({name} value) => double.IsNaN(value.V);");
        W("");
        W("    /// <summary>Whether the value is finite (not NaN or infinite).</summary>");
        W($"    public static bool IsFinite({name} value) => double.IsFinite(value.V);");
        W("");
        W("    /// <summary>Whether the value is infinite.</summary>");
        W($"    public static bool IsInfinity({name} value) => double.IsInfinity(value.V);");
        W("");
        W("    /// <summary>Whether the sign is negative (-0 and negative NaN codes included).</summary>");
        W($"    public static bool IsNegative({name} value) => double.IsNegative(value.V);");
        W("");
        if (number)
        {
            (string, string)[] simple =
            [
                ("IsPositive", "double.IsPositive(value.V)"), ("IsZero", "value.V == 0"),
                ("IsPositiveInfinity", "double.IsPositiveInfinity(value.V)"), ("IsNegativeInfinity", "double.IsNegativeInfinity(value.V)"),
                ("IsNormal", "double.IsFinite(value.V) && Math.Abs(value.V) >= Fmt.MinNormal"),
                ("IsSubnormal", "value.V != 0 && Math.Abs(value.V) < Fmt.MinNormal"),
                ("IsInteger", "double.IsInteger(value.V)"), ("IsEvenInteger", "double.IsEvenInteger(value.V)"),
                ("IsOddInteger", "double.IsOddInteger(value.V)"), ("IsRealNumber", "!double.IsNaN(value.V)"),
                ("IsComplexNumber", "false"), ("IsImaginaryNumber", "false"), ("IsCanonical", "true"),
            ];
            foreach (var (n, e) in simple)
            {
                W("    /// <inheritdoc />");
                W($"    public static bool {n}({name} value) => {e};");
                W("");
            }
            (string, string)[] two =
            [
                ("MaxMagnitude", "double.MaxMagnitude(x.V, y.V)"), ("MaxMagnitudeNumber", "double.MaxMagnitudeNumber(x.V, y.V)"),
                ("MinMagnitude", "double.MinMagnitude(x.V, y.V)"), ("MinMagnitudeNumber", "double.MinMagnitudeNumber(x.V, y.V)"),
                ("Max", "double.Max(x.V, y.V)"), ("MaxNumber", "double.MaxNumber(x.V, y.V)"),
                ("Min", "double.Min(x.V, y.V)"), ("MinNumber", "double.MinNumber(x.V, y.V)"),
            ];
            foreach (var (n, e) in two)
            {
                W("    /// <inheritdoc />");
                W($"    public static {name} {n}({name} x, {name} y) => Round({e});");
                W("");
            }
            W("    /// <inheritdoc />");
            W($"    public static {name} Abs({name} value) => Round(Math.Abs(value.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Clamp({name} value, {name} min, {name} max) => Round(double.Clamp(value.V, min.V, max.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} CopySign({name} value, {name} sign) => Round(double.CopySign(value.V, sign.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static int Sign({name} value) => Math.Sign(value.V);");
            W("");
            // rounding to integers
            W("    /// <inheritdoc />");
            W($"    public static {name} Ceiling({name} x) => Round(Math.Ceiling(x.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Floor({name} x) => Round(Math.Floor(x.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Truncate({name} x) => Round(Math.Truncate(x.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Round({name} x) => Round(Math.Round(x.V));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Round({name} x, int digits) => Round(Math.Round(x.V, digits));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Round({name} x, MidpointRounding mode) => Round(Math.Round(x.V, mode));");
            W("");
            W("    /// <inheritdoc />");
            W($"    public static {name} Round({name} x, int digits, MidpointRounding mode) => Round(Math.Round(x.V, digits, mode));");
            W("");
            // exponent / significand (IFloatingPoint)
            W("    private short ExponentOf()");
            W("    {");
            W("        int field = (int)((_code & ~Fmt.SignBit) >> Fmt.MantissaBits);");
            W("        return (short)(field == 0 ? Fmt.MinExponent : field - Fmt.Bias);");
            W("    }");
            W("");
            W("    private ushort SignificandOf()");
            W("    {");
            W("        uint magnitude = _code & ~Fmt.SignBit;");
            W("        uint mantissa = magnitude & ((1u << Fmt.MantissaBits) - 1);");
            W("        return (ushort)((magnitude >> Fmt.MantissaBits) == 0 ? mantissa : mantissa | (1u << Fmt.MantissaBits));");
            W("    }");
            W("");
            W("    /// <summary>Bytes of the exponent written by the TryWriteExponent methods (a short: value = significand * 2^(exponent - M)).</summary>");
            W("    public int GetExponentByteCount() => sizeof(short);");
            W("");
            W("    /// <inheritdoc />");
            W("    public int GetExponentShortestBitLength()");
            W("    {");
            W("        short exponent = ExponentOf();");
            W("        return exponent >= 0");
            W("            ? 32 - BitOperations.LeadingZeroCount((uint)exponent)");
            W("            : 33 - BitOperations.LeadingZeroCount((uint)(ushort)~exponent);");
            W("    }");
            W("");
            W("    /// <inheritdoc />");
            W("    public int GetSignificandByteCount() => sizeof(ushort);");
            W("");
            W("    /// <summary>Significand bits including the implicit bit (M + 1).</summary>");
            W("    public int GetSignificandBitLength() => Fmt.MantissaBits + 1;");
            W("");
            foreach (var (what, typ, val, meth) in new[] { ("Exponent", "short", "ExponentOf()", "Int16"), ("Significand", "ushort", "SignificandOf()", "UInt16") })
            {
                foreach (string endian in new[] { "BigEndian", "LittleEndian" })
                {
                    W("    /// <inheritdoc />");
                    W($"    public bool TryWrite{what}{endian}(Span<byte> destination, out int bytesWritten)");
                    W("    {");
                    W($"        if (BinaryPrimitives.TryWrite{meth}{endian}(destination, {val}))");
                    W("        {");
                    W($"            bytesWritten = sizeof({typ});");
                    W("            return true;");
                    W("        }");
                    W("        bytesWritten = 0;");
                    W("        return false;");
                    W("    }");
                    W("");
                }
            }
            // generic conversions
            W("    /// <summary>Converts any primitive number or number type of this library (Checked, Saturating and Truncating");
            W("    /// all round once to nearest-even with overflow to infinity or NaN, as System.Half does).</summary>");
            W($"    private static bool TryConvertFrom<TOther>(TOther value, out {name} result) where TOther : INumberBase<TOther>");
            W("    {");
            W("        if (NumberTypeConversion.TryExactDouble(value, out double exactOrOdd))");
            W("        {");
            W("            result = Round(exactOrOdd);");
            W("            return true;");
            W("        }");
            W("        result = default;");
            W("        return false;");
            W("    }");
            W("");
            foreach (string kind in new[] { "Checked", "Saturating", "Truncating" })
            {
                W("    /// <summary>Converts any number: primitive numbers and the number types of this library round once (nearest-even,");
                W("    /// overflow to infinity or NaN, as System.Half); other types are asked to convert themselves.</summary>");
                W("    /// <exception cref=\"NotSupportedException\">Neither type knows the other.</exception>");
                W($"    public static {name} Create{kind}<TOther>(TOther value) where TOther : INumberBase<TOther>");
                W("    {");
                W($"        if (TryConvertFrom(value, out {name} result) || TOther.TryConvertTo{kind}(value, out result)) return result;");
                W($"        throw new NotSupportedException($\"cannot convert {{typeof(TOther).Name}} to {name}\");");
                W("    }");
                W("");
                W("    /// <inheritdoc />");
                W($"    static bool INumberBase<{name}>.TryConvertFrom{kind}<TOther>(TOther value, out {name} result) => TryConvertFrom(value, out result);");
                W("");
                W("    /// <inheritdoc />");
                W($"    static bool INumberBase<{name}>.TryConvertTo{kind}<TOther>({name} value, [MaybeNullWhen(false)] out TOther result) =>");
                W($"        NumberTypeConversion.TryFromDouble{kind}(value.V, out result);");
                W("");
            }
        }
        // ---- IEEE functions
        if (ieee)
        {
            W("    // Functions below: the exact result of Sqrt, FusedMultiplyAdd, BitIncrement/BitDecrement, ScaleB, ILogB and");
            W("    // Ieee754Remainder is rounded once. The other elementary functions are evaluated in double (about 1 ulp of double)");
            W("    // and then rounded once to the type: correct unless the exact result lies within ~2^-52 (relative) of a tie of the type.");
            W("");
            W("    /// <summary>The exact square root rounded once (residual by fused multiply-add, then round-to-odd).</summary>");
            W($"    public static {name} Sqrt({name} x)");
            W("    {");
            W("        double r = Math.Sqrt(x.V);");
            W("        if (!double.IsFinite(r) || r == 0) return Round(r);");
            W("        return Round(OddDouble.FromNearest(r, Math.Sign(Math.FusedMultiplyAdd(-r, r, x.V))));");
            W("    }");
            W("");
            W("    /// <summary>left * right + addend computed exactly and rounded once.</summary>");
            W($"    public static {name} FusedMultiplyAdd({name} left, {name} right, {name} addend) =>");
            W("        Round(OddDouble.FusedMultiplyAdd(left.V, right.V, addend.V));");
            W("");
            W("    /// <summary>The IEEE remainder x - y * round(x / y), exact in double, rounded once.</summary>");
            W($"    public static {name} Ieee754Remainder({name} left, {name} right) => Round(Math.IEEERemainder(left.V, right.V));");
            W("");
            W("    /// <summary>x * 2^n, rounded once.</summary>");
            W($"    public static {name} ScaleB({name} x, int n) => Round(Math.ScaleB(x.V, Math.Clamp(n, -900, 800)));");
            W("");
            W("    /// <summary>floor(log2 |x|) like <see cref=\"Math.ILogB(double)\"/>.</summary>");
            W($"    public static int ILogB({name} x) => Math.ILogB(x.V);");
            W("");
            W("    /// <summary>The next larger value of the type.</summary>");
            W($"    public static {name} BitIncrement({name} x)");
            W("    {");
            W("        double v = x.V;");
            W("        if (double.IsNaN(v) || v == double.PositiveInfinity) return x;");
            W("        if (v == 0) return SmallestPositive;");
            W($"        return new(({storage})(v > 0 ? x._code + 1u : x._code - 1u));");
            W("    }");
            W("");
            W("    /// <summary>The next smaller value of the type.</summary>");
            W($"    public static {name} BitDecrement({name} x)");
            W("    {");
            W("        double v = x.V;");
            W("        if (double.IsNaN(v) || v == double.NegativeInfinity) return x;");
            W("        if (v == 0) return -SmallestPositive;");
            W($"        return new(({storage})(v > 0 ? x._code - 1u : x._code + 1u));");
            W("    }");
            W("");
            W("    /// <summary>Linear interpolation a + (b - a) * t evaluated in double, rounded once.</summary>");
            W($"    public static {name} Lerp({name} value1, {name} value2, {name} amount) => Round(double.Lerp(value1.V, value2.V, amount.V));");
            W("");
            W("    /// <summary>The logarithm of x in base newBase, evaluated in double, rounded once.</summary>");
            W($"    public static {name} Log({name} x, {name} newBase) => Round(double.Log(x.V, newBase.V));");
            W("");
            W("    /// <summary>The n-th root, evaluated in double, rounded once.</summary>");
            W($"    public static {name} RootN({name} x, int n) => Round(double.RootN(x.V, n));");
            W("");
            W("    /// <summary>Sine and cosine, evaluated in double, each rounded once.</summary>");
            W($"    public static ({name} Sin, {name} Cos) SinCos({name} x) => (Round(Math.Sin(x.V)), Round(Math.Cos(x.V)));");
            W("");
            W("    /// <summary>sin(pi x) and cos(pi x), evaluated in double, each rounded once.</summary>");
            W($"    public static ({name} SinPi, {name} CosPi) SinCosPi({name} x) => (Round(double.SinPi(x.V)), Round(double.CosPi(x.V)));");
            W("");
            foreach (var (n, e) in UnaryFunctions)
            {
                W($"    /// <summary>{n}, evaluated in double, rounded once.</summary>");
                W($"    public static {name} {n}({name} x)");
                W("    {");
                W("        double v = x.V;");
                W($"        return Round({e});");
                W("    }");
                W("");
            }
            foreach (var (n, e, p1, p2) in BinaryFunctions)
            {
                W($"    /// <summary>{n}, evaluated in double, rounded once.</summary>");
                W($"    public static {name} {n}({name} {p1}, {name} {p2})");
                W("    {");
                W($"        double a = {p1}.V, b = {p2}.V;");
                W($"        return Round({e});");
                W("    }");
                W("");
            }
        }
        // ---- text
        W("    /// <summary>The shortest text that parses back to this value (invariant of the current culture's separators).</summary>");
        W("    public override string ToString() => ToString(null, null);");
        W("");
        W("    /// <summary>Formats the value: null, \"G\" or \"R\" give the shortest text that parses back to the same code; other");
        W("    /// format strings format the exact value as <see cref=\"double.ToString(string, IFormatProvider)\"/> does.</summary>");
        W("    public string ToString(string? format, IFormatProvider? formatProvider) => NumberText.Format(Fmt, V, _code, format, formatProvider);");
        W("");
        W("    /// <inheritdoc cref=\"ToString(string, IFormatProvider)\" />");
        W("    public string ToString(string? format) => ToString(format, null);");
        W("");
        W("    /// <inheritdoc cref=\"ToString(string, IFormatProvider)\" />");
        W("    public string ToString(IFormatProvider? formatProvider) => ToString(null, formatProvider);");
        W("");
        W("    /// <inheritdoc />");
        W("    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>");
        W("        NumberText.TryCopy(ToString(format.IsEmpty ? null : format.ToString(), provider), destination, out charsWritten);");
        W("");
        W("    /// <inheritdoc />");
        W("    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>");
        W("        NumberText.TryCopy(ToString(format.IsEmpty ? null : format.ToString(), provider), utf8Destination, out bytesWritten);");
        W("");
        W("    private const NumberStyles DefaultStyles = NumberStyles.Float | NumberStyles.AllowThousands;");
        W("");
        W("    /// <summary>Parses text (decimal text is read exactly and rounded once: nearest-even, overflow to infinity or NaN).</summary>");
        W($"    public static {name} Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) =>");
        W($"        NumberText.TryParse(Fmt, s, style, provider, out uint code) ? new(({storage})code) : throw NumberText.Invalid(nameof({name}), s);");
        W("");
        W("    /// <inheritdoc cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\" />");
        W($"    public static {name} Parse(string s, NumberStyles style, IFormatProvider? provider)");
        W("    {");
        W("        ArgumentNullException.ThrowIfNull(s);");
        W("        return Parse(s.AsSpan(), style, provider);");
        W("    }");
        W("");
        W("    /// <inheritdoc cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\" />");
        W($"    public static {name} Parse(string s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);");
        W("");
        W("    /// <inheritdoc cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\" />");
        W($"    public static {name} Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s, DefaultStyles, provider);");
        W("");
        W("    /// <inheritdoc cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\" />");
        W($"    public static {name} Parse(ReadOnlySpan<byte> utf8Text, NumberStyles style = DefaultStyles, IFormatProvider? provider = null) =>");
        W($"        NumberText.TryParse(Fmt, utf8Text, style, provider, out uint code) ? new(({storage})code)");
        W($"            : throw new FormatException($\"the UTF-8 text is not a valid {name} number\");");
        W("");
        W("    /// <inheritdoc cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\" />");
        W($"    public static {name} Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text, DefaultStyles, provider);");
        W("");
        W("    /// <summary>Tries to parse text (see <see cref=\"Parse(ReadOnlySpan{char}, NumberStyles, IFormatProvider)\"/>).</summary>");
        W($"    public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out {name} result)");
        W("    {");
        W("        bool ok = NumberText.TryParse(Fmt, s, style, provider, out uint code);");
        W($"        result = new(({storage})code);");
        W("        return ok;");
        W("    }");
        W("");
        W("    /// <inheritdoc cref=\"TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out " + name + ")\" />");
        W($"    public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out {name} result)");
        W("    {");
        W("        if (s is null)");
        W("        {");
        W("            result = default;");
        W("            return false;");
        W("        }");
        W("        return TryParse(s.AsSpan(), style, provider, out result);");
        W("    }");
        W("");
        W("    /// <inheritdoc cref=\"TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out " + name + ")\" />");
        W($"    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out {name} result) =>");
        W("        TryParse(s, DefaultStyles, provider, out result);");
        W("");
        W("    /// <inheritdoc cref=\"TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out " + name + ")\" />");
        W($"    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out {name} result) =>");
        W("        TryParse(s, DefaultStyles, provider, out result);");
        W("");
        W("    /// <inheritdoc cref=\"TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out " + name + ")\" />");
        W($"    public static bool TryParse(ReadOnlySpan<byte> utf8Text, NumberStyles style, IFormatProvider? provider, out {name} result)");
        W("    {");
        W("        bool ok = NumberText.TryParse(Fmt, utf8Text, style, provider, out uint code);");
        W($"        result = new(({storage})code);");
        W("        return ok;");
        W("    }");
        W("");
        W("    /// <inheritdoc cref=\"TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out " + name + ")\" />");
        W($"    public static bool TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out {name} result) =>");
        W("        TryParse(utf8Text, DefaultStyles, provider, out result);");
        W("}");
        return Finish();
    }
}
