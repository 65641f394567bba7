namespace Emulator.Kernels.Tests;

public class PackingTests
{
    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    public void Unpack_inverts_pack_and_the_bit_order_is_little_endian(int bits)
    {
        var rng = new System.Random(bits);
        foreach (int n in new[] { 0, 1, 2, 7, 15, 16, 17, 33, 100, 257 })
        {
            var codes = new byte[n];
            for (int i = 0; i < n; i++) codes[i] = (byte)rng.Next(0, 1 << bits);
            var packed = new byte[PackKernels.PackedLength(n, bits) + 2];
            PackKernels.Pack(codes, bits, packed);
            // Independent bit-by-bit statement of the layout.
            for (int i = 0; i < n; i++)
            for (int b = 0; b < bits; b++)
            {
                int pos = i * bits + b;
                Assert.Equal((codes[i] >> b) & 1, (packed[pos / 8] >> (pos % 8)) & 1);
            }
            for (int pos = n * bits; pos < PackKernels.PackedLength(n, bits) * 8; pos++) Assert.Equal(0, (packed[pos / 8] >> (pos % 8)) & 1);
            var back = new byte[n];
            PackKernels.Unpack(packed, bits, back);
            Assert.Equal(codes, back);
        }
    }

    [Fact]
    public void A_code_too_wide_is_rejected_with_its_index()
    {
        var codes = new byte[40];
        codes[21] = 16;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PackKernels.Pack(codes, 4, new byte[20]));
        Assert.Contains("codes[21] = 16", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PackKernels.PackedLength(3, 9));
        Assert.Throws<ArgumentException>(() => PackKernels.Pack(new byte[5], 4, new byte[2]));
    }
}

public class PackKernelsMatchTheReferenceTests
{
    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    public void TheBitStreamEqualsEmulatorFormatsCodePacking(int bits)
    {
        var rng = new Random(bits);
        foreach (int n in new[] { 0, 1, 15, 16, 17, 100, 1001 })
        {
            byte[] codes = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(1 << bits)).ToArray();
            var fast = new byte[PackKernels.PackedLength(n, bits)];
            var reference = new byte[Emulator.Formats.CodePacking.PackedLength(n, bits)];
            PackKernels.Pack(codes, bits, fast);
            Emulator.Formats.CodePacking.Pack(codes.Select(c => (uint)c).ToArray(), bits, reference);
            Assert.Equal(reference, fast);
        }
    }
}
