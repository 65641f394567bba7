using Emulator.Formats;

namespace Emulator.Nn.Modules;

/// <summary>Seeds of child modules derived from the parent's (each child initialises from its own seed, so two
/// <see cref="Linear"/> children of one layer never share their weights).</summary>
internal static class Seeds
{
    private const uint Stream = 0x5EED;

    /// <summary>The seed of child number <paramref name="index"/> (a Philox draw keyed by the parent seed).</summary>
    public static ulong Child(ulong seed, int index) =>
        ((ulong)Philox4x32.Word(seed, Stream, 2L * index) << 32) | Philox4x32.Word(seed, Stream, 2L * index + 1);
}
