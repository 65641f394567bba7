using Emulator.Nn.Numerics;
using Emulator.Nn.Tests.Optim;

namespace Emulator.Nn.Tests.Numerics;

public class FloatVectorTests
{
    private struct Formula : IElementwiseKernel
    {
        public float[] A, B, Y;

        public readonly void Apply<TV>(int i) where TV : struct, IFloatVector<TV>
        {
            var a = TV.Load(A, i);
            var b = TV.Load(B, i);
            var y = TV.Sqrt(TV.Max(a * b + a, b - a)) / (b * TV.Splat(0.3f)) - a * a * b;
            y.Store(Y, i);
        }
    }

    private static float[] Run<TV>(float[] a, float[] b) where TV : struct, IFloatVector<TV>
    {
        var k = new Formula { A = a, B = b, Y = new float[a.Length] };
        Elementwise.RunWith<Formula, TV>(ref k, a.Length);
        return k.Y;
    }

    [Fact]
    public void EveryWidthGivesTheBitsOfOneLane()
    {
        const int n = 16 * 7 + 5;
        var a = new float[n];
        var b = new float[n];
        OptimizerTests.Fill(a, 1, 0);
        OptimizerTests.Fill(b, 2, 0);
        // special values: NaN, infinities, signed zeros, subnormals, huge products
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, 3e38f, -3e38f, 1e-20f];
        specials.CopyTo(a, 3);
        specials.AsSpan(2).CopyTo(b.AsSpan(20));
        b[40] = -0f;
        a[41] = 0f;
        var reference = Run<F1>(a, b);
        OptimizerTests.AssertBits(reference, Run<F128>(a, b));
        OptimizerTests.AssertBits(reference, Run<F256>(a, b));
        OptimizerTests.AssertBits(reference, Run<F512>(a, b));
        var k = new Formula { A = a, B = b, Y = new float[n] };
        Elementwise.Run(ref k, n);
        OptimizerTests.AssertBits(reference, k.Y);
    }
}
