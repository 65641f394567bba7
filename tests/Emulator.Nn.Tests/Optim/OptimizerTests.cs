using Emulator.Formats;
using Emulator.Nn.Autograd;
using Emulator.Nn.Optim;

namespace Emulator.Nn.Tests.Optim;

public class OptimizerTests
{
    /// <summary>A parameter of the shape with values in [-2, 2) keyed by the seed.</summary>
    internal static Tensor Param(ulong seed, params int[] shape)
    {
        var t = Tensor.Persistent(shape);
        Fill(t.Data, seed, 0);
        t.RequiresGrad = true;
        return t;
    }

    internal static void Fill(Span<float> d, ulong seed, uint stream)
    {
        for (int i = 0; i < d.Length; i++) d[i] = (Philox4x32.Word(seed, stream, i) >> 8) * (4f / 16777216f) - 2f;
    }

    /// <summary>Sets a fresh gradient for step s (values keyed by seed and step).</summary>
    internal static void SetGrad(Tensor p, ulong seed, int step)
    {
        var g = Tensor.Persistent(p.ShapeArray);
        Fill(g.Data, seed, (uint)(100 + step));
        p.Grad = g;
    }

    private static uint[] Bits(ReadOnlySpan<float> x)
    {
        var b = new uint[x.Length];
        for (int i = 0; i < x.Length; i++) b[i] = BitConverter.SingleToUInt32Bits(x[i]);
        return b;
    }

