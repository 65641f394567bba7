using Emulator.Formats;

namespace Emulator.Nn.Tests.Ops;

public class DropoutTests
{
    [Theory]
    [InlineData(0.5f, 7ul, 0u)]
    [InlineData(0.1f, 7ul, 1u)]
    [InlineData(0.9f, 123456789012345ul, 4000000000u)]
    public void MaskIsKeyedByPhiloxSeedStepAndIndex(float p, ulong seed, uint step)
    {
        using var _ = DisposeScope.Begin();
        int n = 20011; // not a multiple of 4 or of the parallel chunk
        var x = Tensor.Full(3f, n);
        var y = Functional.Dropout(x, p, training: true, seed, step);
        float scale = 1f / (1f - p);
        int dropped = 0;
        for (int i = 0; i < n; i++)
        {
            bool drop = (Philox4x32.Word(seed, step, i) >> 8) < p * 16777216.0;
            Assert.Equal(drop ? 0f : 3f * scale, y.Data[i]);
            if (drop) dropped++;
        }
        Assert.InRange(dropped / (double)n, p - 0.02, p + 0.02);
    }

    [Fact]
    public void GradientIsTheSameMask()
    {
        var x = GradCheck.Random(1, 3, 7);
        GradCheck.Check(t => Functional.Dropout(t[0], 0.3f, training: true, seed: 5, step: 2), [x]);
        using var _ = DisposeScope.Begin();
        x.Grad = null;
        var y = Functional.Dropout(x, 0.3f, training: true, seed: 5, step: 2);
        y.Backward(Tensor.Ones(3, 7));
        for (int i = 0; i < 21; i++) Assert.Equal(y.Data[i] == 0f ? 0f : 1f / 0.7f, x.Grad!.Data[i]);
    }

    [Fact]
    public void EdgeProbabilitiesAndEvaluation()
    {
        using var _ = DisposeScope.Begin();
        var x = GradCheck.Random(2, 50);
        Assert.Same(x, Functional.Dropout(x, 0.5f, training: false));
        Assert.Equal(x.ToArray(), Functional.Dropout(x, 0f).ToArray());
        Assert.All(Functional.Dropout(x, 1f).ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(x, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(x, float.NaN));
    }

    [Fact]
    public void ModuleAdvancesItsStepAndIsReproducible()
    {
        var x = GradCheck.Random(3, 4, 64);
        var a = new Emulator.Nn.Modules.Dropout(0.25f, seed: 11);
        var b = new Emulator.Nn.Modules.Dropout(0.25f, seed: 11);
        using var _ = DisposeScope.Begin();
        var a1 = a.Forward(x).ToArray();
        var a2 = a.Forward(x).ToArray();
        Assert.NotEqual(a1, a2);
        Assert.Equal(2u, a.Step);
        Assert.Equal(a1, b.Forward(x).ToArray());
        Assert.Equal(a2, b.Forward(x).ToArray());
        a.Eval();
        Assert.Same(x, a.Forward(x));
        Assert.Equal(2u, a.Step);
    }

    [Fact]
    public void SameBitsOnOneAndTwoThreads()
    {
        var x = GradCheck.Random(4, 3, 50000);
        int saved = NnSettings.Threads;
        try
        {
            using var _ = DisposeScope.Begin();
            NnSettings.Threads = 1;
            var one = Functional.Dropout(x, 0.4f, seed: 3, step: 9).ToArray();
            NnSettings.Threads = 2;
            Assert.Equal(one, Functional.Dropout(x, 0.4f, seed: 3, step: 9).ToArray());
        }
        finally { NnSettings.Threads = saved; }
    }
}
