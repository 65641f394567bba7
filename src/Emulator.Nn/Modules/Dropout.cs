namespace Emulator.Nn.Modules;

/// <summary>
/// Dropout (<c>nn.Dropout</c>): in training, zeroes each element with probability <see cref="P"/> and scales the rest by
/// 1 / (1 − p); identity in evaluation. The mask of call number <see cref="Step"/> is keyed by Philox (seed, step, index)
/// (<see cref="Functional.Dropout"/>), and every training call advances the step, so a seeded run is reproducible.
/// </summary>
public sealed class Dropout : Module
{
    /// <summary>Drop probability.</summary>
    public float P { get; }

    /// <summary>The Philox key of the masks.</summary>
    public ulong Seed { get; }

    /// <summary>The stream of the next training call (counts training calls; set it to resume a run).</summary>
    public uint Step { get; set; }

    /// <summary>A dropout layer.</summary>
    public Dropout(float p = 0.5f, ulong seed = 0)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1]");
        P = p;
        Seed = seed;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Training ? Functional.Dropout(input, P, true, Seed, Step++) : input;
}
