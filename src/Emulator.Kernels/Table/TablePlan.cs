using System.Numerics;
using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Table;

/// <summary>
/// The per-format lookup tables of the table-format kernel, built once per <see cref="TableFormat"/>. Inputs are compared
/// as order keys (float32 bits mapped so that unsigned order is numeric order, ±0 on one key), so every comparison with a
/// table value or a midpoint (doubles) is an exact integer compare against a precomputed float32 key. Index i is the
/// interval [v_i, v_i+1).
/// </summary>
internal sealed class TableData
{
    private static readonly ConditionalWeakTable<TableFormat, TableData> Cache = new();

    /// <summary>Key - 1 of the smallest float32 &gt;= v_i (entry i, i &gt;= 1): x &gt;= v_i iff key &gt; entry.</summary>
    public readonly LaneTable Thresholds;
    /// <summary>Key of v_i when it is a float32 (x == v_i), else a key no number has.</summary>
    public readonly LaneTable ExactKeys;
    /// <summary>Key - 1 of the smallest float32 above the midpoint of interval i: x &gt; mid iff key &gt; entry.</summary>
    public readonly LaneTable AboveMid;
    /// <summary>Key + 1 of the largest float32 below the midpoint: x &lt; mid iff entry &gt; key.</summary>
    public readonly LaneTable BelowMid;
    /// <summary>float32 bits of (float)v_c per code c (NaN for unused codes): quantize and decode read it.</summary>
    public readonly LaneTable Values;
    /// <summary>Stochastic rounding: float32 lo, hi, w = hi - lo and the bounds w ± eps of interval i.</summary>
    public readonly LaneTable Lo, Hi, Width, Upper, Lower;
    public readonly int Steps;
    /// <summary>Whether every value is a float32 (then (float)v is v).</summary>
    public readonly bool ValuesAreFloat32;
    /// <summary>Whether the tables have 16 entries (one register each: permutes).</summary>
    public readonly bool Is16;
    public readonly uint Last, KeyLow, NaNCode, NaNValue;

    private readonly TableFormat _format;
    private readonly LaneTable?[] _decisions = new LaneTable?[Enum.GetValues<RoundingMode>().Length];
    /// <summary>Per mode: 0 not yet known, 1 the decision thresholds apply, -1 they do not (see <see cref="Decisions"/>).</summary>
    private readonly sbyte[] _monotone = new sbyte[Enum.GetValues<RoundingMode>().Length];

    public static TableData For(TableFormat f) => Cache.GetValue(f, static t => new TableData(t));

    /// <summary>Largest table whose decision thresholds are searched at plan time (32 reference encodes per value).</summary>
    public const int MaxDecisionValues = 256;

    /// <summary>
    /// The decision thresholds of a deterministic mode, or null where the code is not a non-decreasing function of the
    /// input (stochastic modes; toward-zero when an interval straddles 0; nearest-toward-zero when a midpoint is 0: see
    /// <see cref="IsMonotone"/>) or the table is long. Entry i (i &gt;= 1) is key - 1 of the smallest float32 the reference encodes to i or above, with keys
    /// that keep -0 below +0, so code = #{i : key &gt; entry i}. Found by binary search over float32 keys with the
    /// reference Encode itself; built once per format and mode.
    /// </summary>
    public LaneTable? Decisions(RoundingMode mode)
    {
        if ((uint)mode >= (uint)_decisions.Length || new RoundingOptions(mode).IsStochastic) return null;
        ref LaneTable? slot = ref _decisions[(int)mode];
        if (slot is not null) return slot;
        ref sbyte monotone = ref _monotone[(int)mode];
        if (monotone == 0) monotone = IsMonotone(mode) ? (sbyte)1 : (sbyte)-1;
        if (monotone < 0) return null;
        IReadOnlyList<double> v = _format.Values;
        var options = new RoundingOptions(mode);
        var entries = new uint[v.Count];
        uint keyMin = OrderKey(float.NegativeInfinity), keyMax = OrderKey(float.PositiveInfinity);
        for (int i = 1; i < v.Count; i++)
        {
            // Smallest key in (lo, keyMax] with code >= i (the code of +Inf is the last one).
            uint lo = keyMin, hi = keyMax;
            while (lo < hi)
            {
                uint mid = lo + (hi - lo) / 2;
                if (_format.Encode(FromOrderKey(mid), options, 0u) >= i) hi = mid; else lo = mid + 1;
            }
            entries[i] = lo - 1;
        }
        var table = new LaneTable(entries, uint.MaxValue);
        Interlocked.CompareExchange(ref slot, table, null);
        return slot;
    }

