using Emulator.Nn.Modules;

namespace Emulator.Nn.Models;

/// <summary>
/// A CIFAR-style residual network (He et al. 2016, section 4.2): a 3x3 stem of 16 channels, three stages of n basic
/// blocks with 16, 32 and 64 channels (stride 2 at the start of stages 2 and 3, a 1x1 convolution + batch norm
/// shortcut where the shape changes), global average pooling and a linear classifier; depth = 6n + 2 (ResNet-8: n = 1,
/// ResNet-20: n = 3). Names follow the common PyTorch CIFAR ResNet: <c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>,
/// <c>layer1.0.bn1</c>, <c>layer1.0.conv2</c>, <c>layer1.0.bn2</c>, <c>layer2.0.downsample.0</c> / <c>.1</c>, <c>fc</c>.
/// </summary>
public sealed class ResNet : Module
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential[] _layers;
    private readonly AdaptiveAvgPool2d _pool;
    private readonly Linear _fc;

    /// <summary>A ResNet of the given depth (8, 14, 20, 26, 32, ...: 6n + 2).</summary>
    public ResNet(int depth = 8, int classes = 10, int channels = 1, ulong seed = 1)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "resnet depth must be 6n + 2 with n >= 1 (8, 14, 20, ...)");
        int n = (depth - 2) / 6, layer = 0;
        _conv1 = RegisterModule("conv1", new Conv2d(channels, 16, 3, padding: 1, bias: false, seed: Seeds.Child(seed, layer++)));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(16));
        _layers = new Sequential[3];
        int inC = 16;
        for (int s = 0; s < 3; s++)
        {
            int outC = 16 << s;
            var stage = new Sequential();
            for (int b = 0; b < n; b++)
            {
                int stride = b == 0 && s > 0 ? 2 : 1;
                stage.Append(new BasicBlock(inC, outC, stride, seed, ref layer));
                inC = outC;
            }
            _layers[s] = RegisterModule($"layer{s + 1}", stage);
        }
        _pool = new AdaptiveAvgPool2d(1);
        _fc = RegisterModule("fc", new Linear(64, classes, seed: Seeds.Child(seed, layer)));
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = Functional.Relu(_bn1.Call(_conv1.Call(input)));
        foreach (var stage in _layers) x = stage.Call(x);
        return _fc.Call(Functional.Flatten(_pool.Call(x), 1));
    }

    /// <summary>Two 3x3 convolutions with batch norm, ReLU between, and an identity or 1x1 projection shortcut.</summary>
    public sealed class BasicBlock : Module
    {
        private readonly Conv2d _conv1, _conv2;
        private readonly BatchNorm2d _bn1, _bn2;
        private readonly Sequential? _downsample;

        internal BasicBlock(int inC, int outC, int stride, ulong seed, ref int layer)
        {
            _conv1 = RegisterModule("conv1", new Conv2d(inC, outC, 3, stride: stride, padding: 1, bias: false, seed: Seeds.Child(seed, layer++)));
            _bn1 = RegisterModule("bn1", new BatchNorm2d(outC));
            _conv2 = RegisterModule("conv2", new Conv2d(outC, outC, 3, padding: 1, bias: false, seed: Seeds.Child(seed, layer++)));
            _bn2 = RegisterModule("bn2", new BatchNorm2d(outC));
            if (stride != 1 || inC != outC)
                _downsample = RegisterModule("downsample", new Sequential(
                    new Conv2d(inC, outC, 1, stride: stride, bias: false, seed: Seeds.Child(seed, layer++)), new BatchNorm2d(outC)));
        }

        /// <inheritdoc />
        public override Tensor Forward(Tensor input)
        {
            var y = Functional.Relu(_bn1.Call(_conv1.Call(input)));
            y = _bn2.Call(_conv2.Call(y));
            var shortcut = _downsample is null ? input : _downsample.Call(input);
            return Functional.Relu(y + shortcut);
        }
    }
}
