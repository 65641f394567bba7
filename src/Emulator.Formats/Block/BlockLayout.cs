namespace Emulator.Formats;

/// <summary>
/// How a row-major tensor splits into blocks: 1xB blocks run along one axis (the last by default), R x C tiles cover the
/// last two axes. Edge blocks may be partial (they hold the elements that exist and are scaled by their own amax).
/// Block b's scale is element b of a row-major scale tensor of shape <see cref="ScaleShape"/>.
/// </summary>
public sealed class BlockLayout
{
    private readonly int[] _shape;
    private readonly long _outer, _inner;
    private readonly int _length, _chunks, _rows, _cols, _tileRows, _tileCols;

    /// <summary>Creates the layout of a tensor of <paramref name="shape"/> for blocks of <paramref name="blockRows"/> x
    /// <paramref name="blockCols"/>; <paramref name="axis"/> (negative counts from the end) applies to 1xB blocks.</summary>
    public BlockLayout(ReadOnlySpan<int> shape, int blockRows, int blockCols, int axis = -1)
    {
        if (blockRows < 1) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, "block rows must be at least 1");
        if (blockCols < 1) throw new ArgumentOutOfRangeException(nameof(blockCols), blockCols, "block columns must be at least 1");
        if (shape.Length == 0) throw new ArgumentException("shape must have at least one dimension", nameof(shape));
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0) throw new ArgumentException($"shape[{i}] = {shape[i]}; dimensions must be non-negative", nameof(shape));
            count *= shape[i];
            if (count > int.MaxValue) throw new ArgumentException($"shape has more than {int.MaxValue} elements", nameof(shape));
        }
        _shape = shape.ToArray();
        ElementCount = count;
        BlockRows = blockRows;
        BlockCols = blockCols;
        if (blockRows == 1)
        {
            int a = axis < 0 ? axis + shape.Length : axis;
            if (a < 0 || a >= shape.Length)
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"axis must be in {-shape.Length}..{shape.Length - 1} for a tensor of rank {shape.Length}");
            Axis = a;
            _outer = Product(shape[..a]);
            _length = shape[a];
            _inner = Product(shape[(a + 1)..]);
            _chunks = (_length + blockCols - 1) / blockCols;
            BlockCount = _outer * _chunks * _inner;
            ScaleShape = _shape.ToArray();
            ScaleShape[a] = _chunks;
        }
        else
        {
            if (shape.Length < 2)
                throw new ArgumentException($"{blockRows}x{blockCols} tiles need a tensor of rank 2 or more; shape has rank {shape.Length}", nameof(shape));
            if (axis != -1 && axis != shape.Length - 1)
                throw new ArgumentOutOfRangeException(nameof(axis), axis, "2-D tiles always cover the last two axes; axis must be -1");
            Axis = shape.Length - 1;
            _outer = Product(shape[..^2]);
            _rows = shape[^2];
            _cols = shape[^1];
            _tileRows = (_rows + blockRows - 1) / blockRows;
            _tileCols = (_cols + blockCols - 1) / blockCols;
            BlockCount = _outer * _tileRows * _tileCols;
            ScaleShape = _shape.ToArray();
            ScaleShape[^2] = _tileRows;
            ScaleShape[^1] = _tileCols;
        }
    }

    private static long Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }

    /// <summary>The tensor shape.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Block height (1 for 1xB blocks).</summary>
    public int BlockRows { get; }

    /// <summary>Block width (B of 1xB).</summary>
    public int BlockCols { get; }

    /// <summary>Elements in a full block.</summary>
    public int BlockSize => BlockRows * BlockCols;

    /// <summary>The axis 1xB blocks run along (the last axis for tiles).</summary>
    public int Axis { get; }

    /// <summary>Elements of the tensor.</summary>
    public long ElementCount { get; }

    /// <summary>Number of blocks, which is the number of block scales.</summary>
    public long BlockCount { get; }

    /// <summary>Shape of the scale tensor (row-major, one scale per block).</summary>
    public int[] ScaleShape { get; }

    /// <summary>Writes the row-major flat indices of block <paramref name="block"/>'s elements (in block order: row by row
    /// within a tile) and returns their count.</summary>
    public int BlockIndices(long block, Span<int> indices)
    {
        if ((ulong)block >= (ulong)BlockCount)
            throw new ArgumentOutOfRangeException(nameof(block), block, $"block must be in 0..{BlockCount - 1}");
        if (indices.Length < BlockSize)
            throw new ArgumentException($"indices has length {indices.Length}; it must be at least the block size {BlockSize}", nameof(indices));
        int n = 0;
        if (BlockRows == 1)
        {
            long i = block % _inner;
            long rest = block / _inner;
            int c = (int)(rest % _chunks);
            long o = rest / _chunks;
            int start = c * BlockCols;
            int len = Math.Min(BlockCols, _length - start);
            long basePos = (o * _length + start) * _inner + i;
            for (int j = 0; j < len; j++) indices[n++] = (int)(basePos + j * _inner);
        }
        else
        {
            int tc = (int)(block % _tileCols);
            long t = block / _tileCols;
            int tr = (int)(t % _tileRows);
            long b = t / _tileRows;
            int r0 = tr * BlockRows, c0 = tc * BlockCols;
            int rows = Math.Min(BlockRows, _rows - r0), cols = Math.Min(BlockCols, _cols - c0);
            for (int r = 0; r < rows; r++)
            {
                long rowBase = (b * _rows + r0 + r) * _cols + c0;
                for (int c = 0; c < cols; c++) indices[n++] = (int)(rowBase + c);
            }
        }
        return n;
    }
}
