namespace Emulator.Formats.Tests.Blocks;

/// <summary>Dense code packing: layout and round trips of every code of every width.</summary>
public sealed class CodePackingTests
{
    [Fact]
    public void FourBitCodesShareAByteLowNibbleFirst()
    {
        var packed = new byte[CodePacking.PackedLength(3, 4)];
        CodePacking.Pack([0x1, 0x2, 0xF], 4, packed);
        Assert.Equal([0x21, 0x0F], packed);
    }

    [Fact]
    public void FourSixBitCodesFillThreeBytes()
    {
        var packed = new byte[CodePacking.PackedLength(4, 6)];
        Assert.Equal(3, packed.Length);
        CodePacking.Pack([0x3F, 0x00, 0x15, 0x2A], 6, packed);
        // bit stream, low bits first: 111111 000000 101010 010101
        Assert.Equal([0x3F, 0x50, 0xA9], packed);
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    [InlineData(9)] [InlineData(10)] [InlineData(11)] [InlineData(12)] [InlineData(13)] [InlineData(14)] [InlineData(15)] [InlineData(16)]
    public void EveryCodeRoundTrips(int bits)
    {
        // every code of the width, at every bit alignment (a leading run of 0..7 codes shifts the start)
        uint count = 1u << bits;
        for (int lead = 0; lead < 8; lead++)
        {
            var codes = new uint[lead + count];
            for (uint c = 0; c < count; c++) codes[lead + c] = c;
            var packed = new byte[CodePacking.PackedLength(codes.Length, bits)];
            CodePacking.Pack(codes, bits, packed);
            var back = new uint[codes.Length];
            CodePacking.Unpack(packed, bits, back);
            Assert.Equal(codes, back);
        }
    }

    [Fact]
    public void OversizedCodesAndShortBuffersAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => CodePacking.Pack([1, 16], 4, new byte[1]));
        Assert.Equal("codes", e.ParamName);
        Assert.Contains("codes[1] = 16", e.Message);
        Assert.Throws<ArgumentException>(() => CodePacking.Pack([1, 2, 3], 4, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePacking.PackedLength(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePacking.PackedLength(1, 33));
    }
}
