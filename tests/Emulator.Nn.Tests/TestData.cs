using Emulator.Formats;

namespace Emulator.Nn.Tests;

/// <summary>Inputs for op tests: seeded values, kept away from an op's kinks so finite differences stay on one side.</summary>
public static class TestData
{
    /// <summary>A tensor that requires grad with values uniform in [-scale, scale), each at least <paramref name="margin"/>
    /// from every kink.</summary>
    public static Tensor Away(ulong seed, int[] shape, float scale, float[] kinks, float margin = 0.25f)
    {
        var t = GradCheck.Random(seed, shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            float v = d[i] * scale / 2f;
            foreach (float k in kinks)
                if (MathF.Abs(v - k) < margin) v = k + (v >= k ? margin : -margin);
            d[i] = v;
        }
        return t;
    }

    /// <summary>Distinct values 0.1·(a random permutation of 0..n−1) − offset: no two within a finite-difference step.</summary>
    public static Tensor Distinct(ulong seed, params int[] shape)
    {
        var t = Tensor.Persistent(shape);
        var d = t.Data;
        var order = Enumerable.Range(0, d.Length).OrderBy(i => Philox4x32.Word(seed, 9, i)).ToArray();
        for (int i = 0; i < d.Length; i++) d[i] = 0.1f * order[i] - 0.05f * d.Length;
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>The tensor's values as doubles.</summary>
    public static double[] Doubles(Tensor t) => t.ToArray().Select(v => (double)v).ToArray();
}
