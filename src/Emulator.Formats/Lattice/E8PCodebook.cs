namespace Emulator.Formats;

/// <summary>
/// The QuIP# E8P codebook ("E8 padded 12", 2^16 codewords in 8 dimensions, every codeword in E8 + ¼), built from its rule:
/// <list type="bullet">
/// <item>256 vectors of absolute values: the 227 distinct |v| of v in D8 + ½ with ‖v‖² &lt;= 10, in lexicographic order,
/// then the 29 patterns of five 3/2 and three ½ that QuIP# lists (<see cref="Norm12HalfPositions"/>);
/// coordinate 7 is negated when the coordinates sum to an odd integer, so that every base vector lies in D8 + ½.</item>
/// <item>index = abs·256 + s: if popcount(s) is odd, bit 0 of s is flipped and the shift is -¼, else +¼; bit
/// 4·(k mod 2) + k/2 of the (adjusted) s negates coordinate k; the codeword is the signed base vector plus the shift.</item>
/// </list>
/// Codewords are held as integers u = 4c (odd, |u| &lt;= 11).
/// </summary>
public static class E8PCodebook
{
    /// <summary>Number of codewords.</summary>
    public const int Size = 65536;

    /// <summary>
    /// The positions of the three ½ entries of QuIP#'s 29 extra absolute vectors (the other five entries are 3/2), in
    /// QuIP#'s order, as bit masks (bit k = coordinate k). This short list is data of the format, not derivable by a rule.
    /// </summary>
    public static ReadOnlySpan<byte> Norm12HalfPositions =>
    [
        0b00001110, 0b00001101, 0b00001011, 0b00000111, 0b11001000, 0b10101000, 0b10011000, 0b01101000,
        0b01011000, 0b00111000, 0b11000100, 0b10100100, 0b10010100, 0b01100100, 0b01010100, 0b00110100,
        0b11000010, 0b10100010, 0b10010010, 0b01100010, 0b01010010, 0b00110001, 0b11000001, 0b10100001,
        0b10010001, 0b01100001, 0b01010001, 0b00010011, 0b10001100,
    ];

    private static readonly Lazy<sbyte[]> AbsGrid = new(BuildAbsGrid);
    private static readonly Lazy<sbyte[]> Grid = new(BuildGrid);

    /// <summary>The 256 base vectors (4·value, coordinate 7 possibly negative), 8 per row.</summary>
    public static ReadOnlySpan<sbyte> BaseVectors => AbsGrid.Value;

    /// <summary>All 65,536 codewords as 4·c, 8 per index, in index order.</summary>
    public static ReadOnlySpan<sbyte> Codewords => Grid.Value;

    /// <summary>The bit of the sign byte that negates coordinate k.</summary>
    public static int SignBit(int k) => 4 * (k & 1) + (k >> 1);

    /// <summary>Writes the codeword of an index as u = 4c.</summary>
    public static void Decode(int index, Span<int> u)
    {
        if ((uint)index >= Size) throw new ArgumentOutOfRangeException(nameof(index), index, "an E8P index is in 0..65535");
        ReadOnlySpan<sbyte> b = BaseVectors.Slice((index >> 8) * 8, 8);
        int s = index & 255;
        bool odd = (System.Numerics.BitOperations.PopCount((uint)s) & 1) != 0;
        if (odd) s ^= 1;
        int shift = odd ? -1 : 1;
        for (int k = 0; k < 8; k++) u[k] = ((s >> SignBit(k) & 1) != 0 ? -b[k] : b[k]) + shift;
    }

    private static sbyte[] BuildAbsGrid()
    {
        var rows = new List<sbyte[]>();
        // Lexicographic enumeration of {½, 3/2, 5/2}^8 (as 4a in {2, 6, 10}) with Σ a² <= 10, i.e. Σ (4a)² <= 160.
        var a = new sbyte[8];
        void Fill(int k, int norm)
        {
            if (k == 8) { rows.Add((sbyte[])a.Clone()); return; }
            foreach (sbyte v in (ReadOnlySpan<sbyte>)[2, 6, 10])
            {
                if (norm + v * v + 4 * (7 - k) > 160) break;
                a[k] = v;
                Fill(k + 1, norm + v * v);
            }
        }
        Fill(0, 0);
        if (rows.Count != 227) throw new InvalidOperationException($"E8P: found {rows.Count} absolute vectors, expected 227");
        foreach (byte halves in Norm12HalfPositions)
        {
            var row = new sbyte[8];
            for (int k = 0; k < 8; k++) row[k] = (sbyte)((halves >> k & 1) != 0 ? 2 : 6);
            rows.Add(row);
        }
        var grid = new sbyte[256 * 8];
        for (int r = 0; r < 256; r++)
        {
            int sum = 0;
            for (int k = 0; k < 8; k++) sum += rows[r][k];
            // Σ 4a ≡ 4 (mod 8) means Σ a is odd.
            if (sum % 8 != 0) rows[r][7] = (sbyte)-rows[r][7];
            rows[r].CopyTo(grid, r * 8);
        }
        return grid;
    }

    private static sbyte[] BuildGrid()
    {
        var grid = new sbyte[Size * 8];
        Span<int> u = stackalloc int[8];
        for (int i = 0; i < Size; i++)
        {
            Decode(i, u);
            for (int k = 0; k < 8; k++) grid[i * 8 + k] = (sbyte)u[k];
        }
        return grid;
    }
}
