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
// =====================================================================================================================

/// <summary>Interim stand-ins for ops and modules (see the TODO at the top of the file).</summary>
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
}