    /// <summary>
    /// Whether a deterministic mode's code is a non-decreasing function of the input over a table short enough to search,
    /// asked of the reference's own decision (<see cref="RoundingDecision.RoundsUp"/>), so no mode is named here. Within
    /// an interval [v_i, v_i+1) the code can only fall where the candidate toward zero changes, at ±0 inside an interval
    /// with v_i &lt; 0 &lt; v_i+1: +0 rounds from i with nu = -v_i / w, -0 from i + 1 with nu = v_i+1 / w (w = v_i+1 - v_i);
    /// elsewhere a larger nu never rounds up less. Toward zero fails on every such interval, nearest-toward-zero where
    /// the midpoint is 0.
    /// </summary>
    private bool IsMonotone(RoundingMode mode)
    {
        IReadOnlyList<double> v = _format.Values;
        if (v.Count > MaxDecisionValues) return false;
        var options = new RoundingOptions(mode);
        for (int i = 0; i + 1 < v.Count; i++)
        {
            if (!(v[i] < 0 && v[i + 1] > 0)) continue;
            int compare = (-v[i]).CompareTo(v[i + 1]); // nu of +0 against 1/2; -0 has the opposite relation
            bool plusUp = RoundingDecision.RoundsUp(options, negative: false, lowerOdd: (i & 1) != 0, new Remainder(true, compare, 0), 0);
            bool minusUp = RoundingDecision.RoundsUp(options, negative: true, lowerOdd: (i & 1) == 0, new Remainder(true, -compare, 0), 0);
            if ((minusUp ? i : i + 1) > (plusUp ? i + 1 : i)) return false;
        }
        return true;
    }

    /// <summary>The order key with -0 below +0 (the decision thresholds tell them apart).</summary>
    public static uint OrderKey(float x)
    {
        uint b = Bits(x);
        return (b & 0x8000_0000) != 0 ? ~b : b | 0x8000_0000;
    }

