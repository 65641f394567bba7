using Emulator.Formats;

namespace Emulator.Kernels.Tests;

public class TableKernelTests
{
    private static TableFormat Table(string name, params double[] values) => new(FormatInfo.Named(name), values);

    /// <summary>Presets and user codebooks: without zero (a straddling interval), float64 values that are not float32,
    /// two values, 40 values (two-register permutes), 300 values (gathers), values beyond float32 and tiny ones.</summary>
    public static TableFormat Get(string name) => name switch
    {
        "nf4" or "af4" => (TableFormat)FormatRegistry.Default.Get(name),
        "no-zero" => Table(name, -1.5, -0.5, 0.5, 1.5),
        "float64" => Table(name, -1.0 / 3, -0.1, 0.1, 0.2, 1.0 / 3, 0.7, Math.PI),
        "two" => Table(name, -2.0, 3.0),
        "forty" => Table(name, Enumerable.Range(0, 40).Select(i => Math.Sinh((i - 19.5) / 6.0)).ToArray()),
        "three-hundred" => Table(name, Enumerable.Range(0, 300).Select(i => (i - 150) * 0.01 + 1e-4 * i * i).ToArray()),
        "wide" => Table(name, -1e300, -1e30, -1e-40, 1e-45, 2e-45, 1e-30, 3.5e38, 1e39),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    public static TheoryData<string> Names() => new() { "nf4", "af4", "no-zero", "float64", "two", "forty", "three-hundred", "wide" };

    [Fact]
    public void Table_presets_are_vectorized()
    {
        foreach (var t in FormatRegistry.Default.All.OfType<TableFormat>()) Assert.True(QuantizeKernels.IsVectorized(t));
        Assert.True(QuantizeKernels.IsVectorized(Get("no-zero")));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Quantize_and_encode_equal_the_reference_for_every_mode_and_width(string name)
    {
        var t = Get(name);
        float[] x = Inputs.ForFormat(t, seed: name.Length, maxCodes: 512, randomCount: 300);
        // Random values within the table's range (where nearly every input lands in practice).
        var rng = new System.Random(name.Length * 7);
        double lo = Math.Max(t.MinFinite, -float.MaxValue), hi = Math.Min(t.MaxFinite, float.MaxValue);
        x = x.Concat(Enumerable.Range(0, 300).Select(_ => (float)(lo + rng.NextDouble() * (hi - lo)))).ToArray();
        Differential.Check(t, x);
    }

    [Fact]
    public void Stochastic_points_at_exact_fractions_of_an_interval_equal_the_reference()
    {
        // x = lo + k/16 (hi - lo): floor(nu 2^N) is exact there, so the float32 test falls in its error band (reference lanes).
        var t = Get("no-zero");
        var x = new List<float>();
        for (int i = 0; i + 1 < t.Values.Count; i++)
            for (int k = 0; k <= 64; k++) x.Add((float)(t.Values[i] + k / 64.0 * (t.Values[i + 1] - t.Values[i])));
        var xs = x.ToArray();
        foreach (int variant in new[] { 0, 1, 3 })
        {
            var ro = Inputs.Options(RoundingMode.Stochastic, null, variant);
            var expected = new uint[xs.Length];
            t.Encode(xs, expected, ro, 5);
            var codes = new uint[xs.Length];
            foreach (int lanes in Inputs.Widths)
            {
                QuantizeKernels.Encode(xs, codes, t, ro, new KernelOptions { IndexOffset = 5, MaxLanes = lanes });
                Differential.Compare(t, ro, lanes, "encode32", xs, expected, codes);
            }
        }
    }

    [Fact]
    public void Slices_of_every_length_and_offset_give_the_whole_tensor_bits()
    {
        Slices.Check(Get("nf4"), Slices.Spread(3, 260, -12, 2), RoundingMode.NearestEven, RoundingMode.Stochastic, RoundingMode.TowardZero);
        Slices.Check(Get("no-zero"), Slices.Spread(4, 260, -12, 2), RoundingMode.TowardZero, RoundingMode.StochasticEqual);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_of_every_code_equals_the_reference(string name)
    {
        var t = Get(name);
        var codes = Enumerable.Range(0, (int)t.CodeCount).Select(c => (uint)c).ToArray();
        var expected = codes.Select(c => Inputs.B((float)t.Decode(c))).ToArray();
        var y = new float[codes.Length];
        foreach (int lanes in Inputs.Widths)
        {
            var ko = new KernelOptions { MaxLanes = lanes };
            QuantizeKernels.Decode(codes, y, t, ko);
            Differential.Compare(t, default, lanes, "decode32", y, expected, y.Select(Inputs.B).ToArray());
            QuantizeKernels.Decode(codes.Select(c => (ushort)c).ToArray(), y, t, ko);
            Differential.Compare(t, default, lanes, "decode16", y, expected, y.Select(Inputs.B).ToArray());
            if (t.Bits <= 8)
            {
                QuantizeKernels.Decode(codes.Select(c => (byte)c).ToArray(), y, t, ko);
                Differential.Compare(t, default, lanes, "decode8", y, expected, y.Select(Inputs.B).ToArray());
            }
        }
    }
}
