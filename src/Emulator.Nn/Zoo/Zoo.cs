using Emulator.Nn.Modules;
using Emulator.Nn.Numerics;
using Emulator.Nn.Training;

namespace Emulator.Nn.Models;

/// <summary>
/// The model zoo by name (the names <c>emu train --model</c> takes), with each model's default training recipe. Every
/// model's state dict uses the names of its PyTorch equivalent.
/// </summary>
public static class Zoo
{
    /// <summary>Every model name, in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-cnn", "mlp", "resnet8", "mobilenet", "vit-tiny"];

    /// <summary>Whether a model is built in this build (the others are listed but not yet merged).</summary>
    public static bool IsAvailable(string name) => Names.Contains(name);

    /// <summary>
    /// Builds a model by name for images of <paramref name="sampleShape"/> [C, H, W] and <paramref name="numClasses"/>
    /// classes, initialised from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, a model not in this build, or an image shape the model does not
    /// accept (the message says which shape it needs).</exception>
    public static Module Create(string name, ReadOnlySpan<int> sampleShape, int numClasses, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name))
            throw new ArgumentException($"model '{name}' is unknown; valid: {string.Join(", ", Names)}", nameof(name));
        if (sampleShape.Length != 3 || ShapeMath.Numel(sampleShape) == 0)
            throw new ArgumentException($"model '{name}': images must be [C, H, W]; got {ShapeMath.Format(sampleShape)}", nameof(sampleShape));
        if (numClasses is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "the number of classes must be in 1..256");
        if (!IsAvailable(name))
            throw new ArgumentException($"model '{name}' is not available in this build yet (available: {string.Join(", ", Names.Where(IsAvailable))})", nameof(name));
        return Build(name, sampleShape.ToArray(), numClasses, seed);
    }

    private static Module Build(string name, int[] shape, int numClasses, ulong seed) => name switch
    {
        "mlp" => Mlp(ShapeMath.Numel(shape), numClasses, seed),
        "fashion-cnn" => FashionCnn.Create(seed, numClasses, shape[0], shape[1], shape[2]),
        "resnet8" => new ResNet(8, numClasses, shape[0], seed),
        "mobilenet" => new MobileNet(numClasses, shape[0], seed),
        "vit-tiny" => new VitTiny(numClasses, shape[0], shape[1], shape[2], seed: seed),
        _ => throw new ArgumentException($"model '{name}' is not available in this build yet", nameof(name)),
    };

    /// <summary>The default training recipe of a model (issue 14's recipe for the Fashion-MNIST models).</summary>
    public static TrainOptions Recipe(string name) => name switch
    {
        "fashion-cnn" or "mlp" => new TrainOptions(),
        _ => new TrainOptions(),
    };

    /// <summary>
    /// A multilayer perceptron, PyTorch's <c>nn.Sequential(Flatten(), Linear(in, 256), ReLU(), Linear(256, 128), ReLU(),
    /// Linear(128, classes))</c>: state-dict names <c>1.weight</c>, <c>1.bias</c>, <c>3.*</c>, <c>5.*</c>.
    /// </summary>
    public static Sequential Mlp(int inFeatures = 784, int numClasses = 10, ulong seed = 0) => new(
        new Flatten(),
        new Linear(inFeatures, 256, seed: LayerSeed(seed, 1)),
        new ReLU(),
        new Linear(256, 128, seed: LayerSeed(seed, 3)),
        new ReLU(),
        new Linear(128, numClasses, seed: LayerSeed(seed, 5)));

    /// <summary>The initialisation seed of layer <paramref name="index"/> of a model seeded with <paramref name="seed"/>
    /// (SplitMix64 of the pair, so layers of one model and models of nearby seeds draw unrelated weights).</summary>
    public static ulong LayerSeed(ulong seed, int index)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
