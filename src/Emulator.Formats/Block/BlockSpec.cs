namespace Emulator.Formats;

/// <summary>The <c>block</c> kind: element and scale formats (preset name or inline spec), block shape, scale rule.</summary>
internal static class BlockSpec
{
    public static NumberFormat Parse(SpecObject s, FormatInfo info)
    {
        ScalarFormat element = ScalarReference(s, "element");
        int[] shape = BlockShape(s);
        ScalarFormat scale = ScalarReference(s, "scale");
        ScaleRule rule = ScaleRuleNames.Parse(s.Choice("scaleRule", ScaleRuleNames.All, required: true)!);
        bool exponent = (s.Choice("scaleEncoding", ["value", "exponent"]) ?? "value") == "exponent";
        bool tensorScale = s.Bool("tensorScale") ?? false;
        return new BlockFormat(info, element, shape[0], shape[1], scale, rule, exponent, tensorScale);
    }

    private static int[] BlockShape(SpecObject s)
    {
        double[] dims = s.Numbers("block", 1, 2, required: true)!;
        foreach (double d in dims)
            if (d != Math.Floor(d) || d < 1 || d > BlockFormat.MaxBlockSize)
                throw s.Error("block", $"must hold integers in 1..{BlockFormat.MaxBlockSize} ([B] or [rows, cols]), not {d}");
        return dims.Length == 1 ? [1, (int)dims[0]] : [(int)dims[0], (int)dims[1]];
    }

    /// <summary>A scalar format given as a preset name or as an inline spec object.</summary>
    private static ScalarFormat ScalarReference(SpecObject s, string field)
    {
        if (!s.Has(field)) throw s.Error(field, "is required (a preset name or an inline format spec)");
        SpecObject? inline;
        try
        {
            inline = s.Object(field);
        }
        catch (FormatSpecException)
        {
            inline = null;
        }
        NumberFormat format = inline is not null
            ? FormatSpecReader.Read(inline)
            : EmbeddedPresets.Get(s.String(field, required: true, maxLength: 64)!, s.File, $"{s.Path}.{field}");
        return format as ScalarFormat ?? throw s.Error(field, $"'{format.Name}' is a {format.Kind} format; it must be a scalar format");
    }
}
