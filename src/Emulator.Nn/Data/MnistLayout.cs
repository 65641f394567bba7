using System.Globalization;

namespace Emulator.Nn.Data;

/// <summary>
/// A directory in the MNIST layout: <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>, each optionally gzip-compressed with a <c>.gz</c>
/// suffix (MNIST, Fashion-MNIST, KMNIST and the like). Images may have any size and labels up to 256 classes.
/// </summary>
public static class MnistLayout
{
    /// <summary>The four file names (without .gz): train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Whether the directory holds all four files (plain or .gz).</summary>
    public static bool Exists(string directory) => FileNames.All(f => Find(directory, f) is not null);

    /// <summary>
    /// Loads the four files of a directory. Without <paramref name="mean"/>/<paramref name="std"/> the splits are normalised
    /// with the training split's per-channel mean and standard deviation.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names the directory and the files expected.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or images and labels disagree.</exception>
    public static DataSplits Load(string directory, string? name = null, float[]? mean = null, float[]? std = null,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"data directory '{directory}' does not exist");
        var missing = FileNames.Where(f => Find(directory, f) is null).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"data directory '{directory}' is not in the MNIST layout: missing {string.Join(", ", missing.Select(m => m + "[.gz]"))}");
        Dataset train = Read(directory, FileNames[0], FileNames[1], null);
        Dataset test = Read(directory, FileNames[2], FileNames[3], train.NumClasses);
        if (test.Channels != train.Channels || test.Height != train.Height || test.Width != train.Width)
            throw new InvalidDataException($"'{directory}': test images are {test.Channels}x{test.Height}x{test.Width}, training images {train.Channels}x{train.Height}x{train.Width}");
        if (test.NumClasses > train.NumClasses) throw new InvalidDataException($"'{directory}': the test labels name class {test.NumClasses - 1}, absent from training");
        if (mean is null || std is null) (mean, std) = train.ComputeMeanStd();
        string full = Path.GetFullPath(directory);
        name ??= Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        string source = string.Create(CultureInfo.InvariantCulture, $"{name} from {full} ({train.Count:N0} train / {test.Count:N0} test)");
        return new DataSplits(name, train, test, source, mean, std, classNames).WithNormalization(mean, std);
    }

    private static Dataset Read(string directory, string imagesName, string labelsName, int? numClasses)
    {
        string images = Find(directory, imagesName)!, labels = Find(directory, labelsName)!;
        NdArray x = IdxFile.Read(images), y = IdxFile.Read(labels);
        if (x.Shape.Length is not (3 or 4))
            throw new InvalidDataException($"IDX file '{images}': shape [{string.Join(", ", x.Shape)}] is not [N, H, W] (or [N, C, H, W])");
        if (y.Shape.Length != 1 || y.Shape[0] != x.Shape[0])
            throw new InvalidDataException($"IDX file '{labels}': {y.Shape[0]} labels for {x.Shape[0]} images in '{images}'");
        try { return Dataset.FromArrays(x, y, numClasses is { } n ? Math.Max(n, MaxLabel(y) + 1) : null); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{labels}': {e.Message}", e); }
    }

    private static int MaxLabel(NdArray labels) => labels.Length == 0 ? 0 : labels.ToInt32().Max();

    /// <summary>The path of a file, preferring the plain one over <c>.gz</c>; null when neither exists.</summary>
    private static string? Find(string directory, string name)
    {
        string plain = Path.Combine(directory, name), gz = plain + ".gz";
        return File.Exists(plain) ? plain : File.Exists(gz) ? gz : null;
    }
}