    private static float FromOrderKey(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x8000_0000) != 0 ? key & 0x7FFF_FFFF : ~key);

    private TableData(TableFormat f)
    {
        _format = f;
        IReadOnlyList<double> v = f.Values;
        int count = v.Count;
        var thresholds = new uint[count];
        var exact = new uint[count];
        var above = new uint[count];
        var below = new uint[count];
        var lo = new uint[count];
        var hi = new uint[count];
        var width = new uint[count];
        var upper = new uint[count];
        var lower = new uint[count];
        var values = new uint[count];
        for (int i = 0; i < count; i++)
        {
            thresholds[i] = Key(CeilF(v[i])) - 1;
            exact[i] = (double)(float)v[i] == v[i] ? Key((float)v[i]) : uint.MaxValue;
            values[i] = Bits((float)v[i]);
            if (i == count - 1) { above[i] = uint.MaxValue; below[i] = 0; upper[i] = Bits(float.NaN); lower[i] = Bits(float.NaN); continue; }
            double a = v[i], b = v[i + 1];
            above[i] = Key(AboveMidpoint(a, b)) - 1;
            below[i] = Key(BelowMidpoint(a, b)) + 1;
            lo[i] = Bits((float)a);
            hi[i] = Bits((float)b);
            double w = b - a, eps = Math.ScaleB(Math.Max(Math.Abs(a), Math.Abs(b)), -18) + Math.ScaleB(1.0, -130);
            width[i] = Bits((float)w);
            bool usable = Math.Abs(a) <= float.MaxValue && Math.Abs(b) <= float.MaxValue && w <= float.MaxValue / 4;
            // Outside float32 (or nearly): NaN bounds leave every stochastic lane of the interval undecided (the reference).
            upper[i] = usable ? Bits(CeilF(w + eps)) : Bits(float.NaN);
            lower[i] = usable ? Bits(FloorF(w - eps)) : Bits(float.NaN);
        }
        Thresholds = new LaneTable(thresholds, uint.MaxValue);
        ExactKeys = new LaneTable(exact, uint.MaxValue);
        AboveMid = new LaneTable(above, uint.MaxValue);
        BelowMid = new LaneTable(below, 0);
        uint nanBits = Bits((float)double.NaN);
        Values = new LaneTable(values, nanBits);
        Lo = new LaneTable(lo, 0);
        Hi = new LaneTable(hi, 0);
        Width = new LaneTable(width, 0);
        Upper = new LaneTable(upper, Bits(float.NaN));
        Lower = new LaneTable(lower, Bits(float.NaN));
        Steps = BitOperations.Log2((uint)Thresholds.Length);
        ValuesAreFloat32 = v.All(value => (double)(float)value == value);
        Is16 = Thresholds.Length == 16;
        Last = (uint)(count - 1);
        KeyLow = Key(CeilF(v[0]));
        NaNCode = f.Encode(double.NaN, default, 0u);
        NaNValue = Bits(f.Quantize(float.NaN));
    }

    /// <summary>The order key of a float32 (not NaN): unsigned order of keys is numeric order; -0 and +0 share 2^31.</summary>
    public static uint Key(float x)
    {
        if (x == 0) return 0x8000_0000;
        uint b = Bits(x);
        return (b & 0x8000_0000) != 0 ? ~b : b | 0x8000_0000;
    }

    private static uint Bits(float x) => BitConverter.SingleToUInt32Bits(x);

    /// <summary>The smallest float32 &gt;= v.</summary>
    private static float CeilF(double v)
    {
        float f = (float)v;
        return (double)f < v ? MathF.BitIncrement(f) : f;
    }

    /// <summary>The largest float32 &lt;= v.</summary>
    private static float FloorF(double v)
    {
        float f = (float)v;
        return (double)f > v ? MathF.BitDecrement(f) : f;
    }

    /// <summary>The smallest float32 strictly above (a + b) / 2 (exact comparison).</summary>
    private static float AboveMidpoint(double a, double b)
    {
        float c = (float)(a / 2 + b / 2);
        while (CompareWithMidpoint(MathF.BitDecrement(c), a, b) > 0) c = MathF.BitDecrement(c);
        while (CompareWithMidpoint(c, a, b) <= 0) c = MathF.BitIncrement(c);
        return c;
    }

    /// <summary>The largest float32 strictly below (a + b) / 2.</summary>
    private static float BelowMidpoint(double a, double b)
    {
        float c = (float)(a / 2 + b / 2);
        while (CompareWithMidpoint(MathF.BitIncrement(c), a, b) < 0) c = MathF.BitIncrement(c);
        while (CompareWithMidpoint(c, a, b) >= 0) c = MathF.BitDecrement(c);
        return c;
    }

    /// <summary>Sign of 2c - a - b, exactly (every double is an integer multiple of 2^-1074).</summary>
    private static int CompareWithMidpoint(float c, double a, double b)
    {
        if (float.IsInfinity(c)) return float.IsPositiveInfinity(c) ? 1 : -1;
        return (2 * Scaled(c) - Scaled(a) - Scaled(b)).Sign;
    }

    private static BigInteger Scaled(double v)
    {
        if (v == 0) return BigInteger.Zero;
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(v));
        int field = (int)(bits >> 52);
        long mantissa = bits & ((1L << 52) - 1);
        if (field != 0) mantissa |= 1L << 52; else field = 1;
        BigInteger m = new BigInteger(mantissa) << (field - 1);
        return v < 0 ? -m : m;
    }
}

/// <summary>The table kernel's per-call constants: the format's <see cref="TableData"/> and the stochastic parameters.</summary>
internal readonly struct TablePlan
{
    public readonly TableFormat Format;
    public readonly RoundingOptions Options;
    public readonly TableData Data;
    /// <summary>The mode's decision thresholds (<see cref="TableData.Decisions"/>), or null for the general kernel.</summary>
    public readonly LaneTable? Decisions;
    public readonly int StochasticShift;
    /// <summary>float32 bits of 2^-N (N stochastic bits).</summary>
    public readonly uint RandomScale;

    /// <summary>The plan of an encode or quantize under <paramref name="options"/> (with the mode's decision thresholds).</summary>
    public TablePlan(TableFormat f, in RoundingOptions options) : this(f, options, decide: true) { }

    /// <summary>The plan of a decode: the lookup tables only, no decision thresholds (their search is encode-only work).</summary>
    public static TablePlan ForDecode(TableFormat f) => new(f, default, decide: false);

    private TablePlan(TableFormat f, in RoundingOptions options, bool decide)
    {
        Format = f;
        Options = options;
        Data = TableData.For(f);
        Decisions = decide ? Data.Decisions(options.Mode) : null;
        StochasticShift = 32 - options.StochasticBits;
        RandomScale = BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f, -options.StochasticBits));
    }
}
