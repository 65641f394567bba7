namespace Emulator.Formats;

/// <summary>The <c>hifloat8</c> kind: no parameters besides the common <c>overflow</c> (default <c>infinity</c>) and
/// <c>rounding</c> (the preset sets <c>nearest-away</c>, as the reference rounds).</summary>
internal static class HiFloat8Spec
{
    public static NumberFormat Parse(SpecObject s, FormatInfo info) =>
        new HiFloat8Format(info, FormatSpecReader.Overflow(s) ?? OverflowPolicy.Infinity) { DefaultRounding = FormatSpecReader.Rounding(s) };
}
