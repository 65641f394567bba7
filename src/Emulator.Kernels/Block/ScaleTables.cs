using Emulator.Formats;
using Emulator.Kernels.Float;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

/// <summary>
/// A block format's scale computations for the block kernel, each equal to <see cref="BlockFormat"/>'s: the power-of-two
/// exponent of a finite amax (the floor rule from the float32 exponent bits, other rules through
/// <see cref="BlockFormat.SharedExponent"/>), its scale code and its float32 factors 2^-k and 2^k (tables over the exponent
/// range, with whether both are float32 values), and for arbitrary scales the round-to-nearest-even saturating scale codes of a batch (the vector float kernel when
/// the scale format has one) and their values (a table for scale formats of at most 16 bits).
/// </summary>
internal sealed class ScaleTables
{
    private readonly BlockFormat _format;
    private readonly RoundingOptions _rounding;
    private readonly int _minK, _maxK, _emax;
    private readonly bool _floor;
    private readonly uint[] _codes = [];
    private readonly float[] _factors = [], _multipliers = [];
    private readonly bool[] _exact = [];
    private readonly double[] _values = [];
    private readonly FloatPlan _plan;
    private readonly bool _vectorEncode, _binary32;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<BlockFormat, ScaleTables> Cache = new();

    /// <summary>The tables of <paramref name="format"/> (built once per format; they are read-only).</summary>
    public static ScaleTables For(BlockFormat format) =>
        Cache.GetValue(format, f => new ScaleTables(f, new RoundingOptions(RoundingMode.NearestEven, OverflowPolicy.Saturate)));

    private ScaleTables(BlockFormat format, RoundingOptions scaleRounding)
    {
        _format = format;
        _rounding = scaleRounding;
        ScalarFormat scale = format.Scale;
        NaNCode = scale.HasNaN ? scale.Encode(double.NaN, default, 0u) : 0u;
        if (format.Rule.IsPowerOfTwo())
        {
            (_minK, _maxK) = format.ScaleExponentRange;
            _emax = format.ElementMaxExponent;
            _floor = format.Rule == ScaleRule.Floor;
            int count = _maxK - _minK + 1;
            _codes = new uint[count];
            _factors = new float[count];
            _multipliers = new float[count];
            _exact = new bool[count];
            for (int k = _minK; k <= _maxK; k++)
            {
                _codes[k - _minK] = format.ScaleIsExponent ? ((IntegerFormat)scale).CodeOf(k) : scale.Encode(Math.ScaleB(1.0, k), default, 0u);
                _factors[k - _minK] = MathF.ScaleB(1f, -k);
                _multipliers[k - _minK] = MathF.ScaleB(1f, k);
                // 2^-k and 2^k both float32 values (normal or subnormal): the float32 scaling matches the reference's double one.
                _exact[k - _minK] = k >= -127 && k <= 127;
            }
        }
        else
        {
            if (scale.Bits <= 16)
            {
                _values = new double[1 << scale.Bits];
                for (uint c = 0; c < _values.Length; c++) _values[c] = scale.Decode(c);
            }
            // IEEE binary32 (blockwise NF4's float32 absmax): a code is the float32 pattern of its value.
            _binary32 = scale is FloatFormat { Bits: 32, Signed: true, ExponentBits: 8, MantissaBits: 23, Bias: 127, Subnormals: true,
                Specials: SpecialCodes.Ieee, ExponentZeroIsNormal: false };
            if (scale is FloatFormat f && FloatPlan.Supports(f))
            {
                _plan = new FloatPlan(f, scaleRounding);
                _vectorEncode = true;
            }
        }
    }

    /// <summary>The scale code of a block with NaN (or ±Inf under a power-of-two rule).</summary>
    public uint NaNCode { get; }

    /// <summary>The clamped exponent k of a finite, non-negative amax.</summary>
    public int Exponent(float amax)
    {
        if (!_floor) return _format.SharedExponent(amax);
        if (amax == 0f) return _minK;
        uint bits = BitConverter.SingleToUInt32Bits(amax);
        int e = (int)(bits >> 23);
        int log2 = e != 0 ? e - 127 : 31 - System.Numerics.BitOperations.LeadingZeroCount(bits) - 149;
        return Math.Clamp(log2 - _emax, _minK, _maxK);
    }

    /// <summary>Whether 2^-k and 2^k are both float32 values (otherwise blocks with a nonzero amax run the reference).</summary>
    public bool IsExact(int k) => _exact[k - _minK];

    /// <summary>The scale code of 2^k (for exponent scales, the integer k).</summary>
    public uint ExponentCode(int k) => _codes[k - _minK];

    /// <summary>2^-k in float32.</summary>
    public float Factor(int k) => _factors[k - _minK];

    /// <summary>2^k in float32.</summary>
    public float Multiplier(int k) => _multipliers[k - _minK];

    /// <summary>The scale codes of <paramref name="d"/> (round to nearest even, saturating).</summary>
    public void EncodeScales(ReadOnlySpan<float> d, Span<uint> codes, int lanes)
    {
        if (_vectorEncode)
        {
            var src = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(d);
            RuleDispatch.Run<FloatEncodeOp, FloatPlan, uint, Io32, uint, Io32>(src, codes, _plan, _rounding,
                new KernelOptions { MaxLanes = lanes });
        }
        else
            for (int j = 0; j < d.Length; j++) codes[j] = _format.Scale.Encode(d[j], _rounding, 0u);
    }

    /// <summary>The value of a scale code (NaN for the NaN code).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double Decode(uint code) =>
        code < (uint)_values.Length ? _values[code] : _binary32 ? BitConverter.UInt32BitsToSingle(code) : _format.Scale.Decode(code);
}
