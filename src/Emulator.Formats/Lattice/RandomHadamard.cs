namespace Emulator.Formats;

/// <summary>
/// A seeded random orthogonal rotation (QuIP#'s incoherence processing): x -> H·D·x / √n with D a diagonal of random
/// signs (sign i is the top bit of Philox word i for the seed, stream 0x4C415454) and H the n×n Walsh-Hadamard matrix
/// (n a power of two). <see cref="Inverse"/> undoes it (up to rounding in double).
/// </summary>
public sealed class RandomHadamard
{
    private const uint Stream = 0x4C415454; // "LATT"
    private readonly bool[] _negate;

    /// <summary>Creates the rotation of length n (a power of two, 1..2^24) for a seed.</summary>
    public RandomHadamard(int n, ulong seed)
    {
        if (n < 1 || n > 1 << 24 || (n & (n - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "the rotation length must be a power of two in 1..2^24");
        Length = n;
        Seed = seed;
        _negate = new bool[n];
        for (int i = 0; i < n; i++) _negate[i] = Philox4x32.Word(seed, Stream, i) >> 31 != 0;
    }

    /// <summary>n.</summary>
    public int Length { get; }

    /// <summary>The seed of the signs.</summary>
    public ulong Seed { get; }

    /// <summary>x := H·D·x / √n, in place.</summary>
    public void Forward(Span<double> x)
    {
        Check(x);
        for (int i = 0; i < Length; i++) if (_negate[i]) x[i] = -x[i];
        Transform(x);
    }

    /// <summary>x := D·H·x / √n, in place (the inverse of <see cref="Forward"/>).</summary>
    public void Inverse(Span<double> x)
    {
        Check(x);
        Transform(x);
        for (int i = 0; i < Length; i++) if (_negate[i]) x[i] = -x[i];
    }

    private static void Transform(Span<double> x)
    {
        int n = x.Length;
        for (int h = 1; h < n; h <<= 1)
            for (int i = 0; i < n; i += 2 * h)
                for (int j = i; j < i + h; j++)
                {
                    double a = x[j], b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
        double norm = 1 / Math.Sqrt(n);
        for (int i = 0; i < n; i++) x[i] *= norm;
    }

    private void Check(Span<double> x)
    {
        if (x.Length != Length) throw new ArgumentException($"x has length {x.Length}; the rotation has length {Length}", nameof(x));
    }
}
