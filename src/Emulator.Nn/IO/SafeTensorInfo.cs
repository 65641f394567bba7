namespace Emulator.Nn.IO;

/// <summary>A tensor to be written to a safetensors file: its name, element type and shape (row-major, C order).</summary>
public sealed record SafeTensorSpec
{
    /// <summary>Creates a spec; the shape is copied.</summary>
    public SafeTensorSpec(string name, SafeTensorsDType dtype, IEnumerable<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        DType = dtype;
        Shape = shape.ToArray();
    }

    /// <summary>Tensor name (any string except <c>__metadata__</c>).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Dimensions (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements (1 for a scalar); -1 if the product overflows.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Shape)
            {
                if (d < 0 || (d != 0 && n > long.MaxValue / d)) return -1;
                n *= d;
            }
            return n;
        }
    }

    /// <summary>Bytes of the data (-1 when the count overflows or sub-byte elements do not fill whole bytes).</summary>
    public long ByteLength => ElementCount < 0 ? -1 : DType.ByteLength(ElementCount);

    /// <summary>The shape as text, <c>[2, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A tensor of a safetensors header: its spec and where its bytes are, as offsets into the data section
/// (which starts right after the header).</summary>
public sealed record SafeTensorInfo
{
    /// <summary>Creates the entry.</summary>
    public SafeTensorInfo(SafeTensorSpec spec, long begin, long end)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        Begin = begin;
        End = end;
    }

    /// <summary>Name, type and shape.</summary>
    public SafeTensorSpec Spec { get; }

    /// <summary>Tensor name.</summary>
    public string Name => Spec.Name;

    /// <summary>Element type.</summary>
    public SafeTensorsDType DType => Spec.DType;

    /// <summary>Dimensions (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape => Spec.Shape;

    /// <summary>Number of elements.</summary>
    public long ElementCount => Spec.ElementCount;

    /// <summary>First byte, relative to the data section.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte, relative to the data section.</summary>
    public long End { get; }

    /// <summary>Bytes of the data (End - Begin).</summary>
    public long ByteLength => End - Begin;
}
