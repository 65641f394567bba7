namespace Emulator.Generators;

/// <summary>
/// Writes <c>src/Emulator.Formats/Posit/Posit8.g.cs</c>, <c>Posit16.g.cs</c> and <c>Posit32.g.cs</c> from one template:
/// the .NET posit&lt;n,2&gt; types differ only in the width and the storage type; every operation lives in PositLayout.
/// Edit the template here (not the generated files) and run <c>dotnet run --project tools/Emulator.Generators</c>.
/// </summary>
internal static class PositTypeGenerator
{
    private static readonly (int Bits, string Storage)[] Widths = [(8, "byte"), (16, "ushort"), (32, "uint")];

    /// <summary>The generated files, paths relative to the repository root.</summary>
    public static IEnumerable<GeneratedFile> Files() =>
        Widths.Select(w => new GeneratedFile($"src/Emulator.Formats/Posit/Posit{w.Bits}.g.cs", Generate(w.Bits, w.Storage)));

    private static string Generate(int n, string storage)
    {
        string name = $"Posit{n}";
        string cast = storage == "uint" ? "" : $"({storage})";
        return $$"""
            {{GeneratedFile.Header("PositTypeGenerator.cs")}}

            using System.Diagnostics.CodeAnalysis;
            using System.Globalization;
            using System.Numerics;
            using System.Runtime.CompilerServices;

            namespace Emulator.Formats;

            /// <summary>
            /// A posit&lt;{{n}},2&gt; (2022 Posit Standard) as a .NET number: correctly rounded arithmetic (nearest-even on the bit string),
            /// NaR in place of NaN and infinities, conversions, parsing and formatting. Arithmetic operators round once; use
            /// <see cref="FusedMultiplyAdd"/> or <see cref="Dot"/> (the quire) to round once over several operations.
            /// </summary>
            public readonly partial struct {{name}} : INumber<{{name}}>, ISignedNumber<{{name}}>, IMinMaxValue<{{name}}>
            {
                /// <summary>The layout posit&lt;{{n}},2&gt;.</summary>
                public static readonly PositLayout Layout = new({{n}}, 2);

                private readonly {{storage}} _bits;

                private {{name}}(uint bits, bool _) => _bits = {{cast}}bits;

                /// <summary>The posit with the given code.</summary>
                public static {{name}} FromBits({{storage}} bits) => new(bits, false);

                /// <summary>The {{n}}-bit code.</summary>
                public {{storage}} Bits => _bits;

                private static {{name}} Of(uint code) => new(code, false);

                /// <summary>Not a Real (code 100...0).</summary>
                public static {{name}} NaR => Of(Layout.NaR);

                /// <summary>maxpos.</summary>
                public static {{name}} MaxValue => Of(Layout.MaxPosCode);

                /// <summary>-maxpos.</summary>
                public static {{name}} MinValue => Of(Layout.Negate(Layout.MaxPosCode));

                /// <summary>minpos, the smallest positive value.</summary>
                public static {{name}} MinPositive => Of(1);

                /// <inheritdoc />
                public static {{name}} One => Of(Layout.FromInt64(1));

                /// <inheritdoc />
                public static {{name}} NegativeOne => Of(Layout.FromInt64(-1));

                /// <inheritdoc />
                public static {{name}} Zero => default;

                /// <inheritdoc />
                public static int Radix => 2;

                /// <inheritdoc />
                public static {{name}} AdditiveIdentity => Zero;

                /// <inheritdoc />
                public static {{name}} MultiplicativeIdentity => One;

                // ---- conversions ----

                /// <summary>Rounds a double (nearest-even on the bit string; NaN and ±Inf give NaR).</summary>
                public static explicit operator {{name}}(double x) => Of(Layout.FromDouble(x));

                /// <summary>Rounds a float (nearest-even on the bit string; NaN and ±Inf give NaR).</summary>
                public static explicit operator {{name}}(float x) => Of(Layout.FromDouble(x));

                /// <summary>Rounds an integer.</summary>
                public static explicit operator {{name}}(long x) => Of(Layout.FromInt64(x));

                /// <summary>Rounds an integer.</summary>
                public static explicit operator {{name}}(int x) => Of(Layout.FromInt64(x));

                /// <summary>The exact value (NaR gives NaN).</summary>
                public static implicit operator double({{name}} p) => Layout.ToDouble(p._bits);

                /// <summary>The value rounded to float (NaR gives NaN).</summary>
                public static explicit operator float({{name}} p) => (float)Layout.ToDouble(p._bits);

                /// <summary>Truncates toward zero and saturates (NaR gives 0, like a NaN cast).</summary>
                public static explicit operator long({{name}} p) => p.IsNaRValue ? 0 : Layout.ToInt64(p._bits, TowardZero);

                /// <summary>Truncates toward zero and saturates (NaR gives 0, like a NaN cast).</summary>
                public static explicit operator int({{name}} p) => (int)Math.Clamp((long)p, int.MinValue, int.MaxValue);

                /// <summary>Converts from another posit size, rounded once (widening is exact).</summary>
                public static {{name}} From(PositLayout source, uint code) => Of(source.ConvertTo(Layout, code));

                private static readonly RoundingOptions TowardZero = new(RoundingMode.TowardZero);

                private bool IsNaRValue => _bits == Layout.NaR;

                // ---- arithmetic ----

                /// <inheritdoc />
                public static {{name}} operator +({{name}} a, {{name}} b) => Of(Layout.Add(a._bits, b._bits));

                /// <inheritdoc />
                public static {{name}} operator -({{name}} a, {{name}} b) => Of(Layout.Subtract(a._bits, b._bits));

                /// <inheritdoc />
                public static {{name}} operator *({{name}} a, {{name}} b) => Of(Layout.Multiply(a._bits, b._bits));

                /// <inheritdoc />
                public static {{name}} operator /({{name}} a, {{name}} b) => Of(Layout.Divide(a._bits, b._bits));

                /// <summary>a - trunc(a / b) * b, rounded once.</summary>
                public static {{name}} operator %({{name}} a, {{name}} b) => Of(Layout.Modulus(a._bits, b._bits));

                /// <inheritdoc />
                public static {{name}} operator -({{name}} a) => Of(Layout.Negate(a._bits));

                /// <inheritdoc />
                public static {{name}} operator +({{name}} a) => a;

                /// <inheritdoc />
                public static {{name}} operator ++({{name}} a) => a + One;

                /// <inheritdoc />
                public static {{name}} operator --({{name}} a) => a - One;

                /// <summary>a * b + c with one rounding.</summary>
                public static {{name}} FusedMultiplyAdd({{name}} a, {{name}} b, {{name}} c) => Of(Layout.FusedMultiplyAdd(a._bits, b._bits, c._bits));

                /// <inheritdoc />
                public static {{name}} MultiplyAddEstimate({{name}} left, {{name}} right, {{name}} addend) => FusedMultiplyAdd(left, right, addend);

                /// <summary>The square root, rounded once (NaR for negative input).</summary>
                public static {{name}} Sqrt({{name}} a) => Of(Layout.Sqrt(a._bits));

                /// <summary>The largest integer not above the value (NaR stays NaR).</summary>
                public static {{name}} Floor({{name}} x) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(RoundingMode.TowardNegative)));

                /// <summary>The smallest integer not below the value (NaR stays NaR).</summary>
                public static {{name}} Ceiling({{name}} x) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(RoundingMode.TowardPositive)));

                /// <summary>The integer part (rounds toward zero; NaR stays NaR).</summary>
                public static {{name}} Truncate({{name}} x) => Of(Layout.RoundToIntegral(x._bits, TowardZero));

                /// <summary>The nearest integer, ties to even (NaR stays NaR).</summary>
                public static {{name}} Round({{name}} x) => Of(Layout.RoundToIntegral(x._bits));

                /// <summary>The nearest integer with the given tie rule (or directed mode).</summary>
                public static {{name}} Round({{name}} x, MidpointRounding mode) => Of(Layout.RoundToIntegral(x._bits, new RoundingOptions(mode switch
                {
                    MidpointRounding.ToEven => RoundingMode.NearestEven,
                    MidpointRounding.AwayFromZero => RoundingMode.NearestAway,
                    MidpointRounding.ToZero => RoundingMode.TowardZero,
                    MidpointRounding.ToNegativeInfinity => RoundingMode.TowardNegative,
                    MidpointRounding.ToPositiveInfinity => RoundingMode.TowardPositive,
                    _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a MidpointRounding value"),
                })));

                /// <summary>The fused dot product: sum of a[i] * b[i] accumulated exactly in the quire and rounded once.</summary>
                public static {{name}} Dot(ReadOnlySpan<{{name}}> a, ReadOnlySpan<{{name}}> b)
                {
                    if (a.Length != b.Length)
                        throw new ArgumentException($"b has length {b.Length}; it must equal a.Length = {a.Length}", nameof(b));
                    var quire = new Quire(Layout.N);
                    for (int i = 0; i < a.Length; i++) quire.AddProduct(a[i]._bits, b[i]._bits);
                    return Of(quire.ToPosit());
                }

                // ---- comparison (the posit order: NaR equals itself and is below every real) ----

                /// <inheritdoc />
                public int CompareTo({{name}} other) => Layout.Compare(_bits, other._bits);

                /// <inheritdoc />
                public int CompareTo(object? obj) => obj switch
                {
                    null => 1,
                    {{name}} p => CompareTo(p),
                    _ => throw new ArgumentException($"obj is a {obj.GetType().Name}; it must be a {nameof({{name}})}", nameof(obj)),
                };

                /// <inheritdoc />
                public bool Equals({{name}} other) => _bits == other._bits;

                /// <inheritdoc />
                public override bool Equals([NotNullWhen(true)] object? obj) => obj is {{name}} p && Equals(p);

                /// <inheritdoc />
                public override int GetHashCode() => _bits.GetHashCode();

                /// <inheritdoc />
                public static bool operator ==({{name}} a, {{name}} b) => a._bits == b._bits;

                /// <inheritdoc />
                public static bool operator !=({{name}} a, {{name}} b) => a._bits != b._bits;

                /// <inheritdoc />
                public static bool operator <({{name}} a, {{name}} b) => a.CompareTo(b) < 0;

                /// <inheritdoc />
                public static bool operator >({{name}} a, {{name}} b) => a.CompareTo(b) > 0;

                /// <inheritdoc />
                public static bool operator <=({{name}} a, {{name}} b) => a.CompareTo(b) <= 0;

                /// <inheritdoc />
                public static bool operator >=({{name}} a, {{name}} b) => a.CompareTo(b) >= 0;

                // ---- classification ----

                /// <inheritdoc />
                public static {{name}} Abs({{name}} value) => IsNegative(value) ? -value : value;

                /// <summary>Whether the value is NaR.</summary>
                public static bool IsNaR({{name}} value) => value.IsNaRValue;

                /// <summary>True for NaR (the posit counterpart of NaN).</summary>
                public static bool IsNaN({{name}} value) => value.IsNaRValue;

                /// <inheritdoc />
                public static bool IsCanonical({{name}} value) => true;

                /// <inheritdoc />
                public static bool IsComplexNumber({{name}} value) => false;

                /// <inheritdoc />
                public static bool IsEvenInteger({{name}} value) => Layout.IsEvenInteger(value._bits);

                /// <inheritdoc />
                public static bool IsOddInteger({{name}} value) => Layout.IsInteger(value._bits) && !Layout.IsEvenInteger(value._bits);

                /// <inheritdoc />
                public static bool IsInteger({{name}} value) => Layout.IsInteger(value._bits);

                /// <summary>Every value but NaR is finite.</summary>
                public static bool IsFinite({{name}} value) => !value.IsNaRValue;

                /// <inheritdoc />
                public static bool IsImaginaryNumber({{name}} value) => false;

                /// <summary>Posits have no infinity.</summary>
                public static bool IsInfinity({{name}} value) => false;

                /// <summary>Posits have no infinity.</summary>
                public static bool IsPositiveInfinity({{name}} value) => false;

                /// <summary>Posits have no infinity.</summary>
                public static bool IsNegativeInfinity({{name}} value) => false;

                /// <summary>Whether the value is below zero (NaR is not).</summary>
                public static bool IsNegative({{name}} value) => !value.IsNaRValue && Layout.SignedCode(value._bits) < 0;

                /// <summary>Whether the value is above zero.</summary>
                public static bool IsPositive({{name}} value) => Layout.SignedCode(value._bits) > 0;

                /// <summary>Every nonzero real posit is normal (posits have no subnormals).</summary>
                public static bool IsNormal({{name}} value) => value._bits != 0 && !value.IsNaRValue;

                /// <summary>Posits have no subnormals.</summary>
                public static bool IsSubnormal({{name}} value) => false;

                /// <summary>Every value but NaR is real.</summary>
                public static bool IsRealNumber({{name}} value) => !value.IsNaRValue;

                /// <inheritdoc />
                public static bool IsZero({{name}} value) => value._bits == 0;

                /// <inheritdoc />
                public static {{name}} MaxMagnitude({{name}} x, {{name}} y)
                {
                    if (x.IsNaRValue || y.IsNaRValue) return NaR;
                    {{name}} ax = Abs(x), ay = Abs(y);
                    return ax > ay || (ax == ay && !IsNegative(x)) ? x : y;
                }

                /// <inheritdoc />
                public static {{name}} MaxMagnitudeNumber({{name}} x, {{name}} y) => x.IsNaRValue ? y : y.IsNaRValue ? x : MaxMagnitude(x, y);

                /// <inheritdoc />
                public static {{name}} MinMagnitude({{name}} x, {{name}} y)
                {
                    if (x.IsNaRValue || y.IsNaRValue) return NaR;
                    {{name}} ax = Abs(x), ay = Abs(y);
                    return ax < ay || (ax == ay && IsNegative(x)) ? x : y;
                }

                /// <inheritdoc />
                public static {{name}} MinMagnitudeNumber({{name}} x, {{name}} y) => x.IsNaRValue ? y : y.IsNaRValue ? x : MinMagnitude(x, y);

                // ---- generic conversions ----

                /// <inheritdoc />
                public static bool TryConvertFromChecked<TOther>(TOther value, out {{name}} result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

                /// <inheritdoc />
                public static bool TryConvertFromSaturating<TOther>(TOther value, out {{name}} result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

                /// <inheritdoc />
                public static bool TryConvertFromTruncating<TOther>(TOther value, out {{name}} result) where TOther : INumberBase<TOther> => TryConvertFrom(value, out result);

                private static bool TryConvertFrom<TOther>(TOther value, out {{name}} result) where TOther : INumberBase<TOther>
                {
                    uint? code = PositConversions.FromNumber(Layout, value);
                    result = Of(code ?? 0);
                    return code.HasValue;
                }

                /// <inheritdoc />
                public static bool TryConvertToChecked<TOther>({{name}} value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
                    PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Throw, out result);

                /// <inheritdoc />
                public static bool TryConvertToSaturating<TOther>({{name}} value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
                    PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Saturate, out result);

                /// <inheritdoc />
                public static bool TryConvertToTruncating<TOther>({{name}} value, [MaybeNullWhen(false)] out TOther result) where TOther : INumberBase<TOther> =>
                    PositConversions.TryToNumber(Layout, value._bits, PositConversions.Overflow.Saturate, out result);

                // ---- parsing and formatting ----

                /// <inheritdoc />
                public static {{name}} Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), NumberStyles.Float | NumberStyles.AllowThousands, provider);

                /// <inheritdoc />
                public static {{name}} Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s, NumberStyles.Float | NumberStyles.AllowThousands, provider);

                /// <inheritdoc />
                public static {{name}} Parse(string s, NumberStyles style, IFormatProvider? provider)
                {
                    ArgumentNullException.ThrowIfNull(s);
                    return Parse(s.AsSpan(), style, provider);
                }

                /// <inheritdoc />
                public static {{name}} Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) =>
                    TryParse(s, style, provider, out {{name}} result) ? result
                        : throw new FormatException($"'{s.ToString()}' is not a number {nameof({{name}})} can parse");

                /// <inheritdoc />
                public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out {{name}} result) =>
                    TryParse(s.AsSpan(), NumberStyles.Float | NumberStyles.AllowThousands, provider, out result);

                /// <inheritdoc />
                public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out {{name}} result) =>
                    TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, provider, out result);

                /// <inheritdoc />
                public static bool TryParse([NotNullWhen(true)] string? s, NumberStyles style, IFormatProvider? provider, out {{name}} result) =>
                    TryParse(s.AsSpan(), style, provider, out result);

                /// <summary>Parses a number (rounded once from the exact decimal value; <c>NaR</c> and NaN give NaR).</summary>
                public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out {{name}} result)
                {
                    bool ok = PositConversions.TryParse(Layout, s, style, provider, out uint code);
                    result = Of(code);
                    return ok;
                }

                /// <summary>The shortest decimal that reads back as this posit, or <c>NaR</c>.</summary>
                public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

                /// <summary>Formats the exact value like a double (NaR prints as <c>NaR</c>).</summary>
                public string ToString(string? format, IFormatProvider? formatProvider) =>
                    IsNaRValue ? "NaR" : Layout.ToDouble(_bits).ToString(format, formatProvider);

                /// <inheritdoc />
                public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
                {
                    if (IsNaRValue)
                    {
                        bool fits = "NaR".AsSpan().TryCopyTo(destination);
                        charsWritten = fits ? 3 : 0;
                        return fits;
                    }
                    return Layout.ToDouble(_bits).TryFormat(destination, out charsWritten, format, provider);
                }
            }

            """;
    }
}
