using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emulator.Formats;

namespace Emulator.Kernels.Gemm;

/// <summary>
/// A fast form of <see cref="LowPrecisionAdder"/> for nearest-even accumulators that are subsets of float32 with at least
/// two bits less precision (binary16, bfloat16, ...), when both addends are float32 (acc + a*b by one fma, or acc + a
/// float32 chunk sum). s = RN_float32(exact) can differ from the exact value only below float32's grid, and the format's
/// midpoints are float32 values, so RN_format(s) = RN_format(exact) unless s is exactly a midpoint. Lanes at a midpoint,
/// in the format's subnormal range, non-finite or overflowing go to the exact adder; all others round s on its bits.
/// </summary>
internal sealed class Float32LaneRounding
{
    private readonly uint _d, _half, _lowMask, _maxBits, _minNormalBits;
    private readonly LowPrecisionAdder _adder;

    private Float32LaneRounding(LowPrecisionAdder adder)
    {
        var f = adder.Format;
        _adder = adder;
        _d = (uint)(23 - f.MantissaBits);
        _half = 1u << (int)(_d - 1);
        _lowMask = (1u << (int)_d) - 1;
        _maxBits = BitConverter.SingleToUInt32Bits((float)f.MaxFinite);
        _minNormalBits = BitConverter.SingleToUInt32Bits((float)f.MinNormal);
    }

    /// <summary>The fast form, or null when the adder's format or rounding does not qualify.</summary>
    public static Float32LaneRounding? TryCreate(LowPrecisionAdder adder)
    {
        var f = adder.Format;
        bool ok = adder.Rounding.Mode == RoundingMode.NearestEven && f.Signed && f.Subnormals && f.HasNegativeZero
            && f.MantissaBits <= 21 && f.MinExponent >= -126 && f.MaxFinite <= float.MaxValue
            && f.MinSubnormal >= Math.ScaleB(1.0, -149) && (double)(float)f.MaxFinite == f.MaxFinite;
        return ok ? new Float32LaneRounding(adder) : null;
    }

    /// <summary>round(acc + a * b) for 16 lanes; a is the same for all lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> MultiplyAdd(Vector512<float> acc, float a, Vector512<float> b)
    {
        Vector512<float> s = Vector512.FusedMultiplyAdd(Vector512.Create(a), b, acc);
        Vector512<float> r = Round(s, new Constants(this), out Vector512<uint> special);
        if (special != Vector512<uint>.Zero) r = Exact(r, special, acc, a, b);
        return r;
    }

    /// <summary>round(acc + x) for 16 lanes of float32 addends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Add(Vector512<float> acc, Vector512<float> x)
    {
        Vector512<float> s = acc + x;
        Vector512<float> r = Round(s, new Constants(this), out Vector512<uint> special);
        if (special != Vector512<uint>.Zero) r = Exact(r, special, acc, 1f, x);
        return r;
    }

    /// <summary>The constants of <see cref="Round(Vector512{float}, in Constants, out Vector512{uint})"/>, held in registers by hot loops.</summary>
    public readonly struct Constants(Float32LaneRounding f)
    {
        public readonly Vector512<uint> LowMask = Vector512.Create(f._lowMask), Half = Vector512.Create(f._half),
            HalfMinusOne = Vector512.Create(f._half - 1), Max = Vector512.Create(f._maxBits), MinNormalMinusOne = Vector512.Create(f._minNormalBits - 1);
        public readonly int Shift = (int)f._d;
    }

    /// <summary>The constants for hot loops.</summary>
    public Constants LaneConstants => new(this);

    /// <summary>Fast rounding of s with the constants in registers; lanes in <paramref name="special"/> need the exact adder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> s, in Constants c, out Vector512<uint> special)
    {
        Vector512<uint> bits = s.AsUInt32();
        Vector512<uint> mag = bits & Vector512.Create(0x7FFF_FFFFu);
        Vector512<uint> odd = Vector512.ShiftRightLogical(mag, c.Shift) & Vector512<uint>.One;
        Vector512<uint> r = Vector512.AndNot(mag + c.HalfMinusOne + odd, c.LowMask);
        special = Vector512.Equals(mag & c.LowMask, c.Half) | Vector512.GreaterThan(r, c.Max)
            | Vector512.LessThan(mag - Vector512<uint>.One, c.MinNormalMinusOne);
        return (r | (bits & Vector512.Create(0x8000_0000u))).AsSingle();
    }

    private Vector512<float> Exact(Vector512<float> r, Vector512<uint> special, Vector512<float> acc, float a, Vector512<float> b)
    {
        Span<float> lanes = stackalloc float[16];
        r.CopyTo(lanes);
        ulong mask = special.ExtractMostSignificantBits();
        for (int l = 0; l < 16; l++)
            if (((mask >> l) & 1) != 0) lanes[l] = (float)_adder.Add(acc[l], (double)a * b[l], 0u);
        return Vector512.Create<float>(lanes);
    }
}
