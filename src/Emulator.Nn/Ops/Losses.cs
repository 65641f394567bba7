using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>How a loss combines its per-element values (PyTorch's <c>reduction</c>).</summary>
public enum LossReduction
{
    /// <summary>The mean over the elements (for cross-entropy: over the targets not ignored).</summary>
    Mean,
    /// <summary>The sum.</summary>
    Sum,
    /// <summary>No reduction: one loss per element (per target for cross-entropy).</summary>
    None,
}

public static partial class Functional
{
    /// <summary>
    /// Cross-entropy of logits against class indices (<c>F.cross_entropy</c>): <paramref name="input"/> is [N, C],
    /// [N, C, d1, ...] (class axis 1) or [C] (one sample), <paramref name="target"/> holds N·d1·... indices in 0..C−1 (or
    /// <paramref name="ignoreIndex"/>). With label smoothing ε the target distribution is (1 − ε)·onehot + ε/C, so the
    /// loss per sample is (1 − ε)·(−log p_t) + (ε/C)·Σ_c (−log p_c). Mean divides by the number of targets not ignored
    /// (NaN when all are ignored, as in PyTorch). The gradient (softmax − smoothed target) is computed in the forward pass.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, ReadOnlySpan<int> target, LossReduction reduction = LossReduction.Mean,
        float labelSmoothing = 0f, int ignoreIndex = -100) =>
        CrossEntropyNode.Apply(input, target, reduction, labelSmoothing, ignoreIndex);

    /// <summary>Mean (or sum, or elementwise) squared error (<c>F.mse_loss</c>); the shapes must be equal.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, LossReduction reduction = LossReduction.Mean)
    {
        if (!ShapeMath.Equal(input.Shape, target.Shape))
            throw new ArgumentException($"mse_loss: input {ShapeMath.Format(input.Shape)} and target {ShapeMath.Format(target.Shape)} differ in shape", nameof(target));
        var d = input - target;
        var sq = d * d;
        return reduction switch
        {
            LossReduction.Mean => Mean(sq),
            LossReduction.Sum => Sum(sq),
            LossReduction.None => sq,
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be Mean, Sum or None"),
        };
    }

    private sealed class CrossEntropyNode(Tensor input, Tensor? gradient, LossReduction reduction, AxisSplit split, int count) : Function
    {
        public override string Name => "cross_entropy_backward";

        public static Tensor Apply(Tensor input, ReadOnlySpan<int> target, LossReduction reduction, float smoothing, int ignoreIndex)
        {
            if (input.Rank == 0)
                throw new ArgumentException("cross_entropy: input is a scalar; expected [C], [N, C] or [N, C, d1, ...] logits", nameof(input));
            if (!(smoothing >= 0f && smoothing <= 1f))
                throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "cross_entropy: label_smoothing must be in 0..1");
            if (reduction is not (LossReduction.Mean or LossReduction.Sum or LossReduction.None))
                throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "reduction must be Mean, Sum or None");
            int classAxis = input.Rank == 1 ? 0 : 1;
            var split = AxisSplit.Of(input.Shape, classAxis);
            int classes = split.Size, rows = split.Outer * split.Inner;
            if (target.Length != rows)
                throw new ArgumentException($"cross_entropy: input {ShapeMath.Format(input.Shape)} needs {rows} targets; got {target.Length}", nameof(target));
            int count = 0;
            for (int i = 0; i < target.Length; i++)
            {
                int t = target[i];
                if (t == ignoreIndex) continue;
                if ((uint)t >= (uint)classes)
                    throw new ArgumentOutOfRangeException(nameof(target), t, $"cross_entropy: target[{i}] = {t} is out of range for {classes} classes (valid 0..{classes - 1}, or ignore_index {ignoreIndex})");
                count++;
            }

            bool wantGrad = GradMode.IsEnabled && input.RequiresGrad;
            var gradient = wantGrad ? Tensor.Empty(input.ShapeArray) : null;
            var rowLoss = reduction == LossReduction.None ? Tensor.Empty(input.Rank == 1 ? [] : [input.Size(0), .. input.Shape[2..]]) : null;
            float[]? scratch = rowLoss is null ? TensorPool.Rent(rows) : null;
            var targets = TensorPool.Rent(rows);
            var targetBits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(targets.AsSpan(0, rows));
            target.CopyTo(targetBits);
            var body = new CrossEntropyRows(input, targets, gradient, rowLoss?.Buffer ?? scratch!, rowLoss?.Offset ?? 0, split, smoothing, ignoreIndex);
            RangeWork.Run(rows, 4L * classes, body);
            TensorPool.Return(targets);

            if (rowLoss is not null) return new CrossEntropyNode(input, gradient, reduction, split, count).Record(rowLoss, input);
            float total = DeterministicSum.Sum(scratch.AsSpan(0, rows));
            TensorPool.Return(scratch!);
            var y = Tensor.Scalar(reduction == LossReduction.Mean ? total / count : total);
            return new CrossEntropyNode(input, gradient, reduction, split, count).Record(y, input);
        }

        protected internal override void Backward(Tensor grad)
        {
            var gx = Tensor.Empty(input.ShapeArray);
            ReadOnlySpan<float> G = gradient!.Data, g = grad.Data;
            var dx = gx.Data;
            if (reduction != LossReduction.None)
            {
                float w = reduction == LossReduction.Mean ? (count == 0 ? 0f : g[0] / count) : g[0];
                TensorPrimitives.Multiply(G, w, dx);
            }
            else
            {
                int classes = split.Size, inner = split.Inner;
                for (int o = 0; o < split.Outer; o++)
                    for (int c = 0; c < classes; c++)
                    {
                        int at = (o * classes + c) * inner;
                        TensorPrimitives.Multiply(G.Slice(at, inner), g.Slice(o * inner, inner), dx.Slice(at, inner));
                    }
            }
            AccumulateGrad(input, gx);
        }
    }

    /// <summary>
    /// Rows [start, end) of cross-entropy (a row is one target: its C logits, strided by inner): the loss of each row into
    /// <c>loss</c>, and the gradient of the row's loss (softmax − (1 − ε)·onehot − ε/C; zero for ignored rows) when asked.
    /// </summary>
    private readonly struct CrossEntropyRows(Tensor input, float[] targets, Tensor? gradient, float[] loss, int lossOffset,
        AxisSplit split, float smoothing, int ignoreIndex) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int classes = split.Size, inner = split.Inner;
            var work = TensorPool.Rent(2 * classes);
            Span<float> z = work.AsSpan(0, classes), e = work.AsSpan(classes, classes);
            ReadOnlySpan<int> t = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(targets.AsSpan());
            ReadOnlySpan<float> x = input.Data;
            Span<float> G = gradient is null ? default : gradient.Data;
            for (int r = start; r < end; r++)
            {
                int o = r / inner, j = r % inner, at = o * classes * inner + j;
                for (int c = 0; c < classes; c++) z[c] = x[at + c * inner];
                if (t[r] == ignoreIndex)
                {
                    loss[lossOffset + r] = 0f;
                    if (gradient is not null) for (int c = 0; c < classes; c++) G[at + c * inner] = 0f;
                    continue;
                }
                loss[lossOffset + r] = Row(z, e, t[r]);
                if (gradient is not null)
                    for (int c = 0; c < classes; c++) G[at + c * inner] = e[c];
            }
            TensorPool.Return(work);
        }

        /// <summary>The loss of one row of logits z with target t; e receives the row's gradient.</summary>
        private float Row(ReadOnlySpan<float> z, Span<float> e, int t)
        {
            int classes = z.Length;
            float m = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, m, e);
            float shiftedTarget = e[t];
            float shiftedSum = smoothing > 0f ? DeterministicSum.Sum(e) : 0f;
            DoubleMap.Apply<ExpKernel>(e, e);
            float s = DeterministicSum.Sum(e), logS = MathF.Log(s);
            float nll = logS - shiftedTarget;
            TensorPrimitives.Divide(e, s, e); // softmax
            if (smoothing == 0f)
            {
                e[t] -= 1f;
                return nll;
            }
            float uniform = smoothing / classes;
            TensorPrimitives.Subtract(e, uniform, e);
            e[t] -= 1f - smoothing;
            float smooth = classes * logS - shiftedSum; // Σ_c −log p_c
            return (1f - smoothing) * nll + uniform * smooth;
        }
    }
}
