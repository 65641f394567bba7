using Emulator.Nn.Autograd;

namespace Emulator.Nn.Tests;

public class CoreOpsTests
{
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [3, 4], [3, 4] },
        { [3, 4], [4] },
        { [3, 1], [1, 4] },
        { [2, 3, 4, 5], [1, 3, 1, 1] },
        { [1], [2, 3] },
        { [2, 1, 4], [3, 1] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void ArithmeticGradientsMatchFiniteDifferences(int[] sa, int[] sb)
    {
        var a = GradCheck.Random(1, sa);
        var b = GradCheck.Random(2, sb);
        GradCheck.Check(x => x[0] + x[1], [a, b]);
        GradCheck.Check(x => x[0] - x[1], [a, b]);
        GradCheck.Check(x => x[0] * x[1], [a, b]);
        // keep the divisor away from zero
        foreach (ref float v in b.Data) v = 1.5f + MathF.Abs(v);
        GradCheck.Check(x => x[0] / x[1], [a, b]);
        GradCheck.Check(x => -(x[0] * 3f) + 2f, [a]);
    }

    [Fact]
    public void BroadcastValuesFollowNumpy()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([10, 20], 2, 1);
        Assert.Equal([11, 12, 13, 24, 25, 26], (a + b).ToArray());
        var ex = Assert.Throws<ArgumentException>(() => a + Tensor.Zeros(4));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("add", ex.Message);
    }

    public static TheoryData<int[], int[], bool, bool> MatMulShapes => new()
    {
        { [3, 4], [4, 5], false, false },
        { [4, 3], [4, 5], true, false },
        { [3, 4], [5, 4], false, true },
        { [4, 3], [5, 4], true, true },
        { [2, 3, 4], [4, 5], false, false },
        { [2, 3, 4], [2, 5, 4], false, true },
        { [2, 4, 3], [2, 4, 5], true, false },
        { [3, 4], [2, 4, 5], false, false },
        { [1, 1], [1, 1], false, false },
    };

    [Theory]
    [MemberData(nameof(MatMulShapes))]
    public void MatMulMatchesLoopsAndFiniteDifferences(int[] sa, int[] sb, bool ta, bool tb)
    {
        var a = GradCheck.Random(3, sa);
        var b = GradCheck.Random(4, sb);
        GradCheck.Check(x => Functional.MatMul(x[0], x[1], ta, tb), [a, b]);

        using var _ = DisposeScope.Begin();
        var y = Functional.MatMul(a, b, ta, tb);
        int m = y.Size(-2), n = y.Size(-1), k = ta ? sa[^2] : sa[^1];
        int batch = y.Numel / (m * n);
        for (int i = 0; i < batch; i++)
            for (int r = 0; r < m; r++)
                for (int c = 0; c < n; c++)
                {
                    double s = 0;
                    int oa = sa.Length > 2 ? i * m * k : 0, ob = sb.Length > 2 ? i * k * n : 0;
                    for (int p = 0; p < k; p++)
                        s += (double)a.Data[oa + (ta ? p * m + r : r * k + p)] * b.Data[ob + (tb ? c * k + p : p * n + c)];
                    Assert.Equal(s, y.Data[i * m * n + r * n + c], 1e-4);
                }
    }

    [Fact]
    public void LinearGradients()
    {
        var x = GradCheck.Random(5, 3, 2, 4);
        var w = GradCheck.Random(6, 5, 4);
        var b = GradCheck.Random(7, 5);
        GradCheck.Check(t => Functional.Linear(t[0], t[1], t[2]), [x, w, b]);
        GradCheck.Check(t => Functional.Linear(t[0], t[1]), [x, w]);
    }

    [Fact]
    public void ReshapeAndFlattenShareStorageAndPassGradients()
    {
        var x = GradCheck.Random(8, 2, 3, 4);
        GradCheck.Check(t => t[0].Reshape(4, -1) * t[0].Flatten(1).Reshape(4, 6), [x]);
        using var _ = DisposeScope.Begin();
        var v = x.Detach().Reshape(6, 4);
        v.Data[0] = 42f;
        Assert.Equal(42f, x.Data[0]);
        Assert.Throws<ArgumentException>(() => x.Reshape(5, -1));
    }

    [Fact]
    public void GradientsAccumulateAndDetachStopsThem()
    {
        var x = GradCheck.Random(9, 3);
        using (DisposeScope.Begin()) (x * x).Backward(Tensor.Ones(3));
        using (DisposeScope.Begin()) (x * x).Backward(Tensor.Ones(3));
        for (int i = 0; i < 3; i++) Assert.Equal(4 * x.Data[i], x.Grad!.Data[i], 1e-6);
        x.Grad = null;
        using (DisposeScope.Begin()) (x * x.Detach()).Backward(Tensor.Ones(3));
        for (int i = 0; i < 3; i++) Assert.Equal(x.Data[i], x.Grad!.Data[i]);
        using (DisposeScope.Begin())
        using (GradMode.NoGrad())
            Assert.Null((x * x).GradFn);
    }

    [Fact]
    public void SameTensorHandedToTwoInputsGetsIndependentGradients()
    {
        // y = (a + b) where a and b are different non-leaves; Add passes its gradient to both
        var x = GradCheck.Random(10, 4);
        GradCheck.Check(t => { var a = t[0] * 2f; var b = t[0] * 3f; var s = a + b; return s * a; }, [x]);
        GradCheck.Check(t => { var a = t[0] * 2f; return a + a; }, [x]);
    }

    [Fact]
    public void ScopeReleasesBuffersForReuse()
    {
        float[] first;
        using (DisposeScope.Begin())
        {
            var t = Tensor.Zeros(1000);
            first = t.Buffer;
        }
        using (DisposeScope.Begin())
        {
            var t = Tensor.Zeros(1000);
            Assert.Same(first, t.Buffer);
        }
        Tensor released;
        using (DisposeScope.Begin()) released = Tensor.Zeros(3);
        Assert.Throws<ObjectDisposedException>(() => released.Data.Length);
        Tensor kept;
        using (DisposeScope.Begin()) kept = Tensor.Ones(3).MoveToOuterScope();
        Assert.Equal(3, kept.ToArray().Sum());
    }

    [Fact]
    public void BrokenBackwardFailsTheGradientCheck()
    {
        var x = GradCheck.Random(11, 5);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.Check(t => WrongSquare.Apply(t[0]), [x]));
    }

    private sealed class WrongSquare(Tensor x) : Function
    {
        public static Tensor Apply(Tensor x)
        {
            var y = Tensor.Empty(x.ShapeArray);
            for (int i = 0; i < x.Numel; i++) y.Data[i] = x.Data[i] * x.Data[i];
            return new WrongSquare(x).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var g = Tensor.Empty(x.ShapeArray);
            for (int i = 0; i < x.Numel; i++) g.Data[i] = x.Data[i] * grad.Data[i]; // missing factor 2
            AccumulateGrad(x, g);
        }
    }
}
