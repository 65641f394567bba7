using System.Globalization;
using System.Text.Json;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Optim;

/// <summary>
/// An optimizer's state dict (PyTorch's <c>optimizer.state_dict()</c>): the optimizer's name, every per-parameter state
/// tensor named <c>state.{index}.{entry}</c> (<c>state.0.momentum_buffer</c>, <c>state.3.exp_avg</c>, ...) and the
/// parameter groups as PyTorch's JSON-like list: <c>[{"lr": 0.05, "initial_lr": 0.05, "weight_decay": 0.0005,
/// "momentum": 0.9, ..., "params": [0, 1, 2]}]</c>.
/// </summary>
/// <param name="Optimizer">The optimizer's name (<c>SGD</c>, <c>Adam</c>, <c>AdamW</c>).</param>
/// <param name="State">The state tensors by name.</param>
/// <param name="ParamGroups">The parameter groups as JSON text.</param>
public sealed record OptimizerStateDict(string Optimizer, IReadOnlyList<(string Name, Tensor Tensor)> State, string ParamGroups);

public abstract partial class Optimizer
{
    /// <summary>The state dict; its tensors are the live state (not copies).</summary>
    public OptimizerStateDict StateDict()
    {
        var state = new List<(string, Tensor)>();
        for (int i = 0; i < _states.Count; i++)
            foreach (var (name, t) in _states[i].Entries) state.Add((StateKey(i, name), t));
        return new OptimizerStateDict(Name, state, ParamGroupsJson());
    }

    /// <summary>
    /// Restores a state dict saved from an optimizer of the same kind over parameters of the same shapes and groups:
    /// every state tensor is copied in (entries absent from it are cleared) and the groups' rates, weight decay and the
    /// hyperparameters are set from it, as PyTorch's <c>load_state_dict</c>. Everything is checked first; on an error
    /// (<see cref="ArgumentException"/> naming the entry) the optimizer is unchanged.
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        const string param = nameof(stateDict);
        if (stateDict.Optimizer != Name)
            throw new ArgumentException($"LoadStateDict: the state dict is of a {stateDict.Optimizer} optimizer, this one is {Name}", param);
        var groups = ParseGroups(stateDict.ParamGroups, param);
        var staged = new Tensor?[_states.Count, StateNames.Count];
        foreach (var (key, t) in stateDict.State)
        {
            var (index, slot) = ParseKey(key, param);
            var expected = StateNames[slot] == ParameterState.StepName ? [] : _parameters[index].Shape;
            if (t is null || !ShapeMath.Equal(t.Shape, expected))
                throw new ArgumentException($"LoadStateDict: state '{key}' has shape {(t is null ? "null" : ShapeMath.Format(t.Shape))}; parameter {index} needs {ShapeMath.Format(expected)}", param);
            if (staged[index, slot] is not null) throw new ArgumentException($"LoadStateDict: state '{key}' appears twice", param);
            var copy = Tensor.Persistent(t.ShapeArray);
            t.Data.CopyTo(copy.Data);
            staged[index, slot] = copy;
        }
        string backup = ParamGroupsJson();
        try
        {
            ApplyGroups(groups);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            ApplyGroups(ParseGroups(backup, param));
            throw new ArgumentException($"LoadStateDict: bad parameter group: {e.Message}", param, e);
        }
        for (int i = 0; i < _states.Count; i++)
            for (int s = 0; s < StateNames.Count; s++) _states[i].Set(s, staged[i, s]);
    }

    /// <summary>The parameter groups as JSON (lr, initial_lr, weight_decay, the hyperparameters, params).</summary>
    private string ParamGroupsJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var g in _groups)
            {
                w.WriteStartObject();
                w.WriteNumber("lr", g.Lr);
                w.WriteNumber("initial_lr", g.InitialLr);
                w.WriteNumber("weight_decay", g.WeightDecay);
                WriteHyperparameters(w);
                w.WriteStartArray("params");
                for (int i = 0; i < g.Parameters.Count; i++) w.WriteNumberValue(g.FirstIndex + i);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Parses and checks the groups against this optimizer's (count and parameter numbering).</summary>
    private JsonElement[] ParseGroups(string json, string param)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(json ?? throw new ArgumentException("LoadStateDict: ParamGroups is null", param));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"LoadStateDict: ParamGroups is not valid JSON: {e.Message}", param, e);
        }
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != _groups.Count)
            throw new ArgumentException($"LoadStateDict: the state dict has {(root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : 0)} parameter groups, this optimizer {_groups.Count}", param);
        var result = root.EnumerateArray().ToArray();
        for (int g = 0; g < result.Length; g++)
        {
            var group = _groups[g];
            if (result[g].ValueKind != JsonValueKind.Object || !result[g].TryGetProperty("params", out var ps) || ps.ValueKind != JsonValueKind.Array)
                throw new ArgumentException($"LoadStateDict: parameter group {g} has no 'params' list", param);
            var indices = ps.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : -1).ToArray();
            var mine = Enumerable.Range(group.FirstIndex, group.Parameters.Count).ToArray();
            if (!indices.SequenceEqual(mine))
                throw new ArgumentException($"LoadStateDict: parameter group {g} holds parameters [{string.Join(", ", indices)}]; this optimizer's holds [{string.Join(", ", mine)}]", param);
        }
        return result;
    }

    private void ApplyGroups(JsonElement[] groups)
    {
        for (int g = 0; g < groups.Length; g++)
        {
            _groups[g].Lr = ReadNumber(groups[g], "lr");
            _groups[g].InitialLr = CheckNonNegative(ReadNumber(groups[g], "initial_lr"), "initial_lr", "initial learning rate");
            _groups[g].WeightDecay = ReadNumber(groups[g], "weight_decay");
        }
        ReadHyperparameters(groups[0]);
    }

    /// <summary>Splits <c>state.{index}.{entry}</c> and checks both parts.</summary>
    private (int Index, int Slot) ParseKey(string key, string param)
    {
        var parts = (key ?? "").Split('.');
        if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw new ArgumentException($"LoadStateDict: state name '{key}' is not of the form state.{{index}}.{{entry}}", param);
        if (index >= _parameters.Count)
            throw new ArgumentException($"LoadStateDict: state '{key}' is for parameter {index}; this optimizer has {_parameters.Count} (0..{_parameters.Count - 1})", param);
        int slot = Array.IndexOf(StateNames.ToArray(), parts[2]);
        if (slot < 0)
            throw new ArgumentException($"LoadStateDict: state '{key}': {Name} has no entry '{parts[2]}' (valid: {string.Join(", ", StateNames)})", param);
        return (index, slot);
    }
}
