using Emulator.Nn.Data;

namespace Emulator.Cli.Training;

/// <summary>The data of <c>emu train</c> and <c>emu bench train</c>: a <c>--data</c> directory in the MNIST layout, else
/// the full Fashion-MNIST of the Debian package, else the embedded subset.</summary>
public static class TrainData
{
    /// <summary>Loads the data; <paramref name="option"/> names the option in errors.</summary>
    public static DataSplits Load(string? directory, string option = "--data")
    {
        if (directory is null) return FashionMnist.Load();
        string full;
        try { full = Path.GetFullPath(directory); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliException($"{option} '{directory}': not a valid path");
        }
        if (full.TrimEnd('/') == FashionMnist.PackageDirectory)
        {
            try { return FashionMnist.Load(directory); }
            catch (FileNotFoundException e) { throw new CliException($"{option}: {e.Message}"); }
        }
        try { return MnistLayout.Load(directory); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException($"{option}: {e.Message}; for Fashion-MNIST install the Debian package {FashionMnist.PackageName} " +
                $"(it provides {FashionMnist.PackageDirectory}), or omit {option} to use it or the embedded subset");
        }
    }
}
