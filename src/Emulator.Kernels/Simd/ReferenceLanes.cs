using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Emulator.Formats;

namespace Emulator.Kernels.Simd;

/// <summary>The rare lanes of a register recomputed with the scalar reference (its Encode with the lane's random word; the
/// value is the reference Quantize: Decode of the code, NaN for NaN inputs of formats without NaN).</summary>
internal static class ReferenceLanes
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TV Fix<TV>(TV x, TV random, TV result, TV rare, ScalarFormat format, in RoundingOptions options, bool codes) where TV : struct, ILanes<TV>
    {
        Span<uint> buf = stackalloc uint[4 * 16];
        ref uint b = ref MemoryMarshal.GetReference(buf);
        int n = TV.Count;
        TV.Store(x, ref b, 0);
        TV.Store(random, ref b, (nuint)n);
        TV.Store(result, ref b, (nuint)(2 * n));
        TV.Store(rare, ref b, (nuint)(3 * n));
        for (int i = 0; i < n; i++)
        {
            if (buf[3 * n + i] == 0) continue;
            float v = BitConverter.UInt32BitsToSingle(buf[i]);
            uint code = format.Encode(v, options, buf[n + i]);
            buf[2 * n + i] = codes ? code
                : BitConverter.SingleToUInt32Bits(float.IsNaN(v) && !format.HasNaN ? (float)double.NaN : (float)format.Decode(code));
        }
        return TV.Load(ref b, (nuint)(2 * n));
    }

    /// <summary>Rare lanes of a decode: (float)format.Decode(code).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TV FixDecode<TV>(TV code, TV result, TV rare, ScalarFormat format) where TV : struct, ILanes<TV>
    {
        Span<uint> buf = stackalloc uint[3 * 16];
        ref uint b = ref MemoryMarshal.GetReference(buf);
        int n = TV.Count;
        TV.Store(code, ref b, 0);
        TV.Store(result, ref b, (nuint)n);
        TV.Store(rare, ref b, (nuint)(2 * n));
        for (int i = 0; i < n; i++)
            if (buf[2 * n + i] != 0) buf[n + i] = BitConverter.SingleToUInt32Bits((float)format.Decode(buf[i]));
        return TV.Load(ref b, (nuint)n);
    }
}