    internal static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) => Assert.Equal(Bits(expected), Bits(actual));

    // Shapes: 37 elements cover the vector body and the scalar tail of every width; [3, 5] and a scalar-sized one.
    public static TheoryData<double, double, double, double, bool> SgdCases => new()
    {
        { 0.1, 0, 0, 0, false },
        { 0.05, 0.9, 0, 5e-4, false },
        { 0.05, 0.9, 0.1, 0, false },
        { 0.02, 0.8, 0, 1e-2, true },
    };

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void SgdMatchesPyTorchFormulaBitForBit(double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        Tensor[] ps = [Param(1, 37), Param(2, 3, 5), Param(3, 1)];
        var opt = new Sgd(ps, lr, momentum, dampening, wd, nesterov);
        var refP = ps.Select(p => p.ToArray()).ToArray();
        var refBuf = ps.Select(_ => (float[]?)null).ToArray();
        float flr = (float)lr, fwd = (float)wd, fm = (float)momentum, fd = (float)(1 - dampening);
        for (int step = 0; step < 4; step++)
        {
            for (int k = 0; k < ps.Length; k++) SetGrad(ps[k], (ulong)k, step);
            for (int k = 0; k < ps.Length; k++)
            {
                var g = ps[k].Grad!.Data;
                var p = refP[k];
                bool first = refBuf[k] is null;
                refBuf[k] ??= new float[p.Length];
                var buf = refBuf[k]!;
                for (int i = 0; i < p.Length; i++)
                {
                    float d = g[i];
                    if (wd != 0) d = d + fwd * p[i];
                    if (momentum != 0)
                    {
                        buf[i] = first ? d : buf[i] * fm + fd * d;
                        d = nesterov ? d + fm * buf[i] : buf[i];
                    }
                    p[i] = p[i] - flr * d;
                }
            }
            opt.Step();
            for (int k = 0; k < ps.Length; k++)
            {
                AssertBits(refP[k], ps[k].Data);
                var state = opt.State(ps[k]);
                if (momentum != 0) AssertBits(refBuf[k], state["momentum_buffer"]!.Data);
                else Assert.True(state.IsEmpty);
            }
        }
    }

    public static TheoryData<bool, bool, double> AdamCases => new()
    {
        { false, false, 0 },
        { false, false, 1e-2 },
        { false, true, 1e-2 },
        { true, false, 1e-2 },
        { true, true, 0.1 },
    };

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void AdamMatchesPyTorchFormulaBitForBit(bool decoupled, bool amsgrad, double wd)
    {
        Tensor[] ps = [Param(4, 37), Param(5, 2, 3)];
        double lr = 3e-3, b1 = 0.85, b2 = 0.99, eps = 1e-6;
        Adam opt = decoupled ? new AdamW(ps, lr, b1, b2, eps, wd, amsgrad) : new Adam(ps, lr, b1, b2, eps, wd, amsgrad);
        Assert.Equal(decoupled ? "AdamW" : "Adam", opt.Name);
        var refP = ps.Select(p => p.ToArray()).ToArray();
        var m = ps.Select(p => new float[p.Numel]).ToArray();
        var v = ps.Select(p => new float[p.Numel]).ToArray();
        var vmax = ps.Select(p => new float[p.Numel]).ToArray();
        for (int step = 1; step <= 4; step++)
        {
            for (int k = 0; k < ps.Length; k++) SetGrad(ps[k], (ulong)(10 + k), step);
            double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
            float negStep = (float)-(lr / bc1), bc2Sqrt = (float)Math.Sqrt(bc2), feps = (float)eps;
            for (int k = 0; k < ps.Length; k++)
            {
                var grad = ps[k].Grad!.Data;
                var p = refP[k];
                for (int i = 0; i < p.Length; i++)
                {
                    float g = grad[i];
                    if (decoupled) p[i] = p[i] * (float)(1 - lr * wd);
                    else if (wd != 0) g = g + (float)wd * p[i];
                    m[k][i] = m[k][i] * (float)b1 + (float)(1 - b1) * g;
                    v[k][i] = v[k][i] * (float)b2 + (float)(1 - b2) * g * g;
                    float vv = v[k][i];
                    if (amsgrad) vv = vmax[k][i] = MathF.Max(vmax[k][i], v[k][i]);
                    float denom = MathF.Sqrt(vv) / bc2Sqrt + feps;
                    p[i] = p[i] + negStep * m[k][i] / denom;
                }
            }
            opt.Step();
            for (int k = 0; k < ps.Length; k++)
            {
                var s = opt.State(ps[k]);
                AssertBits(refP[k], ps[k].Data);
                AssertBits(m[k], s["exp_avg"]!.Data);
                AssertBits(v[k], s["exp_avg_sq"]!.Data);
                Assert.Equal(step, s["step"]!.Item());
                Assert.Empty(s["step"]!.Shape.ToArray());
                Assert.Equal(amsgrad, s.Contains("max_exp_avg_sq"));
                if (amsgrad) AssertBits(vmax[k], s["max_exp_avg_sq"]!.Data);
            }
        }
    }

    [Fact]
    public void AdamConvergesToTheMinimumOfAQuadratic()
    {
        // Independent of the formula's rounding: minimise sum (p - 3)^2 and check the optimum is found.
        var p = Param(6, 10);
        var opt = new Adam([p], lr: 0.1);
        for (int s = 0; s < 500; s++)
        {
            var g = Tensor.Persistent(10);
            for (int i = 0; i < 10; i++) g.Data[i] = 2 * (p.Data[i] - 3);
            p.Grad = g;
            opt.Step();
        }
        foreach (float x in p.Data) Assert.InRange(x, 2.99f, 3.01f);
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var a = Param(1, 4);
        var b = Param(2, 4);
        var before = b.ToArray();
        var opt = new Adam([a, b]);
        SetGrad(a, 1, 0);
        opt.Step();
        opt.Step();
        Assert.Equal(before, b.ToArray());
        Assert.True(opt.State(b).IsEmpty);
        Assert.Equal(2f, opt.State(a)["step"]!.Item());
    }

    [Fact]
    public void StateIsVisibleAndReplaceable()
    {
        var p = Param(1, 2, 3);
        var opt = new Sgd([p], lr: 0.1, momentum: 0.5);
        Assert.Equal(["momentum_buffer"], opt.StateNames);
        Assert.Null(opt.State(p)["momentum_buffer"]);
        SetGrad(p, 1, 0);
        opt.Step();
        var buf = opt.States[0]["momentum_buffer"]!;
        Assert.Equal([2, 3], buf.ShapeArray);
        // Replace the buffer with one of ours: the next step reads and updates it.
        var mine = Tensor.Persistent(2, 3);
        mine.Data.Fill(1f);
        opt.States[0]["momentum_buffer"] = mine;
        var g = p.Grad!.ToArray();
        var before = p.ToArray();
        opt.Step();
        for (int i = 0; i < 6; i++)
        {
            float expectedBuf = 1f * 0.5f + 1f * g[i];
            Assert.Equal(expectedBuf, mine.Data[i]);
            Assert.Equal(before[i] - 0.1f * expectedBuf, p.Data[i]);
        }
        var ex = Assert.Throws<ArgumentException>(() => opt.States[0]["momentum_buffer"] = Tensor.Persistent(6));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[6]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => opt.States[0]["exp_avg"]);
        Assert.Contains("momentum_buffer", ex2.Message);
        // Removing the buffer restarts momentum (buf = d on the next step).
        opt.States[0]["momentum_buffer"] = null;
        before = p.ToArray();
        opt.Step();
        for (int i = 0; i < 6; i++) Assert.Equal(before[i] - 0.1f * g[i], p.Data[i]);
    }

    [Fact]
    public void ParamGroupsHaveTheirOwnRateAndDecay()
    {
        var a = Param(1, 5);
        var b = Param(2, 5);
        var opt = new Sgd([a], lr: 0.1, weightDecay: 0.5);
        var group = opt.AddParamGroup([b], lr: 0.01, weightDecay: 0);
        Assert.Equal(1, group.FirstIndex);
        Assert.Same(b, opt.Parameters[1]);
        var a0 = a.ToArray();
        var b0 = b.ToArray();
        SetGrad(a, 1, 0);
        SetGrad(b, 2, 0);
        opt.Step();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(a0[i] - 0.1f * (a.Grad!.Data[i] + 0.5f * a0[i]), a.Data[i]);
            Assert.Equal(b0[i] - 0.01f * b.Grad!.Data[i], b.Data[i]);
        }
        opt.LearningRate = 0.2;
        Assert.All(opt.ParamGroups, g => Assert.Equal(0.2, g.Lr));
        Assert.Throws<ArgumentException>(() => opt.AddParamGroup([a]));
    }

    [Fact]
    public void ZeroGradClearsOrZeroes()
    {
        var p = Param(1, 3);
        var opt = new Sgd([p], lr: 0.1);
        SetGrad(p, 1, 0);
        var g = p.Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g, p.Grad);
        Assert.All(g.ToArray(), x => Assert.Equal(0f, x));
        opt.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void BadHyperparametersAndParametersGiveClearErrors()
    {
        var p = Param(1, 3);
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], lr: -1)).Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], lr: double.NaN)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd([p], lr: 0.1, nesterov: true)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta1: 1.0)).Message);
        Assert.Contains("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], beta2: -0.1)).Message);
        Assert.Contains("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], eps: -1e-8)).Message);
        Assert.Contains("weight decay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], weightDecay: -1)).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Sgd([p, p], lr: 0.1)).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => new Sgd([], lr: 0.1)).Message);
        using (DisposeScope.Begin())
        {
            var nonLeaf = p * 2f;
            Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new Sgd([nonLeaf], lr: 0.1)).Message);
        }
        var opt = new Sgd([p], lr: 0.1);
        p.Grad = Tensor.Persistent(4);
        var ex = Assert.Throws<InvalidOperationException>(opt.Step);
        Assert.Contains("[3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Throws<ArgumentException>(() => opt.State(Param(9, 3)));
    }

    [Fact]
    public void StepsAllocateNothingAfterTheFirst()
    {
        Tensor[] ps = [Param(1, 300), Param(2, 17, 9), Param(3, 5)];
        foreach (var (i, p) in ps.Index()) SetGrad(p, (ulong)i, 0);
        Optimizer[] opts = [new Sgd(ps, 0.1, momentum: 0.9, weightDecay: 1e-4, nesterov: true), new Adam(ps, amsgrad: true, weightDecay: 1e-3), new AdamW(ps)];
        foreach (var opt in opts)
        {
            for (int s = 0; s < 3; s++) opt.Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < 5; s++) opt.Step();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{opt.Name}: {allocated} bytes allocated in 5 steps");
        }
    }
}
