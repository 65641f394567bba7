namespace Emulator.Nn;

/// <summary>
/// Float buffers by power-of-two size class, reused between training steps so a step allocates (almost) nothing after
/// warm-up. Tensors created inside a <see cref="DisposeScope"/> give their buffer back when the scope ends; tensors created
/// outside any scope (parameters, gradients of leaves, optimizer state) keep theirs and are left to the garbage collector.
/// </summary>
public static class TensorPool
{
    private const int Classes = 32;
    private static readonly Stack<float[]>[] Free = Enumerable.Range(0, Classes).Select(_ => new Stack<float[]>()).ToArray();
    private static readonly Lock Gate = new();
    private static long _allocated;

    /// <summary>Bytes of buffers allocated by the pool since the process started (buffers reused are not counted).</summary>
    public static long AllocatedBytes => Interlocked.Read(ref _allocated);

    /// <summary>A buffer of at least <paramref name="count"/> floats; its contents are arbitrary.</summary>
    public static float[] Rent(int count)
    {
        if (count <= 16) count = 16;
        int cls = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)count - 1);
        lock (Gate)
            if (Free[cls].TryPop(out var buffer)) return buffer;
        long size = 1L << cls;
        if (size > Array.MaxLength) size = count;
        Interlocked.Add(ref _allocated, size * sizeof(float));
        return GC.AllocateUninitializedArray<float>((int)size);
    }

    /// <summary>Gives a buffer obtained from <see cref="Rent"/> back.</summary>
    public static void Return(float[] buffer)
    {
        int cls = System.Numerics.BitOperations.Log2((uint)buffer.Length);
        if (1 << cls != buffer.Length) return; // an odd-sized giant buffer: left to the GC
        lock (Gate) Free[cls].Push(buffer);
    }

    /// <summary>Drops every free buffer (memory goes back to the GC).</summary>
    public static void Trim()
    {
        lock (Gate)
            foreach (var s in Free) s.Clear();
    }
}

/// <summary>
/// A region whose tensors are released when it is disposed (as TorchSharp's <c>NewDisposeScope</c>): every tensor created
/// on this thread while the scope is the innermost one returns its buffer to <see cref="TensorPool"/> at
/// <see cref="Dispose"/>, unless it was moved out with <see cref="Tensor.MoveToOuterScope"/> or <see cref="Tensor.Keep"/>.
/// Reading a released tensor throws <see cref="ObjectDisposedException"/>. Typical use: one scope per training step.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;
    private readonly List<Tensor> _tensors = [];
    private DisposeScope? _outer;
    private bool _disposed;

    /// <summary>The innermost scope of this thread, or null.</summary>
    public static DisposeScope? Current => _current;

    /// <summary>Opens a scope on this thread (dispose it on the same thread).</summary>
    public static DisposeScope Begin()
    {
        var scope = new DisposeScope { _outer = _current };
        _current = scope;
        return scope;
    }

    /// <summary>Tensors registered in this scope and not yet released.</summary>
    public int Count => _tensors.Count;

    internal void Add(Tensor t) => _tensors.Add(t);

    internal void Remove(Tensor t)
    {
        int i = _tensors.LastIndexOf(t);
        if (i >= 0) { _tensors[i] = _tensors[^1]; _tensors.RemoveAt(_tensors.Count - 1); }
    }

    internal DisposeScope? Outer => _outer;

    /// <summary>Releases every tensor of the scope and makes the outer scope current again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors) t.Release();
        _tensors.Clear();
        if (_current == this) _current = _outer;
    }
}
