using Emulator.Formats;
using Emulator.Kernels.Randomness;

namespace Emulator.Kernels.Tests;

public class PhiloxBatchTests
{
    [Theory]
    [InlineData(0L, 300)]
    [InlineData(1L, 257)]
    [InlineData(3L, 70)]
    [InlineData(1000003L, 500)]
    [InlineData((1L << 34) - 130, 400)] // the counter's low word wraps inside the run
    [InlineData(long.MaxValue - 300, 300)]
    public void Fill_equals_the_scalar_generator(long first, int count)
    {
        foreach (ulong seed in new[] { 0UL, 0xFFFF_FFFF_FFFF_FFFFUL, 0x299F_31D0_A409_3822UL })
        foreach (uint stream in new[] { 0u, 5u, uint.MaxValue })
        {
            var words = new uint[count];
            PhiloxBatch.Fill(seed, stream, first, words);
            for (int k = 0; k < count; k++)
                Assert.Equal(Philox4x32.Word(seed, stream, first + k), words[k]);
        }
    }

    [Fact]
    public void Negative_index_is_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PhiloxBatch.Fill(0, 0, -1, new uint[4]));
        Assert.Contains("firstIndex", e.Message);
    }
}
