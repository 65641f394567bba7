namespace Emulator.Kernels.Gemm;

/// <summary>How the float64 block-scaled kernel forms S and rounds S * X_A * X_B.</summary>
internal enum BlockDoubleMode
{
    /// <summary>S in one float64; S * X rounded to odd, then to float32.</summary>
    Plain,
    /// <summary>S in one float64 and S * X exact in float64: one rounding to float32.</summary>
    PlainExact,
    /// <summary>S = hi + lo (products split at 2^32); rounded to odd, then to float32.</summary>
    Split,
}
