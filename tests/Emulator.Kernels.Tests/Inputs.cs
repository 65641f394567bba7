using Emulator.Formats;

namespace Emulator.Kernels.Tests;

/// <summary>Edge and random float32 inputs for differential tests against the scalar reference.</summary>
public static class Inputs
{
    /// <summary>The register widths the driver can use: Vector512, Vector256, Vector128, scalar.</summary>
    public static readonly int[] Widths = [16, 8, 4, 1];

    public static readonly RoundingMode[] Modes = Enum.GetValues<RoundingMode>();

    public static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);
    public static uint B(float x) => BitConverter.SingleToUInt32Bits(x);

    /// <summary>Special float32 inputs every format must handle.</summary>
    public static IEnumerable<float> Specials()
    {
        uint[] bits =
        [
            0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFFBF_FFFF, 0x7FFF_FFFF,
            0x0000_0001, 0x8000_0001, 0x0000_0002, 0x007F_FFFF, 0x0080_0000, 0x0080_0001, 0x0040_0000, 0x0040_0001, 0x003F_FFFF,
            0x0020_0000, 0x0060_0000, 0x00C0_0000, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x7F00_0000, 0x3F80_0000, 0xBF80_0000, 0x3F00_0000,
        ];
        foreach (uint b in bits) yield return F(b);
    }

    /// <summary>Every code's value (or a spread sample of codes for wide formats), the midpoints between neighbouring
    /// values, one float32 ulp either side of each, both signs; then specials and random patterns.</summary>
    public static float[] ForFormat(ScalarFormat format, int seed, int maxCodes = 512, int randomCount = 600)
    {
        var values = new SortedSet<double>();
        ulong count = format.CodeCount;
        ulong stride = Math.Max(1, count / (ulong)maxCodes);
        for (ulong c = 0; c < count; c += stride) Add(values, format.Decode((uint)c));
        // Always include the extremes and the low codes.
        for (ulong c = 0; c < Math.Min(count, 64); c++) { Add(values, format.Decode((uint)c)); Add(values, format.Decode((uint)(count - 1 - c))); }
        Add(values, format.MaxFinite); Add(values, format.MinNormal); Add(values, format.MinSubnormal);
        Add(values, format.MaxFinite * 2); Add(values, format.MinSubnormal / 2); Add(values, format.MinSubnormal / 4);
        var list = new List<float>();
        double? previous = null;
        foreach (double v in values)
        {
            AddAround(list, v);
            if (previous is double p) AddAround(list, (p + v) / 2);
            previous = v;
        }
        if (previous is double last && format is FloatFormat) AddAround(list, last + (last - values.Reverse().Skip(1).FirstOrDefault()) / 2);
        int n = list.Count;
        for (int i = 0; i < n; i++) list.Add(-list[i]);
        list.AddRange(Specials());
        var rng = new System.Random(seed);
        for (int i = 0; i < randomCount; i++) list.Add(F((uint)rng.NextInt64(0, 1L << 32)));
        double scale = Math.Min(format.MaxFinite, 1e30);
        for (int i = 0; i < randomCount; i++) list.Add((float)((rng.NextDouble() * 2 - 1) * scale * Math.Pow(2, -rng.Next(0, 40))));
        return list.ToArray();
    }

    private static void Add(SortedSet<double> set, double v)
    {
        if (double.IsFinite(v) && Math.Abs(v) <= float.MaxValue) set.Add(Math.Abs(v));
    }

    private static void AddAround(List<float> list, double v)
    {
        if (!(Math.Abs(v) <= float.MaxValue)) return;
        float f = (float)v;
        list.Add(f);
        float up = f, down = f;
        up = MathF.BitIncrement(up); down = MathF.BitDecrement(down);
        list.Add(up); list.Add(down);
    }

    /// <summary>Rounding options for a mode; stochastic modes get a seed, a stream and (for some) fewer random bits.</summary>
    public static RoundingOptions Options(RoundingMode mode, OverflowPolicy? overflow, int variant = 0) => mode switch
    {
        RoundingMode.Stochastic => new RoundingOptions(mode, overflow) { Seed = 0x1234_5678_9ABC_DEF0UL + (ulong)variant, Stream = 7, StochasticBits = variant % 2 == 0 ? 32 : 3 + variant % 20 },
        RoundingMode.StochasticEqual => new RoundingOptions(mode, overflow) { Seed = 99 + (ulong)variant, Stream = 3 },
        _ => new RoundingOptions(mode, overflow),
    };
}
