namespace Emulator.Formats;

/// <summary>
/// Enumerative indexing of the Leech lattice points in a union of shells, with no stored codebook. Shells are given by
/// their standard norms (0, 4, 6, 8, ...); points are in the integer scaling √8·Λ24 (norm 8 times the standard one).
/// Order: shells by ascending norm; within a shell, cosets m·1 + 2c + 4z in the order (m, Golay codeword index); within a
/// coset, vectors in lexicographic order of their coordinates (coordinate 0 first, smaller values first). Counts come from
/// a table of the number of ways to fill k0 coordinates off the codeword and k1 on it with a given norm and Σ z parity, so
/// ranking and unranking cost O(24 · values per coordinate).
/// </summary>
public sealed class LeechShellIndex
{
    private readonly int[] _shells;          // standard norms, ascending
    private readonly ulong[] _shellStart;    // first index of each shell; last entry = total
    private readonly ulong[][] _cosetStart;  // per shell: first index of each of the 8192 cosets, then the shell size
    private readonly ulong[] _table;         // count[m][k0][k1][norm][parity]
    private readonly int _maxNorm8;
    private readonly int[][] _values;        // per residue s = 0..3: the values s + 4z with x² <= maxNorm8, ascending

    /// <summary>Builds the index for a set of shells (standard norms: 0 or even numbers >= 4, at most 48).</summary>
    public LeechShellIndex(IEnumerable<int> shells)
    {
        ArgumentNullException.ThrowIfNull(shells);
        _shells = shells.Distinct().Order().ToArray();
        if (_shells.Length == 0) throw new ArgumentException("at least one shell is needed", nameof(shells));
        foreach (int n in _shells)
            if (n < 0 || n > 48 || n % 2 != 0 || n == 2)
                throw new ArgumentOutOfRangeException(nameof(shells), n, "a Leech shell norm must be 0 or an even number in 4..48 (standard scaling)");
        _maxNorm8 = 8 * _shells[^1];
        _values = new int[4][];
        int limit = (int)Math.Floor(Math.Sqrt(_maxNorm8));
        for (int s = 0; s < 4; s++)
        {
            var list = new List<int>();
            for (int v = -limit; v <= limit; v++) if (((v - s) & 3) == 0) list.Add(v);
            _values[s] = list.ToArray();
        }
        _table = BuildTable();
        _shellStart = new ulong[_shells.Length + 1];
        _cosetStart = new ulong[_shells.Length][];
        ReadOnlySpan<uint> words = GolayCode.Codewords;
        for (int j = 0; j < _shells.Length; j++)
        {
            var starts = new ulong[2 * GolayCode.Count + 1];
            ulong acc = 0;
            for (int q = 0; q < 2 * GolayCode.Count; q++)
            {
                starts[q] = acc;
                int m = q / GolayCode.Count;
                int w = LeechLattice.Weight(words[q % GolayCode.Count]);
                acc = checked(acc + CountOf(m, 24 - w, w, 8 * _shells[j], m));
            }
            starts[^1] = acc;
            _cosetStart[j] = starts;
            _shellStart[j + 1] = checked(_shellStart[j] + acc);
        }
    }

    /// <summary>The shells (standard norms), ascending.</summary>
    public IReadOnlyList<int> Shells => _shells;

    /// <summary>Total number of points in the union.</summary>
    public ulong Count() => _shellStart[^1];

    /// <summary>Number of points of one shell (standard norm), which must be in the set.</summary>
    public ulong ShellSize(int norm)
    {
        int j = Array.IndexOf(_shells, norm);
        if (j < 0) throw new ArgumentOutOfRangeException(nameof(norm), norm, $"norm is not one of the shells {string.Join(", ", _shells)}");
        return _shellStart[j + 1] - _shellStart[j];
    }

    /// <summary>Whether an integer-scaled lattice point lies in one of the shells.</summary>
    public bool Contains(ReadOnlySpan<long> y)
    {
        long n8 = LeechLattice.Norm(y);
        return n8 % 8 == 0 && Array.IndexOf(_shells, (int)Math.Min(n8 / 8, int.MaxValue)) >= 0 && LeechLattice.IsMember(y);
    }

    private int Slot(int m, int k0, int k1, int norm, int parity) =>
        ((((m * 25 + k0) * 25 + k1) * (_maxNorm8 + 1)) + norm) * 2 + parity;

