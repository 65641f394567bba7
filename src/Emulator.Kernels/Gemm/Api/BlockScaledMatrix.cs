using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// A matrix of block-scaled values along its rows (the reduction axis K of a GEMM): element codes (one per byte, row-major
/// rows x k), one scale code per block of <see cref="BlockSize"/> consecutive elements of a row (the last block of a row
/// may be shorter), and an optional float32 tensor decode scale. Value = scale * element * tensor scale (FORMATS.md section 5).
/// </summary>
public sealed class BlockScaledMatrix
{
    /// <summary>Creates and validates the operand.</summary>
    /// <param name="elementFormat">Element format of at most 8 bits (e2m1, e2m3, e3m2, e4m3, e5m2, int8, ...).</param>
    /// <param name="scaleFormat">Scale format of at most 8 bits (e8m0 for MX, ue4m3 for NVFP4).</param>
    /// <param name="blockSize">Elements per scale, 1..1024 (32 for MX, 16 for NVFP4).</param>
    /// <param name="rows">Rows (M for A, N for B).</param>
    /// <param name="k">Elements per row.</param>
    /// <param name="elementCodes">rows * k codes.</param>
    /// <param name="scaleCodes">rows * ceil(k / blockSize) codes, row-major.</param>
    /// <param name="tensorScale">The float32 tensor decode scale (NVFP4's S_dec; 1 for MX).</param>
    public BlockScaledMatrix(ScalarFormat elementFormat, FloatFormat scaleFormat, int blockSize, int rows, int k,
        byte[] elementCodes, byte[] scaleCodes, float tensorScale = 1f)
    {
        ArgumentNullException.ThrowIfNull(elementFormat);
        ArgumentNullException.ThrowIfNull(scaleFormat);
        ArgumentNullException.ThrowIfNull(elementCodes);
        ArgumentNullException.ThrowIfNull(scaleCodes);
        if (elementFormat.Bits > 8)
            throw new ArgumentOutOfRangeException(nameof(elementFormat), elementFormat.Name, $"element format has {elementFormat.Bits} bits; it must have 1..8");
        if (scaleFormat.Bits > 8)
            throw new ArgumentOutOfRangeException(nameof(scaleFormat), scaleFormat.Name, $"scale format has {scaleFormat.Bits} bits; it must have 1..8");
        if (blockSize is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "block size must be in 1..1024");
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be >= 0");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 0");
        int blocks = (k + blockSize - 1) / blockSize;
        if (elementCodes.Length != (long)rows * k)
            throw new ArgumentException($"elementCodes has length {elementCodes.Length}; it must be rows*k = {(long)rows * k}", nameof(elementCodes));
        if (scaleCodes.Length != (long)rows * blocks)
            throw new ArgumentException($"scaleCodes has length {scaleCodes.Length}; it must be rows*ceil(k/blockSize) = {(long)rows * blocks}", nameof(scaleCodes));
        foreach (byte code in elementCodes)
            if (code >= elementFormat.CodeCount)
                throw new ArgumentOutOfRangeException(nameof(elementCodes), code, $"element codes must be below {elementFormat.CodeCount} for '{elementFormat.Name}'");
        foreach (byte code in scaleCodes)
            if (code >= scaleFormat.CodeCount)
                throw new ArgumentOutOfRangeException(nameof(scaleCodes), code, $"scale codes must be below {scaleFormat.CodeCount} for '{scaleFormat.Name}'");
        if (!float.IsFinite(tensorScale)) throw new ArgumentOutOfRangeException(nameof(tensorScale), tensorScale, "tensor scale must be finite");
        ElementFormat = elementFormat; ScaleFormat = scaleFormat; BlockSize = blockSize; Rows = rows; K = k;
        ElementCodes = elementCodes; ScaleCodes = scaleCodes; TensorScale = tensorScale; Blocks = blocks;
    }

    /// <summary>An OCP MX operand: E8M0 scales, blocks of 32.</summary>
    public static BlockScaledMatrix Mx(ScalarFormat elementFormat, int rows, int k, byte[] elementCodes, byte[] scaleCodes) =>
        new(elementFormat, (FloatFormat)FormatRegistry.Default.GetScalar("e8m0"), 32, rows, k, elementCodes, scaleCodes);

    /// <summary>An NVFP4 operand: E2M1 elements, UE4M3 scales, blocks of 16, and the float32 tensor decode scale S_dec.</summary>
    public static BlockScaledMatrix Nvfp4(int rows, int k, byte[] elementCodes, byte[] scaleCodes, float tensorDecodeScale) =>
        new(FormatRegistry.Default.GetScalar("e2m1"), (FloatFormat)FormatRegistry.Default.GetScalar("ue4m3"), 16, rows, k,
            elementCodes, scaleCodes, tensorDecodeScale);

    /// <summary>Element format.</summary>
    public ScalarFormat ElementFormat { get; }
    /// <summary>Scale format.</summary>
    public FloatFormat ScaleFormat { get; }
    /// <summary>Elements per scale along K.</summary>
    public int BlockSize { get; }
    /// <summary>Rows.</summary>
    public int Rows { get; }
    /// <summary>Elements per row (the reduction length).</summary>
    public int K { get; }
    /// <summary>Blocks per row, ceil(K / BlockSize).</summary>
    public int Blocks { get; }
    /// <summary>Element codes, rows x K.</summary>
    public byte[] ElementCodes { get; }
    /// <summary>Scale codes, rows x Blocks.</summary>
    public byte[] ScaleCodes { get; }
    /// <summary>Tensor decode scale.</summary>
    public float TensorScale { get; }

    /// <summary>The dequantized value of element (row, col) in double: scale * element * tensor scale.</summary>
    public double Value(int row, int col) =>
        ScaleFormat.Decode(ScaleCodes[row * Blocks + col / BlockSize]) * ElementFormat.Decode(ElementCodes[row * K + col]) * TensorScale;
}
