using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Emulator.Nn.Autograd;
using Emulator.Nn.Modules;
using Emulator.Nn.Numerics;

namespace Emulator.Nn.Training;

// =====================================================================================================================
// TODO(lead): INTERIM STAND-INS. Everything in this file exists only because the real pieces were being written on other
// branches when the data/trainer/CLI branch was made. When merging, delete this file and switch the few call sites:
//   Interim.ReLU                -> Emulator.Nn.Modules.ReLU                        (branch ops)   used in Zoo/Zoo.cs
//   Interim.Flatten             -> Emulator.Nn.Modules.Flatten                     (branch ops)   used in Zoo/Zoo.cs
//   Interim.CrossEntropy(...)   -> Functional.CrossEntropy(logits, targets, labelSmoothing)  (ops) used in Trainer.cs
//   Interim.Sgd                 -> the real Sgd (momentum, weight decay, Nesterov; Step, ZeroGrad)    (train) Trainer.cs
//   Interim.CosineLr(...)       -> the real cosine schedule                        (branch train) used in Trainer.cs
//   Interim.Safetensors(...)    -> the real checkpoint writer (atomic, with __metadata__)  (train) used in TrainCommand.cs
// =====================================================================================================================

/// <summary>Interim stand-ins for ops, modules, the optimizer and the checkpoint writer (see the TODO at the top of the file).</summary>
internal static class Interim
{
    /// <summary>max(x, 0) as a module (interim; the real one is <c>Modules.ReLU</c>).</summary>
    internal sealed class ReLU : Module
    {
        /// <inheritdoc />
        public override Tensor Forward(Tensor input) => ReluNode.Apply(input);
    }

    /// <summary>Flattens all but the first dimension (interim; the real one is <c>Modules.Flatten</c>).</summary>
    internal sealed class Flatten : Module
    {
        /// <inheritdoc />
        public override Tensor Forward(Tensor input) => Functional.Flatten(input);
    }

    private sealed class ReluNode(Tensor x) : Function
    {
        public static Tensor Apply(Tensor x)
        {
            var y = Tensor.Empty(x.ShapeArray);
            ReadOnlySpan<float> dx = x.Data;
            Span<float> dy = y.Data;
            for (int i = 0; i < dx.Length; i++) dy[i] = dx[i] > 0f ? dx[i] : 0f;
            return new ReluNode(x).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var g = Tensor.Empty(x.ShapeArray);
            ReadOnlySpan<float> dx = x.Data, dg = grad.Data;
            Span<float> o = g.Data;
            for (int i = 0; i < dx.Length; i++) o[i] = dx[i] > 0f ? dg[i] : 0f;
            AccumulateGrad(x, g);
        }
    }

    /// <summary>Mean cross-entropy of logits [B, K] against class indices, with label smoothing (interim).</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, float labelSmoothing = 0f) => CrossEntropyNode.Apply(logits, targets, labelSmoothing);

    private sealed class CrossEntropyNode(Tensor logits, int[] targets, float eps, Tensor logZ) : Function
    {
        public static Tensor Apply(Tensor logits, int[] targets, float eps)
        {
            if (logits.Rank != 2 || logits.Size(0) != targets.Length)
                throw new ArgumentException($"cross_entropy: logits {ShapeMath.Format(logits.Shape)} and {targets.Length} targets do not match ([B, K] and B)");
            int b = logits.Size(0), k = logits.Size(1);
            ReadOnlySpan<float> x = logits.Data;
            var logZ = Tensor.Empty(b);
            Span<float> lz = logZ.Data;
            double total = 0;
            for (int r = 0; r < b; r++)
            {
                var row = x.Slice(r * k, k);
                int t = targets[r];
                if ((uint)t >= (uint)k) throw new ArgumentOutOfRangeException(nameof(targets), t, $"cross_entropy: target {r} is {t}; valid 0..{k - 1}");
                float m = row[0];
                for (int j = 1; j < k; j++) m = MathF.Max(m, row[j]);
                float s = 0f, mean = 0f;
                for (int j = 0; j < k; j++) { s += MathF.Exp(row[j] - m); mean += row[j]; }
                float z = m + MathF.Log(s);
                lz[r] = z;
                total += (1f - eps) * (z - row[t]) + eps * (z - mean / k);
            }
            var y = Tensor.Scalar((float)(total / Math.Max(b, 1)));
            return new CrossEntropyNode(logits, targets, eps, logZ).Record(y, logits);
        }

