using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>
/// A float32 tensor: row-major contiguous data and a shape, with reverse-mode autograd (PyTorch's vocabulary:
/// <see cref="RequiresGrad"/>, <see cref="Grad"/>, <see cref="GradFn"/>, <see cref="Backward"/>, <see cref="Detach"/>).
/// Storage comes from <see cref="TensorPool"/>; a tensor made inside a <see cref="DisposeScope"/> is released with it.
/// <c>Reshape</c> returns a view that shares the storage.
/// </summary>
public sealed partial class Tensor
{
    private float[]? _buffer;
    private readonly int _offset;
    private readonly int[] _shape;
    private readonly bool _ownsBuffer;
    private DisposeScope? _scope;

    private Tensor(float[] buffer, int offset, int[] shape, bool owns)
    {
        _buffer = buffer;
        _offset = offset;
        _shape = shape;
        Numel = ShapeMath.Numel(shape);
        _ownsBuffer = owns;
        _scope = DisposeScope.Current;
        _scope?.Add(this);
    }

    /// <summary>The shape (empty for a scalar).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape as an array (a copy).</summary>
    public int[] ShapeArray => (int[])_shape.Clone();

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Numel { get; }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public int Size(int dim) => _shape[ShapeMath.Axis(dim, Rank, nameof(Size))];

    /// <summary>The elements, row-major (writable: writes bypass autograd, as <c>tensor.data</c> in PyTorch).</summary>
    public Span<float> Data => Buffer.AsSpan(_offset, Numel);

    internal float[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(Tensor), "this tensor was released when its DisposeScope ended; keep it with MoveToOuterScope() or Keep(), or copy it out first");

    internal int Offset => _offset;

    /// <summary>Whether gradients flow to this tensor (settable on leaves, as <c>requires_grad_</c>).</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient of a leaf after <see cref="Backward"/> (null before, or after <c>ZeroGrad</c> with set-to-none).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that made this tensor (null for leaves and results computed without gradient recording).</summary>
    public Function? GradFn { get; internal set; }

    /// <summary>A leaf: made by the user (or detached), not by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>An optional name (parameters carry their state-dict name).</summary>
    public string? Name { get; set; }

    /// <summary>Gradient flowing into a non-leaf during <see cref="Backward"/>.</summary>
    internal Tensor? PendingGrad;

    /// <summary>Set when the engine took this tensor as some input's pending gradient.</summary>
    internal bool AdoptedAsGrad;

    /// <summary>A new tensor of the shape with arbitrary contents (registered in the current scope).</summary>
    public static Tensor Empty(params int[] shape)
    {
        int n = ShapeMath.Numel(shape);
        return new Tensor(TensorPool.Rent(n), 0, (int[])shape.Clone(), true);
    }

    /// <summary>A new tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        var t = Empty(shape);
        t.Data.Clear();
        return t;
    }

    /// <summary>A new tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A new tensor filled with a value.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty(shape);
        t.Data.Fill(value);
        return t;
    }

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>A tensor with a copy of the values and the given shape (the element counts must agree).</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        int n = ShapeMath.Numel(shape);
        if (n != values.Length)
            throw new ArgumentException($"FromArray: {values.Length} values do not fill shape {ShapeMath.Format(shape)} ({n} elements)", nameof(values));
        var t = Empty(shape);
        values.CopyTo(t.Data);
        return t;
    }

    /// <summary>A tensor that lives outside every scope (parameters, optimizer state), zero-filled.</summary>
    public static Tensor Persistent(params int[] shape)
    {
        var t = new Tensor(new float[ShapeMath.Numel(shape)], 0, (int[])shape.Clone(), false);
        t.MoveOutOfScopes();
        return t;
    }

    /// <summary>The single value of a one-element tensor (<c>item()</c>).</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item: the tensor has shape {ShapeMath.Format(_shape)} ({Numel} elements); Item needs exactly one");
        return Data[0];
    }

    /// <summary>A copy of the elements.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary>A tensor sharing this one's data without a graph (<c>detach()</c>).</summary>
    public Tensor Detach() => new(Buffer, _offset, _shape, false);

    /// <summary>A copy with its own storage and no graph (<c>clone().detach()</c>).</summary>
    public Tensor Copy()
    {
        var t = Empty(_shape);
        Data.CopyTo(t.Data);
        return t;
    }

    /// <summary>Takes this tensor out of its scope into the enclosing one (or out of every scope).</summary>
    public Tensor MoveToOuterScope()
    {
        if (_scope is { } s)
        {
            s.Remove(this);
            _scope = s.Outer;
            _scope?.Add(this);
        }
        return this;
    }

    /// <summary>Takes this tensor out of every scope: it is never released (left to the GC).</summary>
    public Tensor Keep()
    {
        MoveOutOfScopes();
        return this;
    }

    private void MoveOutOfScopes()
    {
        _scope?.Remove(this);
        _scope = null;
    }

    /// <summary>Returns the buffer to the pool (called by the scope).</summary>
    internal void Release()
    {
        if (_buffer is null) return;
        if (_ownsBuffer) TensorPool.Return(_buffer);
        _buffer = null;
        _scope = null;
        GradFn = null;
        PendingGrad = null;
    }

    /// <summary>A view with another shape and the same elements (one dimension may be -1).</summary>
    internal Tensor ViewAs(int[] shape) => new(Buffer, _offset, shape, false);

    /// <summary>A view of rows [start, start + length) along the first axis (no copy; no graph).</summary>
    internal Tensor NarrowView(int start, int length)
    {
        int row = _shape.Length == 0 ? 1 : Numel / Math.Max(1, _shape[0]);
        var shape = (int[])_shape.Clone();
        shape[0] = length;
        return new Tensor(Buffer, _offset + start * row, shape, false);
    }

    /// <summary>Resolves a shape with at most one -1 against this tensor's element count.</summary>
    internal int[] ResolveShape(ReadOnlySpan<int> shape, string op)
    {
        var result = shape.ToArray();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: shape {ShapeMath.Format(shape)} has more than one -1");
                infer = i;
            }
            else if (result[i] < 0) throw new ArgumentException($"{op}: shape {ShapeMath.Format(shape)} has a negative dimension");
            else known *= result[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"{op}: cannot view a tensor of shape {ShapeMath.Format(_shape)} ({Numel} elements) as {ShapeMath.Format(shape)}");
            result[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw new ArgumentException($"{op}: cannot view a tensor of shape {ShapeMath.Format(_shape)} ({Numel} elements) as {ShapeMath.Format(shape)} ({known} elements)");
        return result;
    }

    /// <summary>Computes gradients of this tensor (a scalar, or with an explicit seed gradient) with respect to every
    /// leaf that requires grad, accumulating into their <see cref="Grad"/>.</summary>
    public void Backward(Tensor? gradient = null) => Engine.Backward(this, gradient);

    /// <summary>Shape and the first values, for debugging.</summary>
    public override string ToString()
    {
        if (_buffer is null) return $"Tensor{ShapeMath.Format(_shape)} (released)";
        var values = string.Join(", ", Data[..Math.Min(Numel, 8)].ToArray().Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));
        return $"Tensor{ShapeMath.Format(_shape)} [{values}{(Numel > 8 ? ", ..." : "")}]" + (GradFn is null ? "" : $" grad_fn={GradFn.Name}");
    }
}
