using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// Batch normalization (<c>F.batch_norm</c>) of input [N, C, *] over every dimension but C:
    /// y = (x − mean) / √(var + eps) · weight + bias. Training: mean and the biased variance of the batch, and (when given)
    /// the running statistics are updated in place, r = (1 − momentum)·r + momentum·s, with the unbiased variance for
    /// <paramref name="runningVar"/>. Evaluation: the running statistics. Channels run in parallel; each channel's sums have
    /// a fixed order (<see cref="ChannelStatistics"/>), so the bits never depend on the thread count.
    /// </summary>
    /// <param name="input">[N, C] or [N, C, d1, ...].</param>
    /// <param name="runningMean">[C] or null (required in evaluation).</param>
    /// <param name="runningVar">[C] or null (required in evaluation).</param>
    /// <param name="weight">γ [C] or null (1).</param>
    /// <param name="bias">β [C] or null (0).</param>
    /// <param name="training">Use (and track) batch statistics.</param>
    /// <param name="momentum">Weight of the batch statistic in the running update, in [0, 1].</param>
    /// <param name="eps">Added to the variance, &gt;= 0.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, float momentum = 0.1f, float eps = 1e-5f)
    {
        const string op = "batch_norm";
        if (input.Rank < 2) throw new ArgumentException($"{op}: input must be [N, C, ...]; got {ShapeMath.Format(input.Shape)}", nameof(input));
        int n = input.Size(0), c = input.Size(1), inner = c == 0 || n == 0 ? 0 : input.Numel / (n * c);
        CheckChannelVector(op, runningMean, c, nameof(runningMean));
        CheckChannelVector(op, runningVar, c, nameof(runningVar));
        CheckChannelVector(op, weight, c, nameof(weight));
        CheckChannelVector(op, bias, c, nameof(bias));
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException($"{op}: give both running_mean and running_var or neither", nameof(runningVar));
        if (!training && runningMean is null)
            throw new ArgumentException($"{op}: evaluation mode needs running_mean and running_var (or use training = true)", nameof(runningMean));
        if (!(momentum >= 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{op}: momentum must be in [0, 1]");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{op}: eps must be >= 0");
        if (training && (long)n * inner <= 1)
            throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input of shape {ShapeMath.Format(input.Shape)}", nameof(input));
        return BatchNormNode.Apply(input, runningMean, runningVar, weight, bias, training, momentum, eps, n, c, inner);
    }

    private static void CheckChannelVector(string op, Tensor? t, int channels, string name)
    {
        if (t is not null && (t.Rank != 1 || t.Size(0) != channels))
            throw new ArgumentException($"{op}: {name} must be [{channels}] (one value per channel); got {ShapeMath.Format(t.Shape)}", name);
    }

    private sealed class BatchNormNode(Tensor x, Tensor? weight, Tensor? bias, Tensor mean, Tensor invStd, bool batchStats, int n, int c, int inner) : Function
    {
        public override string Name => "native_batch_norm_backward";

        public static Tensor Apply(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training,
            float momentum, float eps, int n, int c, int inner)
        {
            var y = Tensor.Empty(x.ShapeArray);
            var mean = Tensor.Empty(c);
            var invStd = Tensor.Empty(c);
            RangeWork.Run(c, 4L * n * inner, new Forward(x, y, runningMean, runningVar, weight, bias, mean, invStd, training, momentum, eps, n, c, inner));
            var node = new BatchNormNode(x, weight, bias, mean, invStd, training, n, c, inner);
            return node.Record(y, x, weight, bias);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = x.RequiresGrad ? Tensor.Empty(x.ShapeArray) : null;
            var dw = weight is { RequiresGrad: true } ? Tensor.Empty(c) : null;
            var db = bias is { RequiresGrad: true } ? Tensor.Empty(c) : null;
            RangeWork.Run(c, 4L * n * inner, new BackwardBody(x, grad, weight, mean, invStd, dx, dw, db, batchStats, n, c, inner));
            if (dx is not null) AccumulateGrad(x, dx);
            if (dw is not null) AccumulateGrad(weight!, dw);
            if (db is not null) AccumulateGrad(bias!, db);
        }

        /// <summary>Statistics, running update and normalization of channels [start, end).</summary>
        private readonly struct Forward(Tensor x, Tensor y, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
            Tensor mean, Tensor invStd, bool training, float momentum, float eps, int n, int c, int inner) : IRangeBody
        {
            public void Run(int start, int end)
            {
                ReadOnlySpan<float> xs = x.Data;
                Span<float> ys = y.Data;
                for (int ch = start; ch < end; ch++)
                {
                    float mu, variance;
                    if (training)
                    {
                        long count = (long)n * inner;
                        mu = ChannelStatistics.Sum(xs, n, c, inner, ch) / count;
                        variance = ChannelStatistics.CenteredDot(xs, mu, xs, mu, n, c, inner, ch) / count;
                        if (runningMean is not null)
                        {
                            ref float rm = ref runningMean.Data[ch], rv = ref runningVar!.Data[ch];
                            rm = (1f - momentum) * rm + momentum * mu;
                            rv = (1f - momentum) * rv + momentum * (variance * count / (count - 1));
                        }
                    }
                    else
                    {
                        mu = runningMean!.Data[ch];
                        variance = runningVar!.Data[ch];
                    }
                    float inv = 1f / MathF.Sqrt(variance + eps);
                    mean.Data[ch] = mu;
                    invStd.Data[ch] = inv;
                    float scale = weight is null ? inv : inv * weight.Data[ch], shift = bias is null ? 0f : bias.Data[ch];
                    for (int i = 0; i < n; i++)
                    {
                        int o = (i * c + ch) * inner;
                        Normalize(xs.Slice(o, inner), mu, scale, shift, ys.Slice(o, inner));
                    }
                }
            }
        }

        /// <summary>Gradients of channels [start, end).</summary>
        private readonly struct BackwardBody(Tensor x, Tensor g, Tensor? weight, Tensor mean, Tensor invStd, Tensor? dx, Tensor? dw, Tensor? db,
            bool batchStats, int n, int c, int inner) : IRangeBody
        {
            public void Run(int start, int end)
            {
                ReadOnlySpan<float> xs = x.Data, gs = g.Data;
                for (int ch = start; ch < end; ch++)
                {
                    float mu = mean.Data[ch], inv = invStd.Data[ch], gamma = weight is null ? 1f : weight.Data[ch];
                    bool sums = batchStats && dx is not null || dw is not null || db is not null;
                    // Σ g and Σ g·(x − mean) in one pass
                    var (sumG, sumGx) = sums ? ChannelStatistics.SumAndCenteredDot(gs, 0f, xs, mu, n, c, inner, ch) : (0f, 0f);
                    if (dw is not null) dw.Data[ch] = sumGx * inv;
                    if (db is not null) db.Data[ch] = sumG;
                    if (dx is null) continue;
                    // training: dx = (g − Σg/M − (x − mean)·inv²·Σg(x − mean)/M)·inv·γ; evaluation: dx = g·inv·γ
                    long count = (long)n * inner;
                    float s = inv * gamma;
                    float a = batchStats ? sumG / count : 0f, k = batchStats ? inv * inv * sumGx / count : 0f;
                    Span<float> d = dx.Data;
                    for (int i = 0; i < n; i++)
                    {
                        int o = (i * c + ch) * inner;
                        if (batchStats) InputGrad(gs.Slice(o, inner), xs.Slice(o, inner), mu, a, k, s, d.Slice(o, inner));
                        else System.Numerics.Tensors.TensorPrimitives.Multiply(gs.Slice(o, inner), s, d.Slice(o, inner));
                    }
                }
            }
        }

        /// <summary>y = (x − mean)·scale + shift (three rounded operations per element on every path).</summary>
        private static void Normalize(ReadOnlySpan<float> x, float mean, float scale, float shift, Span<float> y)
        {
            int i = 0, len = x.Length;
            ref float rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y[..len]);
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> m = Vector512.Create(mean), s = Vector512.Create(scale), t = Vector512.Create(shift);
                for (; i + 16 <= len; i += 16) ((Vector512.LoadUnsafe(ref rx, (nuint)i) - m) * s + t).StoreUnsafe(ref ry, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> m = Vector256.Create(mean), s = Vector256.Create(scale), t = Vector256.Create(shift);
                for (; i + 8 <= len; i += 8) ((Vector256.LoadUnsafe(ref rx, (nuint)i) - m) * s + t).StoreUnsafe(ref ry, (nuint)i);
            }
            for (; i < len; i++) y[i] = (x[i] - mean) * scale + shift;
        }

        /// <summary>d = ((g − a) − (x − mean)·k)·s (five rounded operations per element on every path).</summary>
        private static void InputGrad(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float mean, float a, float k, float s, Span<float> d)
        {
            int i = 0, len = g.Length;
            ref float rg = ref MemoryMarshal.GetReference(g), rx = ref MemoryMarshal.GetReference(x[..len]), rd = ref MemoryMarshal.GetReference(d[..len]);
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> m = Vector512.Create(mean), va = Vector512.Create(a), vk = Vector512.Create(k), vs = Vector512.Create(s);
                for (; i + 16 <= len; i += 16)
                    (((Vector512.LoadUnsafe(ref rg, (nuint)i) - va) - (Vector512.LoadUnsafe(ref rx, (nuint)i) - m) * vk) * vs).StoreUnsafe(ref rd, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> m = Vector256.Create(mean), va = Vector256.Create(a), vk = Vector256.Create(k), vs = Vector256.Create(s);
                for (; i + 8 <= len; i += 8)
                    (((Vector256.LoadUnsafe(ref rg, (nuint)i) - va) - (Vector256.LoadUnsafe(ref rx, (nuint)i) - m) * vk) * vs).StoreUnsafe(ref rd, (nuint)i);
            }
            for (; i < len; i++) d[i] = ((g[i] - a) - (x[i] - mean) * k) * s;
        }
    }
}
