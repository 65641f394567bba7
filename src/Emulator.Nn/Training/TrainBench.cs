using System.Diagnostics;
using Emulator.Nn.Data;
using Emulator.Nn.Modules;

namespace Emulator.Nn.Training;

/// <summary>One training-speed measurement.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Threads">Nn threads.</param>
/// <param name="Steps">Steps timed.</param>
/// <param name="Images">Images trained on in the timed steps.</param>
/// <param name="Seconds">Wall time of the timed steps.</param>
/// <param name="ImagesPerSecond">Training throughput.</param>
/// <param name="EpochSeconds">Time of a whole epoch of the training split at this throughput.</param>
/// <param name="ForwardFlopsPerImage">Forward FLOPs per image (null when the model cannot be traced).</param>
/// <param name="GflopsPerSecond">Achieved GFLOP/s, counting a training step as 3× the forward FLOPs (NaN when unknown).</param>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per step (all threads) after the first steps of the timed run.</param>
/// <param name="PoolBytesPerStep">Bytes the tensor pool had to allocate per step over the same steps (0 once warm).</param>
public sealed record TrainBenchRecord(string Model, int Threads, int Steps, long Images, double Seconds, double ImagesPerSecond,
    double EpochSeconds, long? ForwardFlopsPerImage, double GflopsPerSecond, double AllocatedBytesPerStep, double PoolBytesPerStep);

/// <summary>
/// Training-step speed of a model: a throw-away copy runs <c>warmupSteps</c> steps (tiered JIT), then a fresh model is
/// trained on one epoch's batches (or the first <c>steps</c> of them) with the given recipe and timed; allocation is
/// counted from step <see cref="AllocationSkipSteps"/> on (after optimizer state and pool buffers exist).
/// </summary>
public static class TrainBench
{
    /// <summary>Steps of the timed run before allocation counting starts.</summary>
    public const int AllocationSkipSteps = 5;

    /// <summary>Measures one configuration (sets <see cref="NnSettings.Threads"/> for its duration).</summary>
    public static TrainBenchRecord Run(string name, Func<Module> create, Dataset train, TrainOptions recipe, int threads, int steps = 0, int warmupSteps = 20)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(train);
        int epochSteps = train.BatchCount(recipe.BatchSize, recipe.DropLast);
        if (steps <= 0 || steps > epochSteps) steps = epochSteps;
        int previous = NnSettings.Threads;
        NnSettings.Threads = threads;
        try
        {
            if (warmupSteps > 0) Steps(new Trainer(create(), recipe), train, recipe, Math.Min(warmupSteps, epochSteps), epochSteps, null);
            var model = create();
            long? flops = FlopCounter.ForwardFlops(model, train.SampleShape);
            var trainer = new Trainer(model, recipe);
            var counters = new long[3];
            var clock = Stopwatch.StartNew();
            long images = Steps(trainer, train, recipe, steps, epochSteps, counters);
            double seconds = clock.Elapsed.TotalSeconds;
            int counted = Math.Max(1, steps - AllocationSkipSteps);
            double ips = images / seconds;
            return new TrainBenchRecord(name, threads, steps, images, seconds, ips, train.Count / ips, flops,
                flops is { } f ? 3.0 * f * ips / 1e9 : double.NaN,
                steps > AllocationSkipSteps ? (double)counters[1] / counted : double.NaN,
                steps > AllocationSkipSteps ? (double)counters[2] / counted : double.NaN);
        }
        finally
        {
            NnSettings.Threads = previous;
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps of epoch 0; counters (when given) receive the managed and pool bytes allocated after <see cref="AllocationSkipSteps"/> steps.</summary>
    private static long Steps(Trainer trainer, Dataset train, TrainOptions recipe, int steps, int epochSteps, long[]? counters)
    {
        trainer.PlanSteps((long)epochSteps * recipe.Epochs);
        long images = 0, gc0 = 0, pool0 = 0;
        int done = 0;
        foreach (var (x, y) in train.Batches(recipe.BatchSize, recipe.Seed, 0, recipe.DropLast, shuffle: true, recipe.Augment))
        {
            if (done == AllocationSkipSteps && counters is not null)
            {
                gc0 = GC.GetTotalAllocatedBytes(precise: true);
                pool0 = TensorPool.AllocatedBytes;
            }
            trainer.TrainStep(x, y);
            images += y.Length;
            if (++done == steps) break;
        }
        if (counters is not null && done > AllocationSkipSteps)
        {
            counters[1] = GC.GetTotalAllocatedBytes(precise: true) - gc0;
            counters[2] = TensorPool.AllocatedBytes - pool0;
        }
        return images;
    }
}
