using FsCheck;
using FsCheck.Fluent;

namespace Emulator.Formats.Tests.Lattice;

/// <summary>Random-input properties of the codecs: quantization is idempotent and never beaten by a neighbouring codeword.</summary>
public class LatticePropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static float[] Vector(float[] raw, int d) =>
        Enumerable.Range(0, d).Select(i => i < raw.Length && float.IsFinite(raw[i]) ? Math.Clamp(raw[i], -50f, 50f) / 10f : 0.1f * i).ToArray();

    [Fact]
    public void QuantizingTwiceChangesNothing()
    {
        var codecs = new[] { "e8", "d4", "e8p" }.Select(n => (VectorCodec)FormatRegistry.Default.Get(n)).ToArray();
        Prop.ForAll<float[]>(raw =>
        {
            foreach (VectorCodec c in codecs)
            {
                float[] v = Vector(raw, c.Dimension);
                var q = new float[c.Dimension];
                var q2 = new float[c.Dimension];
                ulong i = c.Quantize(v, q);
                ulong j = c.Quantize(q, q2);
                if (i != j || !q.SequenceEqual(q2)) return false;
            }
            return true;
        }).Check(Quick);
    }

    [Fact]
    public void E8PResultIsNoWorseThanAnySingleSignFlip()
    {
        var codec = (VectorCodec)FormatRegistry.Default.Get("e8p");
        Prop.ForAll<float[]>(raw =>
        {
            double[] x = Vector(raw, 8).Select(v => (double)v).ToArray();
            var y = new double[8];
            codec.DecodeUnscaled(codec.EncodeUnscaled(x), y);
            double best = LatticeDecoder.SquaredDistance(x, y);
            var other = new double[8];
            for (ulong k = 0; k < 256; k++)
            {
                // Other sign bytes of the same absolute vector.
                codec.DecodeUnscaled((codec.EncodeUnscaled(x) & ~255UL) | k, other);
                if (LatticeDecoder.SquaredDistance(x, other) < best - 1e-12) return false;
            }
            return true;
        }).Check(Quick);
    }

    [Fact]
    public void LeechEncodingAlwaysGivesAValidIndexEvenFarOutside()
    {
        var codec = (VectorCodec)FormatRegistry.Default.Get("leech");
        var noZero = new LeechCodec(FormatInfo.Named("t"), [4, 6], [1.0]);
        var rng = new System.Random(17);
        var v = new float[24];
        var back = new float[24];
        foreach (double radius in new[] { 0.0, 1e-3, 1, 5, 30, 1e4 })
        {
            for (int i = 0; i < 24; i++) v[i] = (float)(E8PTests.Gaussian(rng) * radius);
            foreach (VectorCodec c in new[] { codec, noZero })
            {
                ulong index = c.Encode(v);
                Assert.True(c.IsCodeword(index));
                c.Decode(index, back);
                Assert.Equal(index, c.Encode(back));
            }
        }
    }
}
