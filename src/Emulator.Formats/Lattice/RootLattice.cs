namespace Emulator.Formats;

/// <summary>The lattices of <see cref="RootLatticeCodec"/>.</summary>
public enum RootLattice
{
    /// <summary>Z^n, the integer lattice.</summary>
    Integer,

    /// <summary>D_n, integer vectors with an even coordinate sum (D4 is the densest 4-dimensional lattice).</summary>
    Checkerboard,

    /// <summary>E8 = D8 ∪ (D8 + ½), the Gosset lattice.</summary>
    Gosset,
}
