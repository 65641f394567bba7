using System.Globalization;
using Emulator.Nn.IO;
using Emulator.Nn.Modules;
using Emulator.Nn.Optim;

namespace Emulator.Nn.Checkpoints;

/// <summary>What a checkpoint holds besides the tensors (from its <c>__metadata__</c>).</summary>
/// <param name="Position">The data-order position to resume from.</param>
/// <param name="InputMean">Per-channel input mean (<c>inputMean</c>), or null when the checkpoint has none (use the data
/// set's default).</param>
/// <param name="InputStd">Per-channel input standard deviation (<c>inputStd</c>), or null.</param>
/// <param name="Metadata">Every metadata string of <c>model.safetensors</c>.</param>
public sealed record CheckpointInfo(TrainingPosition Position, float[]? InputMean, float[]? InputStd, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Training checkpoints in safetensors, in a directory:
/// <list type="bullet">
/// <item><c>model.safetensors</c>: the model's state dict with PyTorch's names and dtypes (F32; <c>num_batches_tracked</c>
/// I64), loadable by PyTorch's <c>safetensors.torch.load_file</c> + <c>load_state_dict</c>; <c>__metadata__</c>:
/// <c>format</c> = <c>pt</c>, <c>inputMean</c> and <c>inputStd</c> (decimal strings, comma-separated per channel),
/// <c>epoch</c>, <c>step</c> and <c>checkpointId</c>, plus the caller's strings.</item>
/// <item><c>optimizer.safetensors</c> (when an optimizer is saved): its state tensors (<c>state.{index}.{entry}</c>, F32),
/// and <c>__metadata__</c>: <c>optimizer</c>, <c>param_groups</c> (JSON), <c>scheduler</c> and <c>scheduler_step</c>
/// (when a schedule is saved), <c>epoch</c>, <c>step</c> and the same <c>checkpointId</c>.</item>
/// </list>
/// Each file is written to a temporary file and renamed (the optimizer's first, the model's last), so a crash leaves
/// either the old or the new file, and a load refuses two files of different saves. Loading everything back gives a run
/// that continues with exactly the bits of an uninterrupted one.
/// </summary>
public static class Checkpoint
{
    /// <summary>The model file's name.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>The optimizer file's name.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>Metadata key of the per-channel input mean.</summary>
    public const string InputMeanKey = "inputMean";

    /// <summary>Metadata key of the per-channel input standard deviation.</summary>
    public const string InputStdKey = "inputStd";

    private const string EpochKey = "epoch", StepKey = "step", IdKey = "checkpointId", OptimizerKey = "optimizer",
        GroupsKey = "param_groups", SchedulerKey = "scheduler", SchedulerStepKey = "scheduler_step";

    private static readonly string[] Reserved = ["format", InputMeanKey, InputStdKey, EpochKey, StepKey, IdKey];

    /// <summary>
    /// Saves a checkpoint into <paramref name="directory"/> (created if needed): the model, and the optimizer with its
    /// schedule when given, the position and the input normalisation (both or neither; one value per input channel).
    /// <paramref name="metadata"/> adds strings to the model file's header (not the reserved keys above).
    /// </summary>
    public static void Save(string directory, Module model, TrainingPosition position, Optimizer? optimizer = null, LrScheduler? scheduler = null,
        float[]? inputMean = null, float[]? inputStd = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(model);
        if (position.Epoch < 0 || position.Step < 0)
            throw new ArgumentOutOfRangeException(nameof(position), position, "epoch and step must be >= 0");
        if (scheduler is not null && !ReferenceEquals(scheduler.Optimizer, optimizer))
            throw new ArgumentException("Checkpoint.Save: the schedule belongs to another optimizer than the one saved (pass its optimizer too)", nameof(scheduler));
        CheckNormalization(inputMean, inputStd);
        var modelMeta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                if (Reserved.Contains(k)) throw new ArgumentException($"Checkpoint.Save: metadata key '{k}' is reserved (reserved: {string.Join(", ", Reserved)})", nameof(metadata));
                modelMeta[k] = v ?? throw new ArgumentException($"Checkpoint.Save: metadata '{k}' is null", nameof(metadata));
            }
        string id = Guid.NewGuid().ToString("N");
        var common = new Dictionary<string, string>
        {
            [EpochKey] = position.Epoch.ToString(CultureInfo.InvariantCulture),
            [StepKey] = position.Step.ToString(CultureInfo.InvariantCulture),
            [IdKey] = id,
        };
        foreach (var (k, v) in common) modelMeta[k] = v;
        if (inputMean is not null)
        {
            modelMeta[InputMeanKey] = FormatFloats(inputMean);
            modelMeta[InputStdKey] = FormatFloats(inputStd!);
        }
        Directory.CreateDirectory(directory);
        string optimizerPath = Path.Combine(directory, OptimizerFileName);
        if (optimizer is not null)
        {
            var sd = optimizer.StateDict();
            var meta = new Dictionary<string, string>(common) { [OptimizerKey] = sd.Optimizer, [GroupsKey] = sd.ParamGroups };
            if (scheduler is not null)
            {
                meta[SchedulerKey] = scheduler.GetType().Name;
                meta[SchedulerStepKey] = scheduler.StepCount.ToString(CultureInfo.InvariantCulture);
            }
            StateDictExtensions.WriteTensors(optimizerPath, sd.State.Select(s => (s.Name, s.Tensor, StateDType.Float32)).ToList(), meta);
        }
        else if (File.Exists(optimizerPath)) File.Delete(optimizerPath); // a stale optimizer file of an older save must not pair with this one
        StateDictExtensions.WriteTensors(Path.Combine(directory, ModelFileName), model.StateDict().ToList(), modelMeta);
    }

    /// <summary>
    /// Loads a checkpoint saved by <see cref="Save"/> into <paramref name="model"/> (strict names and shapes) and, when
    /// given, <paramref name="optimizer"/> and <paramref name="scheduler"/> (which must have been saved); returns the
    /// position to resume from and the metadata. Errors name the directory and file; on an error nothing is changed.
    /// </summary>
    public static CheckpointInfo Load(string directory, Module model, Optimizer? optimizer = null, LrScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (scheduler is not null && !ReferenceEquals(scheduler.Optimizer, optimizer))
            throw new ArgumentException("Checkpoint.Load: the schedule belongs to another optimizer than the one loaded (pass its optimizer too)", nameof(scheduler));
        using var modelFile = OpenModel(directory);
        var info = ReadInfo(modelFile);
        if (optimizer is null)
        {
            model.LoadStateDict(modelFile);
            return info;
        }
        string optimizerPath = Path.Combine(directory, OptimizerFileName);
        if (!File.Exists(optimizerPath))
            throw new FileNotFoundException($"checkpoint '{directory}' has {ModelFileName} but no {OptimizerFileName} (it was saved without an optimizer)", optimizerPath);
        using var optFile = SafeTensorsFile.Open(optimizerPath);
        var meta = optFile.Metadata;
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"'{optimizerPath}': metadata '{key}' is missing");
        if (Get(IdKey) != modelFile.Metadata[IdKey])
            throw new InvalidDataException($"checkpoint '{directory}': {OptimizerFileName} (checkpointId {Get(IdKey)}) and {ModelFileName} (checkpointId {modelFile.Metadata[IdKey]}) are from different saves");
        long schedulerStep = 0;
        if (scheduler is not null)
        {
            if (!meta.ContainsKey(SchedulerStepKey))
                throw new InvalidDataException($"'{optimizerPath}': no schedule was saved with this checkpoint ('{SchedulerStepKey}' is missing)");
            if (Get(SchedulerKey) != scheduler.GetType().Name)
                throw new InvalidDataException($"'{optimizerPath}': the saved schedule is a {Get(SchedulerKey)}, the one given a {scheduler.GetType().Name}");
            schedulerStep = ParseLong(Get(SchedulerStepKey), SchedulerStepKey, optimizerPath);
        }
        var state = new List<(string, Tensor)>();
        foreach (var t in optFile.Tensors)
        {
            if (t.DType != SafeTensorsDType.F32) throw new InvalidDataException($"'{optimizerPath}': state '{t.Name}' has dtype {t.DType.Name()}; F32 expected");
            var shape = t.Shape.Select(d => checked((int)d)).ToArray();
            var tensor = Tensor.Persistent(shape);
            optFile.ReadFloat32(t, 0, tensor.Data);
            state.Add((t.Name, tensor));
        }
        var sd = new OptimizerStateDict(Get(OptimizerKey), state, Get(GroupsKey));
        // each load is all-or-nothing; if the optimizer's fails, the model's values are put back
        var backup = model.StateDict().Select(e => e.Tensor.ToArray()).ToList();
        model.LoadStateDict(modelFile);
        try
        {
            optimizer.LoadStateDict(sd);
        }
        catch (ArgumentException e)
        {
            int i = 0;
            foreach (var (_, t, _) in model.StateDict()) backup[i++].CopyTo(t.Data);
            throw new InvalidDataException($"'{optimizerPath}': {e.Message}", e);
        }
        scheduler?.SetStep(schedulerStep);
        return info;
    }

    /// <summary>The position, normalisation and metadata of a checkpoint, without loading its tensors.</summary>
    public static CheckpointInfo ReadInfo(string directory)
    {
        using var file = OpenModel(directory);
        return ReadInfo(file);
    }

    private static SafeTensorsFile OpenModel(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, ModelFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"no checkpoint in '{directory}': {ModelFileName} not found", path);
        return SafeTensorsFile.Open(path);
    }

    private static CheckpointInfo ReadInfo(SafeTensorsFile file)
    {
        var meta = file.Metadata;
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"'{file.Path}': metadata '{key}' is missing (not a checkpoint written by Checkpoint.Save?)");
        long epoch = ParseLong(Get(EpochKey), EpochKey, file.Path), step = ParseLong(Get(StepKey), StepKey, file.Path);
        if (epoch > int.MaxValue || step > int.MaxValue)
            throw new InvalidDataException($"'{file.Path}': epoch {epoch} or step {step} is out of range");
        Get(IdKey);
        float[]? mean = meta.TryGetValue(InputMeanKey, out var m) ? ParseFloats(m, InputMeanKey, file.Path) : null;
        float[]? std = meta.TryGetValue(InputStdKey, out var s) ? ParseFloats(s, InputStdKey, file.Path) : null;
        if ((mean is null) != (std is null) || (mean is not null && mean.Length != std!.Length))
            throw new InvalidDataException($"'{file.Path}': '{InputMeanKey}' and '{InputStdKey}' must both be present with the same number of channels");
        return new CheckpointInfo(new TrainingPosition((int)epoch, (int)step), mean, std, meta);
    }

    private static void CheckNormalization(float[]? mean, float[]? std)
    {
        if ((mean is null) != (std is null))
            throw new ArgumentException("Checkpoint.Save: give both inputMean and inputStd or neither", mean is null ? "inputMean" : "inputStd");
        if (mean is null) return;
        if (mean.Length == 0 || mean.Length != std!.Length)
            throw new ArgumentException($"Checkpoint.Save: inputMean has {mean.Length} channels and inputStd {std!.Length}; one or more each, the same count", nameof(std));
        foreach (float v in mean)
            if (!float.IsFinite(v)) throw new ArgumentOutOfRangeException("inputMean", v, "input means must be finite");
        foreach (float v in std)
            if (!(float.IsFinite(v) && v > 0)) throw new ArgumentOutOfRangeException("inputStd", v, "input standard deviations must be finite and > 0");
    }

    /// <summary>Decimal strings that read back to the same floats ("0.286", "0.4914,0.4822,0.4465").</summary>
    private static string FormatFloats(float[] values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static float[] ParseFloats(string text, string key, string path)
    {
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new InvalidDataException($"'{path}': metadata '{key}' = '{text}' is not a comma-separated list of finite numbers");
        return values;
    }

    private static long ParseLong(string text, string key, string path) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v
        : throw new InvalidDataException($"'{path}': metadata '{key}' = '{text}' is not a non-negative integer");
}
