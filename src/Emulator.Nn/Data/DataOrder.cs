using Emulator.Formats;

namespace Emulator.Nn.Data;

/// <summary>
/// The order of a data set in an epoch: a Fisher–Yates shuffle whose random words come from Philox4x32-10 keyed by
/// (seed, stream "SHUF", word index epoch·2³² + k), so the permutation depends only on (n, seed, epoch) — never on
/// threads, batch size or what ran before. Bounded draws use Lemire's multiply-and-reject method (unbiased).
/// </summary>
public static class DataOrder
{
    /// <summary>The Philox stream of data shuffling ("SHUF").</summary>
    public const uint ShuffleStream = 0x53485546;

    /// <summary>Writes the permutation of 0..n-1 for (seed, epoch) into <paramref name="destination"/> (length n).</summary>
    /// <exception cref="ArgumentOutOfRangeException">epoch is negative.</exception>
    public static void Permutation(Span<int> destination, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        for (int i = 0; i < destination.Length; i++) destination[i] = i;
        var random = new PhiloxWords(seed, ShuffleStream, (ulong)epoch << 32);
        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = (int)random.Below((uint)i + 1);
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }

    /// <summary>The permutation of 0..n-1 for (seed, epoch) as a new array.</summary>
    public static int[] Permutation(int n, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        Permutation(p, seed, epoch);
        return p;
    }
}

/// <summary>Consecutive Philox4x32-10 words of (seed, stream) from a starting word index, four per block.</summary>
internal struct PhiloxWords(ulong seed, uint stream, ulong firstWord)
{
    private ulong _next = firstWord;
    private uint _w0, _w1, _w2, _w3;
    private ulong _block = ulong.MaxValue;

    /// <summary>The next word (the same value as <c>Philox4x32.Word(seed, stream, index)</c> for its index).</summary>
    public uint Next()
    {
        ulong q = _next >> 2;
        if (q != _block)
        {
            (_w0, _w1, _w2, _w3) = Philox4x32.Block((uint)q, (uint)(q >> 32), stream, 0, (uint)seed, (uint)(seed >> 32));
            _block = q;
        }
        uint w = (_next & 3) switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        _next++;
        return w;
    }

    /// <summary>A uniform integer in [0, range) (Lemire 2019: multiply, reject the short low part; unbiased).</summary>
    public uint Below(uint range)
    {
        ulong m = (ulong)Next() * range;
        uint low = (uint)m;
        if (low < range)
        {
            uint threshold = (0u - range) % range;
            while (low < threshold)
            {
                m = (ulong)Next() * range;
                low = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }
}
