using System.Buffers;
using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Float;
using Emulator.Kernels.Integer;
using Emulator.Kernels.Randomness;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;
using Emulator.Kernels.Table;

namespace Emulator.Kernels;

/// <summary>
/// The block kernel's loop: the tensor's blocks split into work units of whole blocks (1xB: runs of consecutive blocks;
/// R x C tiles: bands of R rows), units into groups of blocks that share one buffer of random words (at most
/// <see cref="Tile"/> elements: 1xB groups are contiguous, tile groups are R row segments of the same columns). Per group:
/// the random words of its elements keyed by their global indices, each block's amax in registers, the block scales, then per
/// block the fused scale-round-multiply loop (<see cref="BlockElements.Row"/>), NaN blocks filled, and the rare blocks the
/// float32 arithmetic cannot reproduce run the reference's <see cref="BlockFormat.EncodeBlock"/>. Nothing depends on the
/// unit or group boundaries, so any thread count gives the same bits.
/// </summary>
internal static unsafe class BlockDriver
{
    /// <summary>Largest group (and block) in elements.</summary>
    public const int Tile = 4096;

    /// <summary>Elements per work unit when several threads run.</summary>
    public const int ParallelChunk = 1 << 16;

    private enum Kind : byte { Vector, NaN, Reference }

    /// <summary>Runs the call; <paramref name="destination"/> is y's bits (values) or the element codes.</summary>
    public static void Run(BlockCall call, float* x, uint* destination, uint* scaleCodes, bool codes, int threads)
    {
        var element = call.Format.Element;
        var elementOptions = call.Rounding with { Overflow = OverflowPolicy.Saturate };
        if (call.Rounding.Mode == RoundingMode.NearestEven)
        {
            // Round-to-nearest-even: the add-and-subtract rounding (a few register operations per lane).
            NearestGridPlan? grid = element switch
            {
                FloatFormat f => NearestGridPlan.For(f),
                IntegerFormat i => NearestGridPlan.For(i),
                _ => null,
            };
            if (grid is { } g)
            {
                if (codes)
                {
                    if (element is FloatFormat) Units<FloatNearestGridEncodeOp, NearestGridPlan, NearestEvenRule, CodesOutput>(call, g, x, destination, scaleCodes, threads);
                    else Units<IntegerNearestGridEncodeOp, NearestGridPlan, NearestEvenRule, CodesOutput>(call, g, x, destination, scaleCodes, threads);
                }
                else if (element is FloatFormat) Units<FloatNearestGridOp, NearestGridPlan, NearestEvenRule, ValuesOutput>(call, g, x, destination, scaleCodes, threads);
                else Units<IntegerNearestGridOp, NearestGridPlan, NearestEvenRule, ValuesOutput>(call, g, x, destination, scaleCodes, threads);
                return;
            }
        }
        if (element is TableFormat tf)
        {
            var plan = new TablePlan(tf, elementOptions);
            if (plan.Data.Is16) Table<Lookup16>(call, plan, x, destination, scaleCodes, codes, threads);
            else Table<LookupAny>(call, plan, x, destination, scaleCodes, codes, threads);
        }
        else if (element is FloatFormat ff)
        {
            var plan = new FloatPlan(ff, elementOptions);
            if (codes) ByRule<FloatEncodeOp, FloatPlan, CodesOutput>(call, plan, x, destination, scaleCodes, threads);
            else ByRule<FloatQuantizeOp, FloatPlan, ValuesOutput>(call, plan, x, destination, scaleCodes, threads);
        }
        else
        {
            var plan = new IntegerPlan((IntegerFormat)element, elementOptions);
            if (codes) ByRule<IntegerEncodeOp, IntegerPlan, CodesOutput>(call, plan, x, destination, scaleCodes, threads);
            else ByRule<IntegerQuantizeOp, IntegerPlan, ValuesOutput>(call, plan, x, destination, scaleCodes, threads);
        }
    }

    // Table elements: the table kernel's decision thresholds (deterministic monotone modes) or its rule kernel (which
    // takes stochastic(N) to its own kernel), each as the element op of the same block loop.
    private static void Table<TL>(BlockCall call, in TablePlan plan, float* x, uint* dst, uint* sc, bool codes, int threads)
        where TL : struct, ITableLookup
    {
        if (plan.Decisions is not null)
        {
            if (codes) ByRule<TableDecideEncodeOp<TL>, TablePlan, CodesOutput>(call, plan, x, dst, sc, threads);
            else ByRule<TableDecideQuantizeOp<TL>, TablePlan, ValuesOutput>(call, plan, x, dst, sc, threads);
        }
        else if (codes) ByRule<TableEncodeOp<TL>, TablePlan, CodesOutput>(call, plan, x, dst, sc, threads);
        else ByRule<TableQuantizeOp<TL>, TablePlan, ValuesOutput>(call, plan, x, dst, sc, threads);
    }

