namespace Emulator.Nn.Optim;

/// <summary>
/// A learning-rate schedule bound to an optimizer (PyTorch's <c>torch.optim.lr_scheduler</c>): the learning rate of every
/// group is a closed-form function of the step count and the group's <see cref="ParamGroup.InitialLr"/>, so a schedule
/// restored at step t (<see cref="StepCount"/>) continues with exactly the values of an uninterrupted run. Construction
/// applies step 0; call <see cref="Step"/> after each <see cref="Optimizer.Step"/>.
/// </summary>
public abstract class LrScheduler
{
    private readonly double[] _lrs;

    /// <summary>Binds the schedule to the optimizer's groups: their <see cref="ParamGroup.InitialLr"/> are the base rates
    /// (the first schedule made for an optimizer sets them to the current rates).</summary>
    protected LrScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        _lrs = new double[optimizer.ParamGroups.Count];
        if (!optimizer.HasScheduler)
        {
            // the first schedule of an optimizer takes the current rates as the base ones (PyTorch's initial_lr)
            foreach (var g in optimizer.ParamGroups) g.InitialLr = g.Lr;
            optimizer.HasScheduler = true;
        }
    }

    /// <summary>The optimizer whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Steps taken (<c>last_epoch</c> of a per-step PyTorch scheduler); 0 after construction.</summary>
    public long StepCount { get; private set; }

    /// <summary>The current learning rate of the first group (<c>get_last_lr()[0]</c>).</summary>
    public double LearningRate => _lrs[0];

    /// <summary>The current learning rate of every group (<c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LearningRates => _lrs;

    /// <summary>The learning rate at step <paramref name="step"/> (&gt;= 0) for a group whose base rate is
    /// <paramref name="baseLr"/>.</summary>
    public abstract double LrAt(double baseLr, long step);

    /// <summary>Advances one step and sets the optimizer's learning rates.</summary>
    public void Step() => Apply(StepCount + 1);

    /// <summary>Jumps to step <paramref name="step"/> (&gt;= 0), as when resuming, and sets the optimizer's learning rates.</summary>
    public void SetStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "the step count must be >= 0");
        Apply(step);
    }

    /// <summary>Sets step <paramref name="step"/>'s rates (call at the end of a derived constructor with 0).</summary>
    protected void Apply(long step)
    {
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _lrs.Length)
            throw new InvalidOperationException($"{GetType().Name}: the optimizer has {groups.Count} parameter groups but the schedule was made for {_lrs.Length}");
        for (int i = 0; i < groups.Count; i++)
        {
            double lr = LrAt(groups[i].InitialLr, step);
            groups[i].Lr = lr;
            _lrs[i] = lr;
        }
        StepCount = step;
    }

    internal static int CheckPositive(long value, string name) =>
        value >= 1 && value <= int.MaxValue ? (int)value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in 1..{int.MaxValue}");

    internal static double CheckFactor(double value, string name, double low, double high) =>
        double.IsFinite(value) && value >= low && value <= high ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{low}, {high}]");
}

/// <summary>Decays the rate by <c>gamma</c> every <c>stepSize</c> steps: lr = base·γ^⌊t / stepSize⌋ (<c>StepLR</c>).</summary>
public sealed class StepLR : LrScheduler
{
    /// <summary>A step schedule; stepSize &gt;= 1, gamma in [0, 1] (PyTorch's default 0.1).</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        StepSize = CheckPositive(stepSize, nameof(stepSize));
        Gamma = CheckFactor(gamma, nameof(gamma), 0, 1);
        Apply(0);
    }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double LrAt(double baseLr, long step) => baseLr * Math.Pow(Gamma, step / StepSize);
}

