namespace Emulator.Nn.Modules;

/// <summary>A layer built on one GEMM with a weight (Linear, Conv2d): what quantization simulation attaches to.</summary>
public interface IWeightLayer
{
    /// <summary>The weight; its first axis is the output channel.</summary>
    Tensor Weight { get; }

    /// <summary>The bias, or null.</summary>
    Tensor? Bias { get; }
}
