using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Table;

/// <summary>How the table kernel reads its tables: a register permute (16 entries) or the general lookup. A type argument,
/// so each loop is compiled for one of them.</summary>
internal interface ITableLookup
{
    static abstract bool Is16 { get; }
}

internal struct Lookup16 : ITableLookup
{
    public static bool Is16 => true;
}

internal struct LookupAny : ITableLookup
{
    public static bool Is16 => false;
}

/// <summary>The rule kernel (<see cref="TableKernel.Fast"/>); stochastic(N), which needs floor(nu 2^N) rather than nu vs 1/2,
/// its own kernel (<see cref="TableKernel.FastStochastic"/>).</summary>
internal struct TableQuantizeOp<TL> : IElementOp<TablePlan> where TL : struct, ITableLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        if (typeof(TRule) == typeof(StochasticRule)) return TableKernel.FastStochastic<TV, TL>(input, random, plan, codes: false, out rare);
        rare = TV.Create(0);
        return TableKernel.Fast<TV, TRule, TL>(input, random, plan, codes: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        typeof(TRule) == typeof(StochasticRule) ? TableKernel.ConvertStochastic<TV, TL>(input, random, plan, codes: false)
            : TableKernel.Fast<TV, TRule, TL>(input, random, plan, codes: false);
}

/// <summary>The rule kernel (<see cref="TableKernel.Fast"/>); stochastic(N), which needs floor(nu 2^N) rather than nu vs 1/2,
/// its own kernel (<see cref="TableKernel.FastStochastic"/>).</summary>
internal struct TableEncodeOp<TL> : IElementOp<TablePlan> where TL : struct, ITableLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        if (typeof(TRule) == typeof(StochasticRule)) return TableKernel.FastStochastic<TV, TL>(input, random, plan, codes: true, out rare);
        rare = TV.Create(0);
        return TableKernel.Fast<TV, TRule, TL>(input, random, plan, codes: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        typeof(TRule) == typeof(StochasticRule) ? TableKernel.ConvertStochastic<TV, TL>(input, random, plan, codes: true)
            : TableKernel.Fast<TV, TRule, TL>(input, random, plan, codes: true);
}

internal struct TableDecideQuantizeOp<TL> : IElementOp<TablePlan> where TL : struct, ITableLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TableKernel.Decide<TV, TL>(input, plan, codes: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Decide<TV, TL>(input, plan, codes: false);
}

internal struct TableDecideEncodeOp<TL> : IElementOp<TablePlan> where TL : struct, ITableLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TableKernel.Decide<TV, TL>(input, plan, codes: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Decide<TV, TL>(input, plan, codes: true);
}

internal struct TableDecodeOp<TL> : IElementOp<TablePlan> where TL : struct, ITableLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in TablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TableKernel.Decode<TV, TL>(input, plan.Data);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in TablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TableKernel.Decode<TV, TL>(input, plan.Data);
}

/// <summary>Picks the table op (decision thresholds or the rule kernel; 16-entry permutes or general lookups) and runs it.</summary>
internal static class TableDispatch
{
    public static void Quantize(ReadOnlySpan<uint> x, Span<uint> y, TableFormat format, in RoundingOptions rounding, in KernelOptions options)
    {
        var plan = new TablePlan(format, rounding);
        if (plan.Data.Is16) Run<TableDecideQuantizeOp<Lookup16>, TableQuantizeOp<Lookup16>, uint, Io32>(x, y, plan, rounding, options);
        else Run<TableDecideQuantizeOp<LookupAny>, TableQuantizeOp<LookupAny>, uint, Io32>(x, y, plan, rounding, options);
    }

    public static void Encode<T, TIo>(ReadOnlySpan<uint> x, Span<T> codes, TableFormat format, in RoundingOptions rounding, in KernelOptions options)
        where T : unmanaged where TIo : struct, ILaneIo<T>
    {
        var plan = new TablePlan(format, rounding);
        if (plan.Data.Is16) Run<TableDecideEncodeOp<Lookup16>, TableEncodeOp<Lookup16>, T, TIo>(x, codes, plan, rounding, options);
        else Run<TableDecideEncodeOp<LookupAny>, TableEncodeOp<LookupAny>, T, TIo>(x, codes, plan, rounding, options);
    }

    private static void Run<TDecide, TRuleOp, T, TIo>(ReadOnlySpan<uint> x, Span<T> y, in TablePlan plan, in RoundingOptions rounding, in KernelOptions options)
        where TDecide : struct, IElementOp<TablePlan> where TRuleOp : struct, IElementOp<TablePlan>
        where T : unmanaged where TIo : struct, ILaneIo<T>
    {
        if (plan.Decisions is not null) RuleDispatch.Run<TDecide, TablePlan, uint, Io32, T, TIo>(x, y, plan, rounding, options);
        else RuleDispatch.Run<TRuleOp, TablePlan, uint, Io32, T, TIo>(x, y, plan, rounding, options);
    }

    public static void Decode<T, TIo>(ReadOnlySpan<T> codes, Span<uint> y, TableFormat format, in KernelOptions options)
        where T : unmanaged where TIo : struct, ILaneIo<T>
    {
        var plan = TablePlan.ForDecode(format);
        if (plan.Data.Is16) RuleDispatch.Run<TableDecodeOp<Lookup16>, TablePlan, T, TIo, uint, Io32>(codes, y, plan, default, options);
        else RuleDispatch.Run<TableDecodeOp<LookupAny>, TablePlan, T, TIo, uint, Io32>(codes, y, plan, default, options);
    }
}
