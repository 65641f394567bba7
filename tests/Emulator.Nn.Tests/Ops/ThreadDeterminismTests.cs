namespace Emulator.Nn.Tests.Ops;

/// <summary>Ops that split work between threads give the same bits on one and two threads (sizes large enough to split).</summary>
public class ThreadDeterminismTests
{
    [Fact]
    public void ForwardAndBackwardBitsDoNotDependOnThreads()
    {
        var act = GradCheck.Random(1, 64, 1100);
        var logits = GradCheck.Random(2, 1000, 10);
        var targets = Enumerable.Range(0, 1000).Select(i => i * 7 % 10).ToArray();
        var rows = GradCheck.Random(3, 200, 300);
        var strided = GradCheck.Random(4, 30, 70, 20);
        var tokens = GradCheck.Random(5, 300, 128);
        var gamma = GradCheck.Random(6, 128);
        var beta = GradCheck.Random(7, 128);
        Tensor[] leaves = [act, logits, rows, strided, tokens, gamma, beta];

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Count, two.Count);
        for (int i = 0; i < one.Count; i++) Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"result {i} differs between 1 and 2 threads");

        List<float[]> Run(int threads)
        {
            int saved = NnSettings.Threads;
            NnSettings.Threads = threads;
            try
            {
                foreach (var t in leaves) t.Grad = null;
                var results = new List<float[]>();
                using var _ = DisposeScope.Begin();
                Tensor[] outputs =
                [
                    Functional.Relu(act), Functional.Gelu(act), Functional.Hardswish(act), Functional.Silu(act),
                    Functional.CrossEntropy(logits, targets, labelSmoothing: 0.1f), Functional.LogSoftmax(rows, 1),
                    Functional.Softmax(strided, 1), Functional.LayerNorm(tokens, [128], gamma, beta), Functional.RmsNorm(tokens, [128], gamma),
                ];
                foreach (var y in outputs)
                {
                    results.Add(y.ToArray());
                    y.Backward(y.Numel == 1 ? null : y);
                }
                results.AddRange(leaves.Select(t => t.Grad!.ToArray()));
                return results;
            }
            finally { NnSettings.Threads = saved; }
        }
    }
}
