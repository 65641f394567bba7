using Emulator.Nn.Numerics;

namespace Emulator.Nn.Data;

/// <summary>
/// An image classification data set: N images of C×H×W float32 values with integer labels in 0..NumClasses-1. Images
/// read from bytes are stored as bytes and read as <c>b / 255</c> (torchvision's <c>ToTensor</c>); every value handed
/// out is then normalised per channel as <c>(v - mean) / std</c> (<c>Normalize</c>). <see cref="Batches"/> yields
/// shuffled mini-batches keyed by (seed, epoch) into reusable buffers, with optional seeded <see cref="Augmentation"/>.
/// A data set is immutable; <see cref="WithNormalization(float, float)"/>, <see cref="Subset"/> and <see cref="Take"/>
/// return new ones.
/// </summary>
public sealed class Dataset
{
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;
    private readonly int[] _labels;
    private readonly float[] _mean, _std;
    private readonly float[]? _lut;
    private readonly Stack<BatchBuffers> _spare = new();

    private Dataset(byte[]? bytes, float[]? floats, int[] labels, int channels, int height, int width, int numClasses, float[] mean, float[] std)
    {
        _bytes = bytes;
        _floats = floats;
        _labels = labels;
        Count = labels.Length;
        Channels = channels;
        Height = height;
        Width = width;
        NumClasses = numClasses;
        _mean = mean;
        _std = std;
        if (bytes is not null)
        {
            _lut = new float[channels * 256];
            for (int c = 0; c < channels; c++)
                for (int b = 0; b < 256; b++) _lut[c * 256 + b] = (b / 255f - mean[c]) / std[c];
        }
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Values per image (C·H·W).</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>The shape of one image, [C, H, W].</summary>
    public int[] SampleShape => [Channels, Height, Width];

    /// <summary>The number of classes (labels are 0..NumClasses-1; at most 256).</summary>
    public int NumClasses { get; }

    /// <summary>The labels in storage order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The per-channel mean subtracted from every value handed out (0 when not normalised).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The per-channel standard deviation every value is divided by (1 when not normalised).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>
    /// A data set over byte images [N, C, H, W] (values read as b / 255) and labels; the arrays are used, not copied.
    /// </summary>
    /// <param name="pixels">N·C·H·W bytes in C order.</param>
    /// <param name="labels">N labels in 0..numClasses-1.</param>
    /// <param name="channels">C, 1..4096.</param>
    /// <param name="height">H, 1..65536.</param>
    /// <param name="width">W, 1..65536.</param>
    /// <param name="numClasses">1..256; default: the largest label + 1.</param>
    public static Dataset FromBytes(byte[] pixels, int[] labels, int channels, int height, int width, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int classes = Validate(pixels.Length, labels, channels, height, width, numClasses);
        return new Dataset(pixels, null, labels, channels, height, width, classes, Filled(channels, 0f), Filled(channels, 1f));
    }

    /// <summary>A data set over float32 images [N, C, H, W] and labels; the arrays are used, not copied.</summary>
    /// <inheritdoc cref="FromBytes" path="/param"/>
    public static Dataset FromFloats(float[] pixels, int[] labels, int channels, int height, int width, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int classes = Validate(pixels.Length, labels, channels, height, width, numClasses);
        return new Dataset(null, pixels, labels, channels, height, width, classes, Filled(channels, 0f), Filled(channels, 1f));
    }

    /// <summary>
    /// A data set from arrays read from IDX or .npy files: images [N, H, W] (one channel) or [N, C, H, W] (channels first)
    /// of uint8 (read as b / 255) or any other numeric type (read as float32); labels [N] of an integer type.
    /// </summary>
    /// <exception cref="InvalidDataException">The shapes or types do not describe a classification data set.</exception>
    public static Dataset FromArrays(NdArray images, NdArray labels, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        int[] s = images.Shape;
        if (s.Length is not (3 or 4))
            throw new InvalidDataException($"images have shape {ShapeMath.Format(s)}; expected [N, H, W] or [N, C, H, W] (channels first)");
        if (labels.Shape.Length != 1 || labels.Shape[0] != s[0])
            throw new InvalidDataException($"labels have shape {ShapeMath.Format(labels.Shape)}; expected [{s[0]}] (one per image of {ShapeMath.Format(s)})");
        int c = s.Length == 4 ? s[1] : 1, h = s[^2], w = s[^1];
        int[] y = labels.ToInt32();
        try
        {
            return images.Values is byte[] b ? FromBytes(b, y, c, h, w, numClasses) : FromFloats(images.ToSingle(), y, c, h, w, numClasses);
        }
        catch (ArgumentException e) { throw new InvalidDataException(e.Message, e); }
    }

    /// <summary>A data set from two .npy files: images [N, H, W] or [N, C, H, W] (uint8 read as b / 255, or any other
    /// numeric type) and integer labels [N] (see <see cref="FromArrays"/>).</summary>
    /// <exception cref="InvalidDataException">A file is not a supported .npy array or the arrays do not match; the message names the file.</exception>
    public static Dataset FromNpy(string imagesPath, string labelsPath, int? numClasses = null)
    {
        NdArray images = NpyFile.Read(imagesPath), labels = NpyFile.Read(labelsPath);
        try { return FromArrays(images, labels, numClasses); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{imagesPath}' and '{labelsPath}': {e.Message}", e); }
    }

    private static int Validate(int pixelCount, int[] labels, int channels, int height, int width, int? numClasses)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (channels is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be in 1..4096");
        if (height is < 1 or > 65536) throw new ArgumentOutOfRangeException(nameof(height), height, "height must be in 1..65536");
        if (width is < 1 or > 65536) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be in 1..65536");
        long sample = (long)channels * height * width;
        if (sample * labels.Length != pixelCount)
            throw new ArgumentException($"{pixelCount} pixel values do not make {labels.Length} images of {channels}x{height}x{width}", nameof(labels));
        int max = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            int l = labels[i];
            if (l is < 0 or > 255) throw new ArgumentException($"label {i} is {l}; labels must be in 0..255 (at most 256 classes)", nameof(labels));
            max = Math.Max(max, l);
        }
        int classes = numClasses ?? Math.Max(1, max + 1);
        if (classes is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(numClasses), classes, "the number of classes must be in 1..256");
        if (max >= classes) throw new ArgumentException($"a label is {max}, beyond numClasses = {classes} (labels must be in 0..{classes - 1})", nameof(labels));
        return classes;
    }

    private static float[] Filled(int n, float v)
    {
        var a = new float[n];
        Array.Fill(a, v);
        return a;
    }

    /// <summary>The same images and labels, handed out as (v - mean) / std with one mean and std for every channel.</summary>
    public Dataset WithNormalization(float mean, float std) => WithNormalization(Filled(Channels, mean), Filled(Channels, std));

    /// <summary>The same images and labels, handed out as (v - mean[c]) / std[c] (storage is shared).</summary>
    /// <exception cref="ArgumentException">The lengths differ from <see cref="Channels"/>, or a std is not positive and finite, or a mean is not finite.</exception>
    public Dataset WithNormalization(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length != Channels) throw new ArgumentException($"mean has {mean.Length} values; the images have {Channels} channels", nameof(mean));
        if (std.Length != Channels) throw new ArgumentException($"std has {std.Length} values; the images have {Channels} channels", nameof(std));
        foreach (float m in mean)
            if (!float.IsFinite(m)) throw new ArgumentOutOfRangeException(nameof(mean), m, "mean must be finite");
        foreach (float s in std)
            if (!(s > 0) || !float.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(std), s, "std must be positive and finite");
        return new Dataset(_bytes, _floats, _labels, Channels, Height, Width, NumClasses, mean.ToArray(), std.ToArray());
    }

