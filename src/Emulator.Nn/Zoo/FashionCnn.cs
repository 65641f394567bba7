using Emulator.Nn.Modules;

namespace Emulator.Nn.Models;

/// <summary>
/// The CNN of the Fashion-MNIST experiments, exactly PyTorch's
/// <c>nn.Sequential(Conv2d(1,16,5,padding=2), BatchNorm2d(16), ReLU(), MaxPool2d(2), Conv2d(16,32,5,padding=2),
/// BatchNorm2d(32), ReLU(), MaxPool2d(2), Flatten(), Linear(1568,128), ReLU(), Linear(128,10))</c>, so its state-dict names
/// are <c>0.weight</c>, <c>0.bias</c>, <c>1.weight</c>, <c>1.bias</c>, <c>1.running_mean</c>, <c>1.running_var</c>,
/// <c>1.num_batches_tracked</c>, <c>4.*</c>, <c>5.*</c>, <c>9.*</c>, <c>11.*</c>. Input [N, 1, 28, 28] (any image size
/// divisible by 4 works with matching height and width).
/// </summary>
public static class FashionCnn
{
    /// <summary>Builds the network with seeded PyTorch-default initialisation.</summary>
    public static Sequential Create(ulong seed = 1, int classes = 10, int channels = 1, int height = 28, int width = 28)
    {
        if (height % 4 != 0 || width % 4 != 0)
            throw new ArgumentException($"fashion-cnn needs an image size divisible by 4 (two 2x2 max-pools); got {height}x{width}");
        int flat = 32 * (height / 4) * (width / 4);
        return new Sequential(
            new Conv2d(channels, 16, 5, padding: 2, seed: Seeds.Child(seed, 0)),
            new BatchNorm2d(16),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(16, 32, 5, padding: 2, seed: Seeds.Child(seed, 4)),
            new BatchNorm2d(32),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(flat, 128, seed: Seeds.Child(seed, 9)),
            new ReLU(),
            new Linear(128, classes, seed: Seeds.Child(seed, 11)));
    }

    /// <summary>Multiply-accumulates of one forward pass of one image (convolutions and linears).</summary>
    public static long ForwardMacs(int classes = 10, int channels = 1, int height = 28, int width = 28) =>
        (long)height * width * 16 * channels * 25 + (long)(height / 2) * (width / 2) * 32 * 16 * 25
        + 32L * (height / 4) * (width / 4) * 128 + 128L * classes;
}
