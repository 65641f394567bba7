namespace Emulator.Formats.Tests.Randomness;

/// <summary>Philox4x32-10 known answers (FORMATS.md section 4, from the Random123 reference) and the element-index mapping.</summary>
public class PhiloxTests
{
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void BlockMatchesKnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        Assert.Equal((r0, r1, r2, r3), Philox4x32.Block(c0, c1, c2, c3, k0, k1));
    }

    [Theory]
    [InlineData(0UL, 0u)]
    [InlineData(0x0123456789abcdefUL, 7u)]
    [InlineData(ulong.MaxValue, uint.MaxValue)]
    public void WordIsWordIAnd3OfCounterIShiftedBy2AndStream(ulong seed, uint stream)
    {
        long[] indices = [0, 1, 2, 3, 4, 5, 6, 7, 1023, 1L << 32, (1L << 32) + 3, (1L << 34) + 2, (1L << 40) + 1, long.MaxValue];
        foreach (long i in indices)
        {
            ulong q = (ulong)i >> 2;
            var (a, b, c, d) = Philox4x32.Block((uint)q, (uint)(q >> 32), stream, 0, (uint)seed, (uint)(seed >> 32));
            uint expected = (i & 3) switch { 0 => a, 1 => b, 2 => c, _ => d };
            Assert.Equal(expected, Philox4x32.Word(seed, stream, i));
        }
    }

    [Fact]
    public void WordOfIndexZeroWithZeroKeyIsTheFirstKnownAnswerWord()
    {
        // counter (0,0,0,0), key (0,0): words 0..3 of the first known answer
        Assert.Equal(0x6627e8d5u, Philox4x32.Word(0, 0, 0));
        Assert.Equal(0xe169c58du, Philox4x32.Word(0, 0, 1));
        Assert.Equal(0xbc57ac4cu, Philox4x32.Word(0, 0, 2));
        Assert.Equal(0x9b00dbd8u, Philox4x32.Word(0, 0, 3));
    }

    [Fact]
    public void SeedStreamAndIndexEachChangeTheWord()
    {
        uint w = Philox4x32.Word(42, 1, 10);
        Assert.NotEqual(w, Philox4x32.Word(43, 1, 10));
        Assert.NotEqual(w, Philox4x32.Word(42UL | (1UL << 32), 1, 10));
        Assert.NotEqual(w, Philox4x32.Word(42, 2, 10));
        Assert.NotEqual(w, Philox4x32.Word(42, 1, 11));
        Assert.NotEqual(w, Philox4x32.Word(42, 1, 14));
    }

    [Fact]
    public void RoundingOptionsRandomWordIsPhiloxForStochasticModesAndZeroOtherwise()
    {
        var sr = new RoundingOptions(RoundingMode.Stochastic) { Seed = 0xfeedUL, Stream = 3 };
        var se = new RoundingOptions(RoundingMode.StochasticEqual) { Seed = 0xfeedUL, Stream = 3 };
        var rne = new RoundingOptions(RoundingMode.NearestEven) { Seed = 0xfeedUL, Stream = 3 };
        for (long i = 0; i < 9; i++)
        {
            Assert.Equal(Philox4x32.Word(0xfeedUL, 3, i), sr.RandomWord(i));
            Assert.Equal(Philox4x32.Word(0xfeedUL, 3, i), se.RandomWord(i));
            Assert.Equal(0u, rne.RandomWord(i));
        }
    }
}