    private ulong CountOf(int m, int k0, int k1, int norm, int parity) =>
        norm < 0 || norm > _maxNorm8 ? 0 : _table[Slot(m, k0, k1, norm, parity)];

    private ulong[] BuildTable()
    {
        var t = new ulong[2 * 25 * 25 * (_maxNorm8 + 1) * 2];
        for (int m = 0; m < 2; m++)
            for (int total = 0; total <= 24; total++)
                for (int k1 = 0; k1 <= total; k1++)
                {
                    int k0 = total - k1;
                    for (int norm = 0; norm <= _maxNorm8; norm++)
                        for (int par = 0; par < 2; par++)
                        {
                            ulong c;
                            if (total == 0) c = norm == 0 && par == 0 ? 1UL : 0UL;
                            else
                            {
                                // Remove one coordinate: off the codeword if any remain, else on it.
                                int b = k0 > 0 ? 0 : 1;
                                int s = m + 2 * b;
                                c = 0;
                                foreach (int v in _values[s])
                                {
                                    int rest = norm - v * v;
                                    if (rest < 0) continue;
                                    int zp = ((v - s) / 4) & 1;
                                    c = checked(c + t[Slot(m, k0 - (1 - b), k1 - b, rest, par ^ zp)]);
                                }
                            }
                            t[Slot(m, k0, k1, norm, par)] = c;
                        }
                }
        return t;
    }

    /// <summary>The index of a point of the union (integer scaling); throws if it is not one.</summary>
    public ulong Rank(ReadOnlySpan<long> y)
    {
        if (y.Length != 24) throw new ArgumentException($"y has length {y.Length}; it must be 24", nameof(y));
        (int m, int c) = LeechLattice.CosetOf(y);
        if (m < 0) throw new ArgumentException("y is not a point of the Leech lattice (integer scaling)", nameof(y));
        long n8 = LeechLattice.Norm(y);
        int j = n8 % 8 == 0 && n8 / 8 <= 48 ? Array.IndexOf(_shells, (int)(n8 / 8)) : -1;
        if (j < 0) throw new ArgumentException($"y has standard norm {n8 / 8.0}; it is not one of the shells {string.Join(", ", _shells)}", nameof(y));
        uint word = GolayCode.Codewords[c];
        int k1 = LeechLattice.Weight(word), k0 = 24 - k1;
        int normLeft = (int)n8, parLeft = m;
        ulong rank = 0;
        for (int i = 0; i < 24; i++)
        {
            int b = (int)(word >> i & 1);
            int s = m + 2 * b;
            if (b == 0) k0--; else k1--;
            foreach (int v in _values[s])
            {
                int zp = ((v - s) / 4) & 1;
                if (v == y[i]) { normLeft -= v * v; parLeft ^= zp; break; }
                rank += CountOf(m, k0, k1, normLeft - v * v, parLeft ^ zp);
            }
        }
        return _shellStart[j] + _cosetStart[j][m * GolayCode.Count + c] + rank;
    }

    /// <summary>The point of an index below <see cref="Count"/> (integer scaling).</summary>
    public void Unrank(ulong index, Span<long> y)
    {
        if (index >= Count()) throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be below {Count()}");
        if (y.Length != 24) throw new ArgumentException($"y has length {y.Length}; it must be 24", nameof(y));
        int j = 0;
        while (_shellStart[j + 1] <= index) j++;
        ulong rest = index - _shellStart[j];
        ulong[] starts = _cosetStart[j];
        int lo = 0, hi = 2 * GolayCode.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (starts[mid] <= rest) lo = mid; else hi = mid - 1;
        }
        rest -= starts[lo];
        int m = lo / GolayCode.Count;
        uint word = GolayCode.Codewords[lo % GolayCode.Count];
        int k1 = LeechLattice.Weight(word), k0 = 24 - k1;
        int normLeft = 8 * _shells[j], parLeft = m;
        for (int i = 0; i < 24; i++)
        {
            int b = (int)(word >> i & 1);
            int s = m + 2 * b;
            if (b == 0) k0--; else k1--;
            foreach (int v in _values[s])
            {
                int zp = ((v - s) / 4) & 1;
                ulong c = CountOf(m, k0, k1, normLeft - v * v, parLeft ^ zp);
                if (rest < c) { y[i] = v; normLeft -= v * v; parLeft ^= zp; break; }
                rest -= c;
            }
        }
    }
}
