namespace Emulator.Nn.Data;

/// <summary>
/// A loaded data set: training and test splits (normalised with <see cref="Mean"/>/<see cref="Std"/>), the class names
/// when known, and <see cref="DataSource"/>, the sentence every report quotes to say which data was used.
/// </summary>
/// <param name="Name">The data set's name ("Fashion-MNIST", or the directory's name).</param>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
/// <param name="DataSource">Where the data came from, e.g. "full Fashion-MNIST from /usr/share/datasets/fashion-mnist".</param>
/// <param name="Mean">The per-channel mean both splits are normalised with.</param>
/// <param name="Std">The per-channel standard deviation both splits are normalised with.</param>
/// <param name="ClassNames">Names of the classes (null when unknown).</param>
public sealed record DataSplits(string Name, Dataset Train, Dataset Test, string DataSource, float[] Mean, float[] Std, IReadOnlyList<string>? ClassNames)
{
    /// <summary>The same splits normalised with other statistics (one value per channel).</summary>
    public DataSplits WithNormalization(float[] mean, float[] std) =>
        this with { Train = Train.WithNormalization(mean, std), Test = Test.WithNormalization(mean, std), Mean = (float[])mean.Clone(), Std = (float[])std.Clone() };
}
