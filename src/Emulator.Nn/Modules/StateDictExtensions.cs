using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Emulator.Nn.IO;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Modules;

/// <summary>The names <see cref="StateDictExtensions.LoadStateDict(Module, IReadOnlyDictionary{string, Tensor}, bool)"/>
/// did not match (PyTorch's <c>_IncompatibleKeys</c>): entries of the module absent from the source, and entries of the
/// source the module does not have. Both are empty after a strict load.</summary>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>
/// Loading and saving a module's state dict (PyTorch's <c>load_state_dict</c> / <c>state_dict</c>), in memory or as a
/// safetensors file with PyTorch's names and dtypes (F32; <see cref="StateDType.Int64"/> buffers such as
/// <c>num_batches_tracked</c> as I64). A load checks everything before it writes anything: on any error the module is
/// unchanged.
/// </summary>
public static class StateDictExtensions
{
    /// <summary>Largest integer an Int64 entry may hold (it is kept in float32, exact up to 2^24).</summary>
    public const long MaxExactInteger = 1 << 24;

    /// <summary>
    /// Copies the values of <paramref name="stateDict"/> into the module's parameters and buffers, matched by name.
    /// Shapes must agree exactly. With <paramref name="strict"/> (the default) the names must match exactly too; otherwise
    /// missing and unexpected names are returned. Errors (<see cref="ArgumentException"/>) name the first missing, unexpected
    /// or mismatched tensor and the shapes.
    /// </summary>
    public static IncompatibleKeys LoadStateDict(this Module module, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var source = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, t) in stateDict)
        {
            if (t is null) throw new ArgumentException($"LoadStateDict: entry '{name}' is null", nameof(stateDict));
            source[name] = t.ShapeArray;
        }
        var (plan, keys, error) = Plan(module, stateDict.Keys, source, strict);
        if (error is not null) throw new ArgumentException(error, nameof(stateDict));
        foreach (var (name, target, _) in plan) stateDict[name].Data.CopyTo(target.Data);
        return keys;
    }

    /// <summary>Loads the module's state from a safetensors file (see
    /// <see cref="LoadStateDict(Module, SafeTensorsFile, bool)"/>).</summary>
    public static IncompatibleKeys LoadStateDict(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = SafeTensorsFile.Open(path);
        return module.LoadStateDict(file, strict);
    }

    /// <summary>
    /// Loads the module's state from an open safetensors file: float32 entries from any floating dtype (F32 exactly, F64
    /// rounded, F16/BF16/F8 widened), Int64 entries from I64/I32 (or an integral floating value) up to 2^24. Errors
    /// (<see cref="InvalidDataException"/>) name the file, the first missing, unexpected or mismatched tensor and the shapes.
    /// </summary>
    public static IncompatibleKeys LoadStateDict(this Module module, SafeTensorsFile file, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(file);
        var source = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var t in file.Tensors)
        {
            var shape = new int[t.Shape.Count];
            for (int i = 0; i < shape.Length; i++)
                shape[i] = t.Shape[i] <= int.MaxValue ? (int)t.Shape[i]
                    : throw new InvalidDataException($"'{file.Path}': tensor '{t.Name}' dimension {i} is {t.Shape[i]}; tensors hold at most {int.MaxValue} per dimension");
            source[t.Name] = shape;
        }
        var names = file.Header.Tensors.Select(t => t.Name).ToList();
        var (plan, keys, error) = Plan(module, names, source, strict);
        if (error is not null) throw new InvalidDataException($"'{file.Path}': {error}");
        // read and convert everything first, then copy: a bad value leaves the module unchanged
        var staged = new float[plan.Count][];
        for (int k = 0; k < plan.Count; k++)
        {
            var (name, target, dtype) = plan[k];
            staged[k] = ReadEntry(file, file[name], dtype, target.Numel);
        }
        for (int k = 0; k < plan.Count; k++) staged[k].CopyTo(plan[k].Target.Data);
        return keys;
    }

    /// <summary>
    /// Writes the module's state dict to a safetensors file, atomically (a temporary file renamed onto
    /// <paramref name="path"/>): names and order of <see cref="Module.StateDict"/>, F32 for float32 entries and I64 for
    /// Int64 ones, and <paramref name="metadata"/> as the header's <c>__metadata__</c> (with <c>format</c> = <c>pt</c>, as
    /// PyTorch's safetensors files carry, unless given).
    /// </summary>
    public static void SaveStateDict(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        var entries = module.StateDict().ToList();
        WriteTensors(path, entries, metadata);
    }

    /// <summary>Writes named float32 tensors (Int64 ones as I64) to a safetensors file atomically.</summary>
    internal static void WriteTensors(string path, IReadOnlyList<(string Name, Tensor Tensor, StateDType DType)> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        var specs = entries.Select(e => new SafeTensorSpec(e.Name,
            e.DType == StateDType.Int64 ? SafeTensorsDType.I64 : SafeTensorsDType.F32, e.Tensor.ShapeArray.Select(d => (long)d)));
        using var writer = SafeTensorsWriter.Create(path, specs, meta);
        foreach (var (name, t, dtype) in entries)
        {
            if (dtype == StateDType.Float32)
            {
                writer.Write(MemoryMarshal.AsBytes(t.Data));
                continue;
            }
            var bytes = new byte[8 * t.Numel];
            var data = t.Data;
            for (int i = 0; i < data.Length; i++)
            {
                float v = data[i];
                if (v != MathF.Round(v) || MathF.Abs(v) > MaxExactInteger)
                    throw new InvalidOperationException($"SaveStateDict: int64 entry '{name}' holds {v} at element {i}, not an integer within ±2^24");
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), (long)v);
            }
            writer.Write(bytes);
        }
        writer.Commit();
    }

    /// <summary>Matches the module's entries against the source's names and shapes; returns the copies to make, the
    /// missing and unexpected names, and the error message of the first problem (null when the load may go ahead).</summary>
    private static (List<(string Name, Tensor Target, StateDType DType)> Plan, IncompatibleKeys Keys, string? Error) Plan(
        Module module, IEnumerable<string> sourceOrder, Dictionary<string, int[]> source, bool strict)
    {
        var plan = new List<(string, Tensor, StateDType)>();
        var missing = new List<string>();
        var own = new HashSet<string>(StringComparer.Ordinal);
        string? error = null;
        foreach (var (name, target, dtype) in module.StateDict())
        {
            own.Add(name);
            if (!source.TryGetValue(name, out var shape))
            {
                missing.Add(name);
                continue;
            }
            if (!ShapeMath.Equal(shape, target.Shape))
                error ??= $"size mismatch for '{name}': the source has shape {ShapeMath.Format(shape)}, the module has {ShapeMath.Format(target.Shape)}";
            plan.Add((name, target, dtype));
        }
        var unexpected = sourceOrder.Where(n => !own.Contains(n)).ToList();
        var keys = new IncompatibleKeys(missing, unexpected);
        if (error is null && strict && (missing.Count > 0 || unexpected.Count > 0))
        {
            string counts = $"({missing.Count} missing, {unexpected.Count} unexpected in all)";
            error = missing.Count > 0
                ? $"missing tensor '{missing[0]}' of shape {ShapeMath.Format(Find(module, missing[0]).Shape)} {counts}"
                : $"unexpected tensor '{unexpected[0]}' of shape {ShapeMath.Format(source[unexpected[0]])}: the module has no entry of that name {counts}";
        }
        return (plan, keys, error is null ? null : "LoadStateDict: " + error);
    }

    private static Tensor Find(Module module, string name)
    {
        foreach (var (n, t, _) in module.StateDict())
            if (n == name) return t;
        throw new KeyNotFoundException(name);
    }

    /// <summary>One entry of a file as float32 values, converted for the target's storage type.</summary>
    private static float[] ReadEntry(SafeTensorsFile file, SafeTensorInfo info, StateDType dtype, int count)
    {
        string where = $"'{file.Path}': tensor '{info.Name}'";
        var values = new float[count];
        bool isFloat = SafeTensorsConvert.CanReadAsFloat32(info.DType);
        if (dtype == StateDType.Float32)
        {
            if (!isFloat) throw new InvalidDataException($"{where} has dtype {info.DType.Name()}; a float32 entry needs a floating-point dtype (F32, F64, F16, BF16, ...)");
            file.ReadFloat32(info, 0, values);
            return values;
        }
        if (isFloat) file.ReadFloat32(info, 0, values);
        else if (info.DType is SafeTensorsDType.I64 or SafeTensorsDType.I32)
        {
            var bytes = file.ReadBytes(info.Name);
            bool wide = info.DType == SafeTensorsDType.I64;
            for (int i = 0; i < count; i++)
            {
                long v = wide ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 * i)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
                if (v > MaxExactInteger || v < -MaxExactInteger)
                    throw new InvalidDataException($"{where} holds {v} at element {i}; int64 entries are kept in float32, exact only within ±2^24");
                values[i] = v;
            }
            return values;
        }
        else throw new InvalidDataException($"{where} has dtype {info.DType.Name()}; an int64 entry needs I64, I32 or a floating-point dtype");
        for (int i = 0; i < count; i++)
            if (values[i] != MathF.Round(values[i]) || MathF.Abs(values[i]) > MaxExactInteger)
                throw new InvalidDataException($"{where} holds {values[i]} at element {i}; an int64 entry needs integers within ±2^24");
        return values;
    }
}
