namespace Emulator.Kernels.Gemm;

/// <summary>
/// An element or scale format as exact integers: value(code) = N[code] * 2^Q (finite codes). Elements whose N all fit int8
/// can use the VNNI path; scales are read as float32 values (every 8-bit format's values are).
/// </summary>
internal sealed class BlockElementPlan
{
    public BlockElementPlan(Emulator.Formats.ScalarFormat format)
    {
        int count = (int)format.CodeCount;
        Values = new double[count];
        Finite = new bool[count];
        int q = int.MaxValue;
        for (int c = 0; c < count; c++)
        {
            double v = format.Decode((uint)c);
            Values[c] = v;
            Finite[c] = double.IsFinite(v);
            if (Finite[c] && v != 0)
            {
                var (m, e) = Emulator.Formats.BinarySplit.Decompose(Math.Abs(v));
                q = Math.Min(q, e + System.Numerics.BitOperations.TrailingZeroCount(m));
            }
        }
        Q = q == int.MaxValue ? 0 : q;
        N = new long[count];
        bool small = true;
        for (int c = 0; c < count; c++)
        {
            if (!Finite[c]) { small = false; continue; }
            double n = Math.ScaleB(Values[c], -Q);
            if (Math.Abs(n) >= 4.611686018427387904E18)
                throw new ArgumentOutOfRangeException("elementFormat", format.Name, $"format '{format.Name}' spans more than 2^62 steps; block GEMM elements need a narrower range");
            N[c] = (long)n;
            if (n is < -128 or > 127) small = false;
        }
        FitsInt8 = small;
        MaxAbsN = N.Select(Math.Abs).Max();
    }

    public double[] Values { get; }
    public bool[] Finite { get; }
    public long[] N { get; }
    public int Q { get; }
    public bool FitsInt8 { get; }
    public long MaxAbsN { get; }
}
