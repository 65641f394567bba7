using Emulator.Nn.Modules;

namespace Emulator.Nn.Models;

/// <summary>
/// A small MobileNet-like network (Howard et al. 2017): a 3x3 stem, then depthwise-separable blocks (3x3 depthwise
/// convolution + batch norm + ReLU6, 1x1 pointwise convolution + batch norm + ReLU6), global average pooling and a linear
/// classifier. Depthwise layers are where per-tensor quantization suffers and cross-layer equalization and QAT
/// oscillations matter. Names: <c>features.0.0</c> (stem conv), <c>features.0.1</c> (its BN), <c>features.i.0</c>/<c>.1</c>
/// (depthwise conv/BN), <c>features.i.3</c>/<c>.4</c> (pointwise conv/BN), <c>classifier</c>.
/// </summary>
public sealed class MobileNet : Module
{
    private readonly Sequential _features;
    private readonly AdaptiveAvgPool2d _pool;
    private readonly Linear _classifier;

    /// <summary>Blocks as (output channels, stride) after a 16-channel stem.</summary>
    public static readonly (int Channels, int Stride)[] DefaultBlocks = [(32, 1), (64, 2), (64, 1), (128, 2)];

    /// <summary>The network with the default blocks.</summary>
    public MobileNet(int classes = 10, int channels = 1, ulong seed = 1)
    {
        int layer = 0;
        _features = RegisterModule("features", new Sequential());
        _features.Append(new Sequential(
            new Conv2d(channels, 16, 3, padding: 1, bias: false, seed: Seeds.Child(seed, layer++)), new BatchNorm2d(16), new ReLU6()));
        int c = 16;
        foreach (var (outC, stride) in DefaultBlocks)
        {
            _features.Append(new Sequential(
                new Conv2d(c, c, 3, stride: stride, padding: 1, groups: c, bias: false, seed: Seeds.Child(seed, layer++)),
                new BatchNorm2d(c), new ReLU6(),
                new Conv2d(c, outC, 1, bias: false, seed: Seeds.Child(seed, layer++)),
                new BatchNorm2d(outC), new ReLU6()));
            c = outC;
        }
        _pool = new AdaptiveAvgPool2d(1);
        _classifier = RegisterModule("classifier", new Linear(c, classes, seed: Seeds.Child(seed, layer)));
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        _classifier.Call(Functional.Flatten(_pool.Call(_features.Call(input)), 1));
}
