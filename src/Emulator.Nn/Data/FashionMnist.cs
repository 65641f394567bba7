using System.Globalization;

namespace Emulator.Nn.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, Zalando Research, MIT licence): 28×28 grey images of 10 clothing
/// classes, 60,000 for training and 10,000 for testing. <see cref="Load"/> reads, in order of preference, a directory
/// the caller names, the Debian package <c>dataset-fashion-mnist</c> (<see cref="PackageDirectory"/>), or the subset
/// embedded in this assembly (6,000 training and 1,000 test images, class-balanced; see
/// <c>Data/Embedded/README.md</c>). Both splits are normalised with <see cref="Mean"/> and <see cref="Std"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package puts the four <c>*-ubyte.gz</c> files.</summary>
    public const string PackageDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package that provides the full data set.</summary>
    public const string PackageName = "dataset-fashion-mnist";

    /// <summary>The mean of the training images' pixels (values in 0..1), the usual normalisation constant.</summary>
    public const float Mean = 0.2860f;

    /// <summary>The standard deviation of the training images' pixels, the usual normalisation constant.</summary>
    public const float Std = 0.3530f;

    /// <summary>Training images per class in the embedded subset.</summary>
    public const int EmbeddedTrainPerClass = 600;

    /// <summary>Test images per class in the embedded subset.</summary>
    public const int EmbeddedTestPerClass = 100;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether the Debian package's files are installed.</summary>
    public static bool PackageInstalled => MnistLayout.Exists(PackageDirectory);

    /// <summary>
    /// Loads Fashion-MNIST from <paramref name="directory"/> when given (MNIST layout, files plain or .gz), else from
    /// <see cref="PackageDirectory"/> when the package is installed, else (when <paramref name="allowEmbedded"/>) the
    /// embedded subset. <see cref="DataSplits.DataSource"/> says which.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory named (or, without the embedded fallback, the package
    /// directory) does not hold the data set; the message names the directory and the package that provides it.</exception>
    public static DataSplits Load(string? directory = null, bool allowEmbedded = true)
    {
        if (directory is null)
        {
            if (PackageInstalled) return LoadDirectory(PackageDirectory);
            if (allowEmbedded) return LoadEmbedded();
            directory = PackageDirectory;
        }
        if (!MnistLayout.Exists(directory)) throw NotFound(directory);
        return LoadDirectory(directory);
    }

    /// <summary>The error for a directory without the data set: names the directory, the files and the package.</summary>
    public static FileNotFoundException NotFound(string directory) => new(
        $"Fashion-MNIST not found in '{directory}' (looked for {string.Join(", ", MnistLayout.FileNames.Select(f => f + "[.gz]"))}); " +
        $"install the Debian package {PackageName} ('apt-get install {PackageName}' puts it in {PackageDirectory}) or name a directory in the MNIST layout");

    private static DataSplits LoadDirectory(string directory)
    {
        string full = Path.GetFullPath(directory);
        var data = MnistLayout.Load(directory, "Fashion-MNIST", [Mean], [Std], ClassNames);
        string kind = data.Train.Count == 60000 && data.Test.Count == 10000 ? "full Fashion-MNIST" : "Fashion-MNIST";
        return data with { DataSource = Counts($"{kind} from {full}", data) };
    }

    /// <summary>The embedded subset: the first 600 training and first 100 test images of each class, in file order.</summary>
    public static DataSplits LoadEmbedded()
    {
        var asm = typeof(FashionMnist).Assembly;
        NdArray Resource(string file)
        {
            using var s = asm.GetManifestResourceStream("fashion-mnist-subset/" + file + ".gz")
                ?? throw new InvalidOperationException($"the embedded Fashion-MNIST subset is missing resource '{file}.gz' (a broken build)");
            return IdxFile.Read(s, "embedded " + file + ".gz");
        }
        var n = MnistLayout.FileNames;
        var train = Dataset.FromArrays(Resource(n[0]), Resource(n[1]), 10);
        var test = Dataset.FromArrays(Resource(n[2]), Resource(n[3]), 10);
        var data = new DataSplits("Fashion-MNIST", train, test, "pending", [Mean], [Std], ClassNames).WithNormalization([Mean], [Std]);
        return data with { DataSource = Counts("embedded Fashion-MNIST subset", data) };
    }

    private static string Counts(string what, DataSplits d) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} ({d.Train.Count:N0} train / {d.Test.Count:N0} test)");
}
