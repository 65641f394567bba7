using Emulator.Formats;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.HiFloat;

/// <summary>
/// Constants of the float32 -> HiFloat8 kernel: the code of 2^E and the mantissa shift of binade E (E = -22..15, one
/// 64-entry <see cref="LaneTable"/>, entry = code | shift &lt;&lt; 8, built from the reference), and the special codes and
/// values (overflow per sign under the options' mode and policy, ±Inf, NaN) taken from the reference itself.
/// </summary>
internal readonly struct HiFloat8Plan
{
    private static readonly LaneTable Binades = BuildBinades();

    public readonly int StochasticShift;
    public readonly LaneTable BinadeCodes;
    public readonly uint OverflowPosCode, OverflowNegCode, InfPosCode, InfNegCode, NaNCode;
    public readonly uint OverflowPosValue, OverflowNegValue, InfPosValue, InfNegValue, NaNValue;

    public HiFloat8Plan(HiFloat8Format f, in RoundingOptions options)
    {
        StochasticShift = 32 - options.StochasticBits;
        BinadeCodes = Binades;
        OverflowPosCode = f.Encode(65536.0, options, 0u);
        OverflowNegCode = f.Encode(-65536.0, options, 0u);
        InfPosCode = f.Encode(double.PositiveInfinity, options, 0u);
        InfNegCode = f.Encode(double.NegativeInfinity, options, 0u);
        NaNCode = f.Encode(double.NaN, options, 0u);
        OverflowPosValue = Value(f, OverflowPosCode);
        OverflowNegValue = Value(f, OverflowNegCode);
        InfPosValue = Value(f, InfPosCode);
        InfNegValue = Value(f, InfNegCode);
        NaNValue = Value(f, NaNCode);
    }

    /// <summary>Discarded float32 mantissa bits in binade E: 3 mantissa bits for |E| &lt;= 3, 2 up to 7, 1 up to 15, none for
    /// the denormal binades E &lt;= -16.</summary>
    private static int Shift(int e)
    {
        int ae = Math.Abs(e);
        return 20 + (ae >= 4 ? 1 : 0) + (ae >= 8 ? 1 : 0) + (ae >= 16 ? 1 : 0);
    }

    private static LaneTable BuildBinades()
    {
        var f = new HiFloat8Format(FormatInfo.Named("hifloat8"));
        var entries = new uint[38];
        for (int e = -22; e <= 15; e++)
            entries[e + 22] = f.Encode(Math.ScaleB(1.0, e), default, 0u) | (uint)Shift(e) << 8;
        return new LaneTable(entries, 0);
    }

    private static uint Value(HiFloat8Format f, uint code) => BitConverter.SingleToUInt32Bits((float)f.Decode(code));
}
