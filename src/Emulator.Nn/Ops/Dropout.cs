using System.Numerics.Tensors;
using Emulator.Formats;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>
    /// Dropout (<c>F.dropout</c>): in training each element is zeroed with probability <paramref name="p"/> and the others
    /// are scaled by 1 / (1 − p); otherwise the input is returned. Element i is dropped when
    /// (Philox4x32-10 word (seed, stream = <paramref name="step"/>, i) &gt;&gt; 8) &lt; p·2²⁴ — the keying of the formats'
    /// stochastic rounding (FORMATS.md section 4) — so a mask depends only on (seed, step, index), never on threads.
    /// </summary>
    /// <param name="input">Any shape.</param>
    /// <param name="p">Drop probability in [0, 1].</param>
    /// <param name="training">Apply dropout (false: identity).</param>
    /// <param name="seed">The Philox key.</param>
    /// <param name="step">The Philox stream: use a new one per call (the <see cref="Modules.Dropout"/> module counts its calls).</param>
    public static Tensor Dropout(Tensor input, float p = 0.5f, bool training = true, ulong seed = 0, uint step = 0)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: p must be in [0, 1]");
        if (!training) return input;
        return DropoutNode.Apply(input, p, seed, step);
    }

    private sealed class DropoutNode(Tensor x, Tensor mask) : Function
    {
        private const int Chunk = 4096; // elements per parallel work item (a multiple of 4: one Philox block per 4 elements)

        public override string Name => "native_dropout_backward";

        public static Tensor Apply(Tensor x, float p, ulong seed, uint step)
        {
            var mask = Tensor.Empty(x.ShapeArray);
            float scale = p == 1f ? 0f : 1f / (1f - p);
            RangeWork.Run((x.Numel + Chunk - 1) / Chunk, Chunk * 8, new MaskBody(mask, p * 16777216f, scale, seed, step));
            var y = Tensor.Empty(x.ShapeArray);
            TensorPrimitives.Multiply(x.Data, mask.Data, y.Data);
            return new DropoutNode(x, mask).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var dx = Tensor.Empty(x.ShapeArray);
            TensorPrimitives.Multiply(grad.Data, mask.Data, dx.Data);
            AccumulateGrad(x, dx);
        }

        /// <summary>mask[i] = 0 where dropped, else the scale, for chunks [start, end).</summary>
        private readonly struct MaskBody(Tensor mask, float threshold, float scale, ulong seed, uint step) : IRangeBody
        {
            public void Run(int start, int end)
            {
                var m = mask.Data;
                int last = Math.Min(m.Length, end * Chunk);
                for (int i = start * Chunk; i < last; i += 4)
                {
                    ulong q = (ulong)i >> 2;
                    var (w0, w1, w2, w3) = Philox4x32.Block((uint)q, (uint)(q >> 32), step, 0, (uint)seed, (uint)(seed >> 32));
                    m[i] = Keep(w0);
                    if (i + 1 < last) m[i + 1] = Keep(w1);
                    if (i + 2 < last) m[i + 2] = Keep(w2);
                    if (i + 3 < last) m[i + 3] = Keep(w3);
                }
            }

            private float Keep(uint word) => (word >> 8) < threshold ? 0f : scale;
        }
    }
}
