using Emulator.Kernels.Gemm;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// Matrix product op(a) · op(b) through <see cref="Sgemm"/> with transpose flags (no transposed copies):
    /// a is [..., m, k] (or [..., k, m] with <paramref name="transposeA"/>), b is [..., k, n] (or [..., n, k]). Batch
    /// dimensions must be equal, or one operand is 2-D and is shared by every batch (<c>torch.matmul</c>'s common cases).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) =>
        MatMulNode.Apply(a, b, transposeA, transposeB);

    /// <summary>y = x Wᵀ + b (<c>F.linear</c>): x [..., in], weight [out, in], bias [out] or null.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => LinearNode.Apply(x, weight, bias);

    /// <summary>C (m x n, ldc = n) = alpha · op(A) op(B) + beta · C on <paramref name="threads"/> threads (0: the Nn thread
    /// setting; ops that already run in parallel over images pass 1).</summary>
    internal static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        float beta, Span<float> c, int threads = 0)
    {
        int lda = transA ? m : k, ldb = transB ? k : n;
        const Kernels.Gemm.Transpose T = Kernels.Gemm.Transpose.Transposed, N = Kernels.Gemm.Transpose.None; // Functional.Transpose is the tensor op
        Sgemm.Multiply(transA ? T : N, transB ? T : N, m, n, k,
            alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, n), threads > 0 ? threads : NnSettings.Threads);
    }

    private sealed class MatMulNode(Tensor a, Tensor b, bool ta, bool tb, int batch, int m, int n, int k) : Function
    {
        public override string Name => "mm_backward";

        public static Tensor Apply(Tensor a, Tensor b, bool ta, bool tb)
        {
            if (a.Rank < 2 || b.Rank < 2)
                throw new ArgumentException($"matmul: both operands need at least 2 dimensions; got {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)}");
            int m = ta ? a.Size(-1) : a.Size(-2), ka = ta ? a.Size(-2) : a.Size(-1);
            int kb = tb ? b.Size(-1) : b.Size(-2), n = tb ? b.Size(-2) : b.Size(-1);
            if (ka != kb)
                throw new ArgumentException($"matmul: inner dimensions differ: {ShapeMath.Format(a.Shape)}{(ta ? "ᵀ" : "")} x {ShapeMath.Format(b.Shape)}{(tb ? "ᵀ" : "")} ({ka} vs {kb})");
            var batchA = a.Shape[..^2].ToArray(); var batchB = b.Shape[..^2].ToArray();
            int[] batchShape;
            if (batchA.Length == 0) batchShape = batchB;
            else if (batchB.Length == 0 || batchA.AsSpan().SequenceEqual(batchB)) batchShape = batchA;
            else throw new ArgumentException($"matmul: batch dimensions {ShapeMath.Format(batchA)} and {ShapeMath.Format(batchB)} differ (equal batches, or one 2-D operand, are supported)");
            int batch = ShapeMath.Numel(batchShape);
            var y = Tensor.Empty([.. batchShape, m, n]);
            int sa = batchA.Length == 0 ? 0 : m * ka, sb = batchB.Length == 0 ? 0 : ka * n;
            ReadOnlySpan<float> da = a.Data, db = b.Data;
            Span<float> dy = y.Data;
            if (sb == 0 && !ta && batch > 1) Gemm(false, tb, batch * m, n, ka, 1f, da, db, 0f, dy); // fold the batch into m
            else
                for (int i = 0; i < batch; i++)
                    Gemm(ta, tb, m, n, ka, 1f, da.Slice(i * sa, m * ka), db.Slice(i * sb, ka * n), 0f, dy.Slice(i * m * n, m * n));
            return new MatMulNode(a, b, ta, tb, batch, m, n, ka).Record(y, a, b);
        }

        protected internal override void Backward(Tensor grad)
        {
            bool aBatched = a.Rank > 2, bBatched = b.Rank > 2;
            ReadOnlySpan<float> g = grad.Data, da = a.Data, db = b.Data;
            int sa = aBatched ? m * k : 0, sb = bBatched ? k * n : 0;
            if (a.RequiresGrad)
            {
                var ga = Tensor.Empty(a.ShapeArray);
                Span<float> dga = ga.Data;
                if (!aBatched) dga.Clear();
                for (int i = 0; i < batch; i++)
                {
                    float beta = !aBatched && i > 0 ? 1f : 0f;
                    var dst = dga.Slice(i * sa, m * k);
                    var gi = g.Slice(i * m * n, m * n); var bi = db.Slice(i * sb, k * n);
                    if (!ta) Gemm(false, !tb, m, k, n, 1f, gi, bi, beta, dst);   // dA = dY op(B)ᵀ
                    else Gemm(tb, true, k, m, n, 1f, bi, gi, beta, dst);         // dA = op(B) dYᵀ
                }
                AccumulateGrad(a, ga);
            }
            if (b.RequiresGrad)
            {
                var gb = Tensor.Empty(b.ShapeArray);
                Span<float> dgb = gb.Data;
                if (!bBatched && !ta && batch > 1)
                {
                    // a folded: dB over all batch rows at once
                    if (!tb) Gemm(true, false, k, n, batch * m, 1f, da, g, 0f, dgb);
                    else Gemm(true, false, n, k, batch * m, 1f, g, da, 0f, dgb);
                }
                else
                    for (int i = 0; i < batch; i++)
                    {
                        float beta = !bBatched && i > 0 ? 1f : 0f;
                        var dst = dgb.Slice(i * sb, k * n);
                        var gi = g.Slice(i * m * n, m * n); var ai = da.Slice(i * sa, m * k);
                        if (!tb) Gemm(!ta, false, k, n, m, 1f, ai, gi, beta, dst);   // dB = op(A)ᵀ dY
                        else Gemm(true, ta, n, k, m, 1f, gi, ai, beta, dst);          // dB = dYᵀ op(A)
                    }
                AccumulateGrad(b, gb);
            }
        }
    }

    private sealed class LinearNode(Tensor x, Tensor w, Tensor? bias, int rows) : Function
    {
        public override string Name => "linear_backward";

        public static Tensor Apply(Tensor x, Tensor w, Tensor? bias)
        {
            if (w.Rank != 2) throw new ArgumentException($"linear: weight must be [out, in]; got {ShapeMath.Format(w.Shape)}", nameof(w));
            int outF = w.Size(0), inF = w.Size(1);
            if (x.Rank < 1 || x.Size(-1) != inF)
                throw new ArgumentException($"linear: input {ShapeMath.Format(x.Shape)} does not end in in_features = {inF} (weight {ShapeMath.Format(w.Shape)})", nameof(x));
            if (bias is not null && (bias.Rank != 1 || bias.Size(0) != outF))
                throw new ArgumentException($"linear: bias must be [{outF}]; got {ShapeMath.Format(bias.Shape)}", nameof(bias));
            int rows = x.Numel / Math.Max(1, inF);
            var shape = x.ShapeArray; shape[^1] = outF;
            var y = Tensor.Empty(shape);
            Span<float> dy = y.Data;
            float beta = 0f;
            if (bias is not null)
            {
                for (int r = 0; r < rows; r++) bias.Data.CopyTo(dy.Slice(r * outF, outF));
                beta = 1f; // C = fma(1, x·wᵀ, bias): one rounding
            }
            Gemm(false, true, rows, outF, inF, 1f, x.Data, w.Data, beta, dy);
            return new LinearNode(x, w, bias, rows).Record(y, x, w, bias);
        }

        protected internal override void Backward(Tensor grad)
        {
            int outF = w.Size(0), inF = w.Size(1);
            if (x.RequiresGrad)
            {
                var gx = Tensor.Empty(x.ShapeArray);
                Gemm(false, false, rows, inF, outF, 1f, grad.Data, w.Data, 0f, gx.Data);        // dX = dY W
                AccumulateGrad(x, gx);
            }
            if (w.RequiresGrad)
            {
                var gw = Tensor.Empty(w.ShapeArray);
                Gemm(true, false, outF, inF, rows, 1f, grad.Data, x.Data, 0f, gw.Data);         // dW = dYᵀ X
                AccumulateGrad(w, gw);
            }
            if (bias is { RequiresGrad: true })
            {
                var gb = Tensor.Empty([outF]);
                Reduction.SumTo(grad.Data, [rows, outF], [1, outF], gb.Data);
                AccumulateGrad(bias, gb);
            }
        }
    }
}
