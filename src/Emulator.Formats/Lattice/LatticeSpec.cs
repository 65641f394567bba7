namespace Emulator.Formats;

/// <summary>The <c>lattice</c> kind of format spec (formats-spec/README.md): vector codecs.</summary>
internal static class LatticeSpec
{
    private static readonly string[] Lattices = ["zn", "dn", "e8", "e8p", "leech"];

    public static NumberFormat Parse(SpecObject s, FormatInfo info)
    {
        string lattice = s.Choice("lattice", Lattices, required: true)!;
        double scale = s.Number("scale", 1e-30, 1e30) ?? 1.0;
        switch (lattice)
        {
            case "zn":
            case "dn":
            {
                int n = s.Int("dimension", lattice == "dn" ? 2 : 1, 64, required: true)!.Value;
                int r = s.Int("maxCoordinate", 1, 1 << 20, required: true)!.Value;
                return new RootLatticeCodec(info, lattice == "zn" ? RootLattice.Integer : RootLattice.Checkerboard, n, r, scale);
            }
            case "e8":
            {
                int n = s.Int("dimension", 8, 8) ?? 8;
                int r = s.Int("maxCoordinate", 1, 1 << 20, required: true)!.Value;
                return new RootLatticeCodec(info, RootLattice.Gosset, n, r, scale);
            }
            case "e8p":
                _ = s.Int("dimension", 8, 8);
                return new E8PCodec(info, scale);
            default:
            {
                _ = s.Int("dimension", 24, 24);
                double[] shells = s.Numbers("shells", 1, 25, required: true)!;
                var norms = new int[shells.Length];
                for (int i = 0; i < shells.Length; i++)
                {
                    if (shells[i] != Math.Floor(shells[i]) || shells[i] < 0 || shells[i] > 48 || shells[i] % 2 != 0 || shells[i] == 2)
                        throw s.Error("shells", $"shells[{i}] = {shells[i]}; a shell is a standard norm 0 or an even integer in 4..48");
                    norms[i] = (int)shells[i];
                }
                double[] gains = s.Numbers("gains", 1, 4096) ?? [1.0];
                return new LeechCodec(info, norms, gains, scale);
            }
        }
    }
}
