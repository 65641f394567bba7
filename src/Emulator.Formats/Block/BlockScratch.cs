using System.Buffers;

namespace Emulator.Formats;

/// <summary>Per-call scratch of one block (indices, inputs, codes, outputs), rented from the shared array pools.</summary>
internal readonly struct BlockScratch : IDisposable
{
    private readonly int[] _indices;
    private readonly float[] _values, _results;
    private readonly uint[] _codes;
    private readonly int _size;

    public BlockScratch(int size)
    {
        _size = size;
        _indices = ArrayPool<int>.Shared.Rent(size);
        _values = ArrayPool<float>.Shared.Rent(size);
        _results = ArrayPool<float>.Shared.Rent(size);
        _codes = ArrayPool<uint>.Shared.Rent(size);
    }

    public Span<int> Indices => _indices.AsSpan(0, _size);

    public Span<float> Values => _values.AsSpan(0, _size);

    public Span<float> Results => _results.AsSpan(0, _size);

    public Span<uint> Codes => _codes.AsSpan(0, _size);

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_indices);
        ArrayPool<float>.Shared.Return(_values);
        ArrayPool<float>.Shared.Return(_results);
        ArrayPool<uint>.Shared.Return(_codes);
    }
}
