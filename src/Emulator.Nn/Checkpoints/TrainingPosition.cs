namespace Emulator.Nn.Checkpoints;

/// <summary>
/// Where a run is in its data order: the epoch (0-based) and the number of its batches already trained on. Batches are
/// keyed by (seed, epoch), so a run resumed from a checkpoint takes the next batch of the same order.
/// </summary>
/// <param name="Epoch">The current epoch, &gt;= 0.</param>
/// <param name="Step">Batches of that epoch already done, &gt;= 0 (0 at the start of an epoch).</param>
public readonly record struct TrainingPosition(int Epoch, int Step);