        protected internal override void Backward(Tensor grad)
        {
            int b = logits.Size(0), k = logits.Size(1);
            float scale = grad.Item() / Math.Max(b, 1);
            var g = Tensor.Empty(logits.ShapeArray);
            ReadOnlySpan<float> x = logits.Data;
            Span<float> o = g.Data;
            ReadOnlySpan<float> lz = logZ.Data;
            for (int r = 0; r < b; r++)
                for (int j = 0; j < k; j++)
                {
                    float p = MathF.Exp(x[r * k + j] - lz[r]);
                    float target = (j == targets[r] ? 1f - eps : 0f) + eps / k;
                    o[r * k + j] = (p - target) * scale;
                }
            AccumulateGrad(logits, g);
        }
    }

    /// <summary>SGD with momentum, weight decay and Nesterov, PyTorch's update rule (interim; the real one is on branch train).</summary>
    internal sealed class Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false)
    {
        private readonly Tensor[] _params = parameters.ToArray();
        private readonly float[]?[] _buffers = new float[]?[parameters.Count()];

        /// <summary>The learning rate of the next step.</summary>
        public double Lr { get; set; } = lr;

        /// <summary>p -= lr · d with d = g + wd·p, buf = momentum·buf + d (buf = d at first), d = nesterov ? d + momentum·buf : buf.</summary>
        public void Step()
        {
            float lrF = (float)Lr, mu = (float)momentum, wd = (float)weightDecay;
            for (int k = 0; k < _params.Length; k++)
            {
                var p = _params[k];
                if (p.Grad is null) continue;
                Span<float> w = p.Data;
                ReadOnlySpan<float> g = p.Grad.Data;
                float[]? buf = _buffers[k];
                bool first = buf is null;
                if (mu != 0f && buf is null) buf = _buffers[k] = new float[w.Length];
                for (int i = 0; i < w.Length; i++)
                {
                    float d = g[i] + wd * w[i];
                    if (buf is not null)
                    {
                        buf[i] = first ? d : mu * buf[i] + d;
                        d = nesterov ? d + mu * buf[i] : buf[i];
                    }
                    w[i] -= lrF * d;
                }
            }
        }

        /// <summary>Zeroes every gradient in place (keeps the storage: no allocation per step).</summary>
        public void ZeroGrad()
        {
            foreach (var p in _params) p.Grad?.Data.Clear();
        }
    }

    /// <summary>Cosine annealing to 0 over <paramref name="totalSteps"/>: lr·(1 + cos(π·step/total))/2 (interim).</summary>
    public static double CosineLr(double baseLr, long step, long totalSteps) =>
        totalSteps <= 0 ? baseLr : baseLr * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, totalSteps) / totalSteps));

    /// <summary>A safetensors file of a module's state dict (F32, and I64 for int64 buffers) with string metadata (interim).</summary>
    public static byte[] Safetensors(Module module, IReadOnlyDictionary<string, string> metadata)
    {
        var entries = module.StateDict().ToList();
        var header = new Dictionary<string, object> { ["__metadata__"] = metadata };
        long offset = 0;
        foreach (var (name, t, dtype) in entries)
        {
            long size = (long)t.Numel * (dtype == StateDType.Int64 ? 8 : 4);
            header[name] = new Dictionary<string, object> { ["dtype"] = dtype == StateDType.Int64 ? "I64" : "F32", ["shape"] = t.ShapeArray, ["data_offsets"] = new[] { offset, offset + size } };
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        long at = 8 + padded;
        foreach (var (_, t, dtype) in entries)
            foreach (float v in t.Data)
            {
                if (dtype == StateDType.Int64) { BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan((int)at), (long)v); at += 8; }
                else { BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)at), v); at += 4; }
            }
        return bytes;
    }

    /// <summary>Invariant formatting for metadata values.</summary>
    public static string Text(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