/// <summary>
/// Cosine annealing over <c>tMax</c> steps (<c>CosineAnnealingLR</c>, closed form):
/// lr = η_min + (base − η_min)·(1 + cos(π·t / T_max)) / 2; it reaches η_min at t = T_max and, as PyTorch's, rises again
/// after it (size T_max to the total number of steps).
/// </summary>
public sealed class CosineAnnealingLR : LrScheduler
{
    /// <summary>A cosine schedule; tMax &gt;= 1, etaMin finite and &gt;= 0.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        TMax = CheckPositive(tMax, nameof(tMax));
        EtaMin = Optim.Optimizer.CheckNonNegative(etaMin, nameof(etaMin), "eta_min");
        Apply(0);
    }

    /// <summary>Steps of the half period.</summary>
    public int TMax { get; }

    /// <summary>The minimum rate.</summary>
    public double EtaMin { get; }

    /// <inheritdoc />
    public override double LrAt(double baseLr, long step) => EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2;
}

/// <summary>
/// A linear ramp of the factor from <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> steps, then constant
/// (<c>LinearLR</c>): lr = base·(start + (end − start)·min(t, total) / total). With the defaults it is a linear warm-up;
/// compose it with another schedule through <see cref="SequentialLR"/>.
/// </summary>
public sealed class LinearLR : LrScheduler
{
    /// <summary>A linear ramp; startFactor in (0, 1], endFactor in [0, 1], totalIters &gt;= 1 (PyTorch's defaults 1/3, 1, 5).</summary>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be in (0, 1]");
        StartFactor = startFactor;
        EndFactor = CheckFactor(endFactor, nameof(endFactor), 0, 1);
        TotalIters = CheckPositive(totalIters, nameof(totalIters));
        Apply(0);
    }

    /// <summary>The factor at step 0.</summary>
    public double StartFactor { get; }

    /// <summary>The factor from step <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Steps of the ramp.</summary>
    public int TotalIters { get; }

    /// <inheritdoc />
    public override double LrAt(double baseLr, long step) =>
        baseLr * (StartFactor + (EndFactor - StartFactor) * Math.Min(step, TotalIters) / TotalIters);
}

/// <summary>
/// Schedules run one after another (<c>SequentialLR</c>): schedule k runs from milestone k−1 (0 for the first) with its
/// own step count starting at 0, e.g. a <see cref="LinearLR"/> warm-up of W steps then a
/// <see cref="CosineAnnealingLR"/> of T − W steps with milestones [W]. Step only this object, not its parts.
/// </summary>
public sealed class SequentialLR : LrScheduler
{
    private readonly LrScheduler[] _schedulers;
    private readonly long[] _milestones;

    /// <summary>Chains the schedules (all on <paramref name="optimizer"/>) at the given increasing milestones (one fewer
    /// than the schedules, each &gt;= 1).</summary>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LrScheduler> schedulers, IReadOnlyList<long> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one schedule", nameof(schedulers));
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR: {schedulers.Count} schedules need {schedulers.Count - 1} milestones, not {milestones.Count}", nameof(milestones));
        for (int i = 0; i < schedulers.Count; i++)
        {
            if (schedulers[i] is null) throw new ArgumentException($"SequentialLR: schedule {i} is null", nameof(schedulers));
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR: schedule {i} ({schedulers[i].GetType().Name}) is bound to another optimizer", nameof(schedulers));
        }
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                throw new ArgumentException($"SequentialLR: milestones must be >= 1 and increasing; milestone {i} is {milestones[i]}", nameof(milestones));
        _schedulers = schedulers.ToArray();
        _milestones = milestones.ToArray();
        Apply(0);
    }

    /// <summary>The schedules, in order.</summary>
    public IReadOnlyList<LrScheduler> Schedulers => _schedulers;

    /// <summary>The steps at which the next schedule takes over.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <inheritdoc />
    public override double LrAt(double baseLr, long step)
    {
        int k = 0;
        while (k < _milestones.Length && step >= _milestones[k]) k++;
        return _schedulers[k].LrAt(baseLr, k == 0 ? step : step - _milestones[k - 1]);
    }
}
