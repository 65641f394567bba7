namespace Emulator.Nn.Data;

/// <summary>
/// Seeded training augmentation in torchvision's order: <c>RandomCrop(size, padding)</c> (pad every side with zeros of
/// the raw image, i.e. the normalised value of 0, then crop the original size at a uniform offset), then
/// <c>RandomHorizontalFlip(0.5)</c>. The draws of a sample are the Philox4x32-10 block of (seed, stream "AUGM", word index
/// 4·(epoch·2³² + sample index)): word 0 the vertical offset, word 1 the horizontal offset, word 2's top bit the flip;
/// so they depend only on (seed, epoch, sample), never on batch size, order or threads. Offsets map a word w to
/// ⌊w·(2·padding + 1) / 2³²⌋ (bias below (2·padding + 1) / 2³²).
/// </summary>
public sealed record Augmentation
{
    /// <summary>The Philox stream of augmentation ("AUGM").</summary>
    public const uint Stream = 0x4155474D;

    /// <summary>Zero padding on each side before the random crop (0 = no crop).</summary>
    public int CropPadding { get; }

    /// <summary>Whether each image is mirrored left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; }

    /// <summary>An augmentation; <paramref name="cropPadding"/> in 0..1024.</summary>
    public Augmentation(int cropPadding = 0, bool horizontalFlip = false)
    {
        if (cropPadding is < 0 or > 1024) throw new ArgumentOutOfRangeException(nameof(cropPadding), cropPadding, "crop padding must be in 0..1024");
        CropPadding = cropPadding;
        HorizontalFlip = horizontalFlip;
    }

    /// <summary>Whether the augmentation changes anything.</summary>
    public bool IsIdentity => CropPadding == 0 && !HorizontalFlip;

    /// <summary>The crop offsets (each in 0..2·padding) and flip of a sample.</summary>
    public (int Dy, int Dx, bool Flip) Draw(ulong seed, int epoch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var words = new PhiloxWords(seed, Stream, (((ulong)epoch << 32) + (ulong)index) << 2);
        uint range = 2 * (uint)CropPadding + 1;
        int dy = (int)(((ulong)words.Next() * range) >> 32);
        int dx = (int)(((ulong)words.Next() * range) >> 32);
        bool flip = HorizontalFlip && words.Next() >> 31 != 0;
        return CropPadding == 0 ? (0, 0, flip) : (dy, dx, flip);
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsIdentity ? "none" : string.Join(" + ", new[] { CropPadding > 0 ? $"random crop (padding {CropPadding})" : null, HorizontalFlip ? "horizontal flip" : null }.OfType<string>());
}