    private static void ByRule<TOp, TPlan, TOut>(BlockCall call, TPlan plan, float* x, uint* dst, uint* sc, int threads)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TOut : struct, IBlockOutput
    {
        var units = new UnitsRun<TOp, TPlan, TOut>(call, plan, x, dst, sc, threads);
        RoundingRules.Dispatch(call.Rounding.Mode, ref units);
    }

    /// <summary><see cref="Units"/> with the rule of the call's mode.</summary>
    private readonly struct UnitsRun<TOp, TPlan, TOut>(BlockCall call, TPlan plan, float* x, uint* dst, uint* sc, int threads) : IRuleVisitor
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TOut : struct, IBlockOutput
    {
        public void Visit<TRule>() where TRule : struct, IRoundingRule => Units<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, threads);
    }

    // 1xB: a unit is a run of consecutive blocks; tiles: a unit is a run of bands (R rows of one matrix).
    private static void Units<TOp, TPlan, TRule, TOut>(BlockCall call, TPlan plan, float* x, uint* dst, uint* sc, int threads)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        BlockLayout layout = call.Layout;
        var shape = layout.Shape;
        bool tiles = layout.BlockRows > 1;
        long units, perUnit;
        if (!tiles)
        {
            perUnit = Math.Max(1, ParallelChunk / layout.BlockCols);
            units = layout.BlockCount;
        }
        else
        {
            int rows = shape[^2], cols = shape[^1];
            long bands = (long)(layout.ElementCount / Math.Max(1L, (long)rows * cols)) * ((rows + layout.BlockRows - 1) / layout.BlockRows);
            if (rows == 0 || cols == 0) bands = 0;
            perUnit = Math.Max(1, ParallelChunk / Math.Max(1, layout.BlockRows * cols));
            units = bands;
        }
        long chunks = (units + perUnit - 1) / perUnit;
        if (chunks == 0) return;
        if (threads <= 1 || chunks == 1)
        {
            RunUnits<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, 0, units, tiles);
            return;
        }
        nint px = (nint)x, pd = (nint)dst, ps = (nint)sc;
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
            RunUnits<TOp, TPlan, TRule, TOut>(call, plan, (float*)px, (uint*)pd, (uint*)ps, c * perUnit, Math.Min(units, (c + 1) * perUnit), tiles));
    }

    // Fully optimized from the first call: one call walks a whole tensor (or a thread's share of it).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunUnits<TOp, TPlan, TRule, TOut>(BlockCall call, TPlan plan, float* x, uint* dst, uint* sc, long first, long end, bool tiles)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        using var s = new GroupScratch(call.Format.BlockSize);
        BlockLayout layout = call.Layout;
        var shape = layout.Shape;
        int bcols = layout.BlockCols;
        FloorConstants? floor = !tiles && FloorConstants.Applies(call) ? new FloorConstants(call) : null;
        bool amaxOverMax = !tiles && AmaxOverMaxBlocks.Applies(call);
        GroupScratch? fallback = null;
        try
        {
        if (!tiles)
        {
            int length = shape[^1];
            int chunks = (length + bcols - 1) / bcols;
            long b = first;
            if (length % bcols == 0 && bcols <= Tile)
            {
                // Every block is full and blocks are contiguous: groups of Tile / bcols blocks with fixed offsets.
                int per = Tile / bcols;
                for (int j = 0; j < per; j++)
                {
                    s.Offsets[j] = j * bcols;
                    s.Widths[j] = bcols;
                }
                for (; b < end; b += per)
                {
                    int m = (int)Math.Min(per, end - b);
                    long start = b * bcols;
                    if (amaxOverMax) AmaxOverMaxGroup<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, fallback ??= new GroupScratch(bcols), start, m, m * bcols, b);
                    else if (floor is null) Group<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, start, 1, 0, m, m * bcols, b);
                    else FloorGroup<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, fallback ??= new GroupScratch(bcols), floor, start, m, m * bcols, b);
                }
                b = end;
            }
            while (b < end)
            {
                // Consecutive blocks are contiguous in memory (a row's partial last block is followed by the next row's first).
                long row = b / chunks;
                int c = (int)(b % chunks);
                long start = row * length + (long)c * bcols;
                int m = 0, w = 0;
                long b0 = b;
                while (b < end)
                {
                    int n = Math.Min(bcols, length - c * bcols);
                    if (w + n > Tile) break;
                    s.Offsets[m] = w;
                    s.Widths[m++] = n;
                    w += n;
                    b++;
                    if (++c == chunks) c = 0;
                }
                if (amaxOverMax) AmaxOverMaxGroup<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, fallback ??= new GroupScratch(bcols), start, m, w, b0);
                else if (floor is null) Group<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, start, 1, 0, m, w, b0);
                else FloorGroup<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, fallback ??= new GroupScratch(bcols), floor, start, m, w, b0);
            }
        }
        else
        {
            int rows = shape[^2], cols = shape[^1], brows = layout.BlockRows;
            int tileRows = (rows + brows - 1) / brows, tileCols = (cols + bcols - 1) / bcols;
            for (long band = first; band < end; band++)
            {
                long matrix = band / tileRows;
                int tr = (int)(band % tileRows);
                int r0 = tr * brows, h = Math.Min(brows, rows - r0);
                long rowStart = (matrix * rows + r0) * (long)cols;
                long bandFirstBlock = band * tileCols;
                for (int tc = 0; tc < tileCols;)
                {
                    int m = 0, w = 0, tc0 = tc;
                    while (tc < tileCols)
                    {
                        int n = Math.Min(bcols, cols - tc * bcols);
                        if ((w + n) * h > Tile) break;
                        s.Offsets[m] = w;
                        s.Widths[m++] = n;
                        w += n;
                        tc++;
                    }
                    Group<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, s, rowStart + (long)tc0 * bcols, h, cols, m, w, bandFirstBlock + tc0);
                }
            }
        }
        }
        finally
        {
            fallback?.Dispose();
        }
    }

    // A 1xB group under the floor fast path: each full block in registers, the others through Group on their own.
    private static void FloorGroup<TOp, TPlan, TRule, TOut>(BlockCall call, in TPlan plan, float* x, uint* dst, uint* sc, GroupScratch s,
        GroupScratch fallback, FloorConstants floor, long start, int m, int w, long firstBlock)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        if (TRule.IsStochastic) PhiloxBatch.Fill(call.Rounding.Seed, call.Rounding.Stream, call.IndexOffset + start, s.Random.AsSpan(0, w));
        uint* xb = (uint*)x;
        FloorBlocks.Group<TOp, TPlan, TRule, TOut>(ref xb[start], ref dst[start], ref s.Random[0], plan, floor, call.Format.BlockCols, m,
            s.Offsets, s.Widths, TOut.Codes ? new Span<uint>(sc + firstBlock, m) : default, s.Declined);
        for (int j = 0; j < m; j++)
        {
            if (!s.Declined[j]) continue;
            fallback.Offsets[0] = 0;
            fallback.Widths[0] = s.Widths[j];
            Group<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, fallback, start + s.Offsets[j], 1, 0, 1, s.Widths[j], firstBlock + j);
        }
    }

    // A 1xB amax-over-max group (B a multiple of 16, see AmaxOverMaxBlocks.Applies): the common blocks in registers, the others
    // through Group on their own.
    private static void AmaxOverMaxGroup<TOp, TPlan, TRule, TOut>(BlockCall call, in TPlan plan, float* x, uint* dst, uint* sc, GroupScratch s,
        GroupScratch fallback, long start, int m, int w, long firstBlock)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        if (TRule.IsStochastic) PhiloxBatch.Fill(call.Rounding.Seed, call.Rounding.Stream, call.IndexOffset + start, s.Random.AsSpan(0, w));
        uint* xb = (uint*)x;
        if (!AmaxOverMaxBlocks.Group<TOp, TPlan, TRule, TOut>(call, plan, ref xb[start], ref dst[start], ref s.Random[0],
            TOut.Codes ? new Span<uint>(sc + firstBlock, m) : default, m, s.Offsets, s.Widths, s.D, s.ScaleCodes, s.Declined, s.Amax)) return;
        for (int j = 0; j < m; j++)
        {
            if (!s.Declined[j]) continue;
            fallback.Offsets[0] = 0;
            fallback.Widths[0] = s.Widths[j];
            Group<TOp, TPlan, TRule, TOut>(call, plan, x, dst, sc, fallback, start + s.Offsets[j], 1, 0, 1, s.Widths[j], firstBlock + j);
        }
    }

    // One group: h row segments of w elements (row stride `stride`), m blocks side by side (offsets / widths within a row).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group<TOp, TPlan, TRule, TOut>(BlockCall call, in TPlan plan, float* x, uint* dst, uint* sc, GroupScratch s,
        long start, int h, int stride, int m, int w, long firstBlock)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct where TRule : struct, IRoundingRule where TOut : struct, IBlockOutput
    {
        int lanes = call.MaxLanes;
        uint* xb = (uint*)x;
        bool tile16 = h > 1 && lanes >= 16 && Lanes512.IsHardwareAccelerated; // tiles with rows of 16: one register per row
        if (TRule.IsStochastic)
            for (int r = 0; r < h; r++)
                PhiloxBatch.Fill(call.Rounding.Seed, call.Rounding.Stream, call.IndexOffset + start + (long)r * stride, s.Random.AsSpan(r * w, w));

        // Amax of each block (bits, with the NaN / Inf patterns and the tiny flag).
        for (int j = 0; j < m; j++)
        {
            uint a = 0;
            if (tile16 && s.Widths[j] == 16)
            {
                s.Amax[j] = BlockElements.TileAmaxBits16(ref xb[start + s.Offsets[j]], h, stride);
                continue;
            }
            for (int r = 0; r < h; r++)
            {
                uint v = BlockElements.AmaxBits(ref xb[start + (long)r * stride + s.Offsets[j]], s.Widths[j], lanes);
                a = Math.Max(a & ~BlockElements.TinyFlag, v & ~BlockElements.TinyFlag) | ((a | v) & BlockElements.TinyFlag);
            }
            s.Amax[j] = a;
        }

        // Block scales, factors and kinds.
        ScaleTables scales = call.Scales;
        uint clamp = call.ClampBits;
        if (call.PowerOfTwo)
        {
            bool nanScale = call.ScaleHasNaN;
            for (int j = 0; j < m; j++)
            {
                uint a = s.Amax[j] & ~BlockElements.TinyFlag;
                bool tiny = (s.Amax[j] & BlockElements.TinyFlag) != 0;
                if (a >= 0x7F80_0000u)
                {
                    // MX: NaN or ±Inf gives the NaN block; a scale without NaN ignores them for the exponent (reference).
                    s.Kinds[j] = nanScale ? Kind.NaN : Kind.Reference;
                    if (TOut.Codes) sc[firstBlock + j] = scales.NaNCode;
                    continue;
                }
                int k = scales.Exponent(BitConverter.UInt32BitsToSingle(a));
                Kind kind = Kind.Vector;
                float factor = scales.Factor(k);
                if (!scales.IsExact(k))
                {
                    if (a == 0) factor = 1f; // all elements ±0: any finite factor gives their ±0 codes
                    else kind = Kind.Reference;
                }
                // x * 2^-k is exact unless it leaves float32's normal range; the element rounding still decides the same unless
                // a nonzero element flushes to 0, which needs k >= 1 and 0 < |x| <= 2^(k-150) <= 2^-23.
                if (tiny && k >= 1) kind = Kind.Reference;
                s.Kinds[j] = kind;
                s.Factors[j] = new BlockFactors(Bits(factor), clamp, Bits(scales.Multiplier(k)), Bits(1f));
                if (TOut.Codes) sc[firstBlock + j] = scales.ExponentCode(k);
            }
        }
        else
        {
            TensorScale ts = call.TensorScale;
            float mult = ts.Encode * call.InverseElementMax, scaleMax = call.ScaleMax;
            for (int j = 0; j < m; j++)
            {
                uint a = s.Amax[j] & ~BlockElements.TinyFlag;
                float amax = a > 0x7F80_0000u ? float.NaN : BitConverter.UInt32BitsToSingle(a);
                s.D[j] = BlockCall.ScaleInput(amax, mult, scaleMax);
            }
            scales.EncodeScales(s.D.AsSpan(0, m), s.ScaleCodes.AsSpan(0, m), lanes);
            for (int j = 0; j < m; j++)
            {
                uint code = s.ScaleCodes[j];
                if (TOut.Codes) sc[firstBlock + j] = code;
                double sv = scales.Decode(code);
                if (double.IsNaN(sv)) { s.Kinds[j] = Kind.NaN; continue; }
                float factor = BlockCall.ElementFactor((float)sv, ts.Decode);
                // NaN elements under a finite scale, or a NaN factor (NaN tensor scale): the reference's block routine.
                bool nan = (s.Amax[j] & ~BlockElements.TinyFlag) > 0x7F80_0000u || float.IsNaN(factor);
                s.Kinds[j] = nan ? Kind.Reference : Kind.Vector;
                s.Factors[j] = new BlockFactors(Bits(factor), clamp, Bits((float)sv), Bits(ts.Decode));
            }
        }

        // Elements.
        for (int j = 0; j < m; j++)
        {
            int off = s.Offsets[j], n = s.Widths[j];
            switch (s.Kinds[j])
            {
                case Kind.Vector:
                    if (tile16 && n == 16)
                    {
                        BlockElements.Tile16<TOp, TPlan, TRule, TOut>(ref xb[start + off], ref dst[start + off], h, stride, ref s.Random[off], w, plan, s.Factors[j]);
                        break;
                    }
                    for (int r = 0; r < h; r++)
                    {
                        long p = start + (long)r * stride + off;
                        BlockElements.Row<TOp, TPlan, TRule, TOut>(ref xb[p], ref dst[p], n, ref s.Random[r * w + off], plan, s.Factors[j], lanes);
                    }
                    break;
                case Kind.NaN:
                {
                    uint fill = TOut.Codes ? call.ElementZeroCode : Bits(float.NaN);
                    for (int r = 0; r < h; r++) new Span<uint>(dst + start + (long)r * stride + off, n).Fill(fill);
                    break;
                }
                default:
                    Reference<TOut>(call, x, dst, sc, s, start, h, stride, off, n, firstBlock + j);
                    break;
            }
        }
    }

    // The reference's block routine (gathers x first: in place is safe).
    private static void Reference<TOut>(BlockCall call, float* x, uint* dst, uint* sc, GroupScratch s, long start, int h, int stride, int off, int n, long block)
        where TOut : struct, IBlockOutput
    {
        int count = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < n; c++)
            {
                long p = start + (long)r * stride + off + c;
                s.Indices[count] = (int)p;
                s.Values[count++] = x[p];
            }
        var idx = s.Indices.AsSpan(0, count);
        var xs = s.Values.AsSpan(0, count);
        var codes = s.Codes.AsSpan(0, count);
        uint scaleCode = call.Format.EncodeBlock(xs, idx, codes, call.TensorScale, call.Rounding, call.IndexOffset);
        if (TOut.Codes)
        {
            sc[block] = scaleCode;
            for (int k = 0; k < count; k++) dst[idx[k]] = codes[k];
            return;
        }
        var ys = s.Results.AsSpan(0, count);
        call.Format.DecodeBlock(codes, scaleCode, ys, call.TensorScale.Decode);
        for (int k = 0; k < count; k++) dst[idx[k]] = Bits(float.IsNaN(xs[k]) ? float.NaN : ys[k]);
    }

    private static uint Bits(float v) => BitConverter.SingleToUInt32Bits(v);

    /// <summary>Per-thread arrays of a group (rented once per work range).</summary>
    private sealed class GroupScratch : IDisposable
    {
        public readonly uint[] Random = ArrayPool<uint>.Shared.Rent(Tile);
        public readonly uint[] Amax = ArrayPool<uint>.Shared.Rent(Tile);
        public readonly int[] Offsets = ArrayPool<int>.Shared.Rent(Tile);
        public readonly int[] Widths = ArrayPool<int>.Shared.Rent(Tile);
        public readonly Kind[] Kinds = ArrayPool<Kind>.Shared.Rent(Tile);
        public readonly BlockFactors[] Factors = ArrayPool<BlockFactors>.Shared.Rent(Tile);
        public readonly float[] D = ArrayPool<float>.Shared.Rent(Tile);
        public readonly uint[] ScaleCodes = ArrayPool<uint>.Shared.Rent(Tile);
        public readonly bool[] Declined = ArrayPool<bool>.Shared.Rent(Tile);
        public readonly int[] Indices;
        public readonly float[] Values, Results;
        public readonly uint[] Codes;

        public GroupScratch(int blockSize)
        {
            Indices = ArrayPool<int>.Shared.Rent(blockSize);
            Values = ArrayPool<float>.Shared.Rent(blockSize);
            Results = ArrayPool<float>.Shared.Rent(blockSize);
            Codes = ArrayPool<uint>.Shared.Rent(blockSize);
        }

        public void Dispose()
        {
            ArrayPool<uint>.Shared.Return(Random);
            ArrayPool<uint>.Shared.Return(Amax);
            ArrayPool<int>.Shared.Return(Offsets);
            ArrayPool<int>.Shared.Return(Widths);
            ArrayPool<Kind>.Shared.Return(Kinds);
            ArrayPool<BlockFactors>.Shared.Return(Factors);
            ArrayPool<float>.Shared.Return(D);
            ArrayPool<uint>.Shared.Return(ScaleCodes);
            ArrayPool<bool>.Shared.Return(Declined);
            ArrayPool<int>.Shared.Return(Indices);
            ArrayPool<float>.Shared.Return(Values);
            ArrayPool<float>.Shared.Return(Results);
            ArrayPool<uint>.Shared.Return(Codes);
        }
    }
}
