using Emulator.Nn.Numerics;

namespace Emulator.Nn.Modules;

/// <summary>
/// Batch normalization over channel dimension 1 (PyTorch's <c>_BatchNorm</c>): parameters <c>weight</c> (γ, ones) and
/// <c>bias</c> (β, zeros) when affine; buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
/// <c>num_batches_tracked</c> (int64) when tracking running statistics. Training normalizes with the batch statistics and
/// updates the running ones with <see cref="Momentum"/> (null: the cumulative average 1 / num_batches_tracked); evaluation
/// uses the running statistics. See <see cref="Functional.BatchNorm"/>.
/// </summary>
public abstract class BatchNormBase : Module
{
    /// <summary>Channels (C).</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public float Eps { get; }

    /// <summary>Weight of the batch statistic in the running update, or null for a cumulative moving average.</summary>
    public float? Momentum { get; }

    /// <summary>γ [C] or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [C] or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean [C] or null.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance [C] or null.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Training batches seen ([] as PyTorch's 0-d int64 tensor; a float holds counts exactly up to 2²⁴).</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>A batch-norm layer.</summary>
    protected BatchNormBase(int numFeatures, float eps, float? momentum, bool affine, bool trackRunningStats)
    {
        string op = GetType().Name;
        if (numFeatures < 1) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{op}: num_features must be >= 1");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{op}: eps must be >= 0");
        if (momentum is { } m && !(m >= 0f && m <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), m, $"{op}: momentum must be in [0, 1] (or null)");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            var w = Tensor.Persistent(numFeatures);
            w.Data.Fill(1f);
            Weight = RegisterParameter("weight", w);
            Bias = RegisterParameter("bias", Tensor.Persistent(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Persistent(numFeatures));
            var v = Tensor.Persistent(numFeatures);
            v.Data.Fill(1f);
            RunningVar = RegisterBuffer("running_var", v);
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Persistent(), StateDType.Int64);
        }
    }

    /// <summary>Throws unless the input's rank suits the layer.</summary>
    protected abstract void CheckRank(Tensor input);

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        CheckRank(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected input with {NumFeatures} channels (dimension 1); got {ShapeMath.Format(input.Shape)}", nameof(input));
        float factor = Momentum ?? 0f;
        if (Training && NumBatchesTracked is not null)
        {
            NumBatchesTracked.Data[0] += 1f;
            factor = Momentum ?? 1f / NumBatchesTracked.Data[0];
        }
        bool batchStats = Training || RunningMean is null;
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, batchStats, factor, Eps);
    }
}

/// <summary>Batch normalization of [N, C] or [N, C, L] (<c>nn.BatchNorm1d</c>); see <see cref="BatchNormBase"/>.</summary>
/// <param name="numFeatures">Channels C.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Running-update weight, or null for a cumulative average.</param>
/// <param name="affine">Learn γ and β.</param>
/// <param name="trackRunningStats">Keep running statistics (else batch statistics in evaluation too).</param>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc />
    protected override void CheckRank(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2-D [N, C] or 3-D [N, C, L] input; got {ShapeMath.Format(input.Shape)}", nameof(input));
    }
}

/// <summary>Batch normalization of [N, C, H, W] (<c>nn.BatchNorm2d</c>); see <see cref="BatchNormBase"/>.</summary>
/// <param name="numFeatures">Channels C.</param>
/// <param name="eps">Added to the variance.</param>
/// <param name="momentum">Running-update weight, or null for a cumulative average.</param>
/// <param name="affine">Learn γ and β.</param>
/// <param name="trackRunningStats">Keep running statistics (else batch statistics in evaluation too).</param>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc />
    protected override void CheckRank(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4-D [N, C, H, W] input; got {ShapeMath.Format(input.Shape)}", nameof(input));
    }
}