    /// <summary>
    /// Per-channel mean and (population) standard deviation of the stored values before normalisation (bytes as b / 255),
    /// accumulated in float64 in storage order, so the result is the same on every machine.
    /// </summary>
    public (float[] Mean, float[] Std) ComputeMeanStd()
    {
        var mean = new float[Channels];
        var std = new float[Channels];
        int hw = Height * Width;
        for (int c = 0; c < Channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < Count; n++)
                for (int i = 0, o = (n * Channels + c) * hw; i < hw; i++) sum += Raw(o + i);
            double count = (double)Count * hw, m = count == 0 ? 0 : sum / count;
            double sq = 0;
            for (int n = 0; n < Count; n++)
                for (int i = 0, o = (n * Channels + c) * hw; i < hw; i++) { double d = Raw(o + i) - m; sq += d * d; }
            mean[c] = (float)m;
            std[c] = count == 0 ? 0f : (float)Math.Sqrt(sq / count);
        }
        return (mean, std);
    }

    /// <summary>The stored bytes of a data set read from bytes (null for float images); shared, not copied.</summary>
    internal byte[]? RawBytes() => _bytes;

    private float Raw(int offset) => _bytes is not null ? _bytes[offset] / 255f : _floats![offset];

    /// <summary>Number of images of each class (length <see cref="NumClasses"/>).</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        foreach (int l in _labels) counts[l]++;
        return counts;
    }

    /// <summary>A new data set of the images at the given indices, in that order (copied; the normalisation is kept).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        int s = SampleSize;
        var labels = new int[indices.Length];
        byte[]? bytes = _bytes is null ? null : new byte[(long)indices.Length * s];
        float[]? floats = _floats is null ? null : new float[(long)indices.Length * s];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"index {k} is {i}; valid 0..{Count - 1}");
            labels[k] = _labels[i];
            if (bytes is not null) _bytes.AsSpan(i * s, s).CopyTo(bytes.AsSpan(k * s));
            else _floats.AsSpan(i * s, s).CopyTo(floats.AsSpan(k * s));
        }
        return new Dataset(bytes, floats, labels, Channels, Height, Width, NumClasses, _mean, _std);
    }

    /// <summary>The first <paramref name="count"/> images (all of them if there are fewer).</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        count = Math.Min(count, Count);
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return Subset(indices);
    }

    /// <summary>
    /// Writes image <paramref name="index"/>, normalised and (with <paramref name="augment"/>) augmented with the draws of
    /// (seed, epoch, index), into <paramref name="destination"/> (length <see cref="SampleSize"/>, C·H·W order).
    /// </summary>
    public void GetSample(int index, Span<float> destination, Augmentation? augment = null, ulong seed = 0, int epoch = 0)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"valid 0..{Count - 1}");
        if (destination.Length != SampleSize) throw new ArgumentException($"destination has {destination.Length} values; an image has {SampleSize}", nameof(destination));
        var (dy, dx, flip) = augment is null || augment.IsIdentity ? (0, 0, false) : augment.Draw(seed, epoch, index);
        int pad = augment?.CropPadding ?? 0;
        if (_bytes is not null) Write(new BytePixels(_bytes, _lut!), index, destination, dy - pad, dx - pad, flip);
        else Write(new FloatPixels(_floats!, _mean, _std), index, destination, dy - pad, dx - pad, flip);
    }

    /// <summary>Copies image <paramref name="index"/> shifted by (oy, ox) (source = destination + offset; outside is the fill) and mirrored when <paramref name="flip"/>.</summary>
    private void Write<TPixels>(TPixels pixels, int index, Span<float> dst, int oy, int ox, bool flip) where TPixels : struct, IPixels
    {
        int h = Height, w = Width, hw = h * w;
        for (int c = 0; c < Channels; c++)
        {
            int src = (index * Channels + c) * hw;
            var plane = dst.Slice(c * hw, hw);
            if (oy == 0 && ox == 0 && !flip)
            {
                for (int i = 0; i < hw; i++) plane[i] = pixels.At(c, src + i);
                continue;
            }
            float fill = pixels.Fill(c);
            for (int y = 0; y < h; y++)
            {
                var row = plane.Slice(y * w, w);
                int sy = y + oy;
                if ((uint)sy >= (uint)h) { row.Fill(fill); continue; }
                int srow = src + sy * w;
                for (int x = 0; x < w; x++)
                {
                    int sx = (flip ? w - 1 - x : x) + ox;
                    row[x] = (uint)sx < (uint)w ? pixels.At(c, srow + sx) : fill;
                }
            }
        }
    }

    /// <summary>How many batches <see cref="Batches"/> yields.</summary>
    public int BatchCount(int batchSize, bool dropLast = false)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be >= 1");
        return dropLast ? Count / batchSize : (Count + batchSize - 1) / batchSize;
    }

    /// <summary>
    /// Mini-batches of one epoch: images [B, C, H, W] (normalised, augmented when <paramref name="augment"/> is given) and
    /// labels. With <paramref name="shuffle"/> the order is <see cref="DataOrder.Permutation(Span{int}, ulong, int)"/> of
    /// (seed, epoch), else storage order. The last batch is smaller unless <paramref name="dropLast"/>. The tensors and
    /// arrays are buffers reused for every batch (no managed allocation per batch after the first epoch): use or copy a
    /// batch before taking the next one.
    /// </summary>
    public IEnumerable<Batch> Batches(int batchSize, ulong seed = 0, int epoch = 0, bool dropLast = false, bool shuffle = true, Augmentation? augment = null)
    {
        int batches = BatchCount(batchSize, dropLast);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Enumerate(batchSize, batches, seed, epoch, shuffle, augment);
    }

    private IEnumerable<Batch> Enumerate(int batchSize, int batches, ulong seed, int epoch, bool shuffle, Augmentation? augment)
    {
        BatchBuffers buffers = RentBuffers(batchSize);
        try
        {
            int[] order = buffers.Order;
            if (shuffle) DataOrder.Permutation(order, seed, epoch);
            else for (int i = 0; i < order.Length; i++) order[i] = i;
            int s = SampleSize;
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, n = Math.Min(batchSize, Count - start);
                var (x, y) = n == batchSize ? (buffers.X, buffers.Y) : buffers.Tail(n, SampleShape);
                Span<float> data = x.Data;
                for (int k = 0; k < n; k++)
                {
                    int i = order[start + k];
                    GetSample(i, data.Slice(k * s, s), augment, seed, epoch);
                    y[k] = _labels[i];
                }
                yield return new Batch(x, y, new ReadOnlyMemory<int>(order, start, n));
            }
        }
        finally
        {
            lock (_spare) _spare.Push(buffers);
        }
    }

    private BatchBuffers RentBuffers(int batchSize)
    {
        lock (_spare)
        {
            if (_spare.TryPeek(out var top) && top.BatchSize == batchSize) return _spare.Pop();
            _spare.Clear(); // another batch size: let the old buffers go
        }
        return new BatchBuffers(batchSize, Count, SampleShape);
    }

    private sealed class BatchBuffers(int batchSize, int count, int[] sampleShape)
    {
        private Tensor? _tailX;
        private int[]? _tailY;

        public int BatchSize { get; } = batchSize;
        public int[] Order { get; } = new int[count];
        public Tensor X { get; } = Tensor.Persistent([Math.Min(batchSize, Math.Max(count, 1)), .. sampleShape]);
        public int[] Y { get; } = new int[Math.Min(batchSize, Math.Max(count, 1))];

        public (Tensor, int[]) Tail(int n, int[] shape)
        {
            if (_tailY is null || _tailY.Length != n)
            {
                _tailX = Tensor.Persistent([n, .. shape]);
                _tailY = new int[n];
            }
            return (_tailX!, _tailY);
        }
    }

    private interface IPixels
    {
        float At(int channel, int offset);
        float Fill(int channel);
    }

    private readonly struct BytePixels(byte[] data, float[] lut) : IPixels
    {
        public float At(int channel, int offset) => lut[(channel << 8) + data[offset]];
        public float Fill(int channel) => lut[channel << 8];
    }

    private readonly struct FloatPixels(float[] data, float[] mean, float[] std) : IPixels
    {
        public float At(int channel, int offset) => (data[offset] - mean[channel]) / std[channel];
        public float Fill(int channel) => (0f - mean[channel]) / std[channel];
    }
}

/// <summary>
/// One mini-batch: images <see cref="X"/> [B, C, H, W], labels <see cref="Y"/> (length B) and the data-set
/// <see cref="Indices"/> of its images. Buffers are reused for the next batch. Deconstructs as <c>var (x, y) = batch</c>.
/// </summary>
public readonly struct Batch(Tensor x, int[] y, ReadOnlyMemory<int> indices)
{
    /// <summary>The images [B, C, H, W].</summary>
    public Tensor X { get; } = x;

    /// <summary>The labels.</summary>
    public int[] Y { get; } = y;

    /// <summary>The data-set indices of the images, in batch order.</summary>
    public ReadOnlyMemory<int> Indices { get; } = indices;

    /// <summary>The number of images (B).</summary>
    public int Count => Y.Length;

    /// <summary>(x, y).</summary>
    public void Deconstruct(out Tensor x, out int[] y)
    {
        x = X;
        y = Y;
    }
}
