using System.Runtime.CompilerServices;
using Emulator.Kernels.Float;
using Emulator.Kernels.Integer;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels;

internal struct FloatQuantizeOp : IElementOp<FloatPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in FloatPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        FloatKernel.Fast<TV, TRule>(input, random, plan, codes: false, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in FloatPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        FloatKernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct FloatEncodeOp : IElementOp<FloatPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in FloatPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        FloatKernel.Fast<TV, TRule>(input, random, plan, codes: true, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in FloatPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        FloatKernel.Convert<TV, TRule>(input, random, plan, codes: true);
}

internal struct FloatDecodeOp : IElementOp<FloatDecodePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in FloatDecodePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in FloatDecodePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        FloatDecodeKernel.Decode(input, plan);
}

internal struct IntegerQuantizeOp : IElementOp<IntegerPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in IntegerPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in IntegerPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        IntegerKernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct IntegerEncodeOp : IElementOp<IntegerPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in IntegerPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in IntegerPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        IntegerKernel.Convert<TV, TRule>(input, random, plan, codes: true);
}

internal struct IntegerDecodeOp : IElementOp<IntegerPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in IntegerPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return Apply<TV, TRule>(input, random, plan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in IntegerPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        IntegerKernel.Decode(input, plan);
}

/// <summary>Picks the rule struct of a rounding mode and runs the driver with it.</summary>
internal static class RuleDispatch
{
    public static void Run<TOp, TPlan, TIn, TInIo, TOut, TOutIo>(Emulator.Formats.RoundingMode mode,
        ReadOnlySpan<TIn> source, Span<TOut> destination, in TPlan plan, in Emulator.Formats.RoundingOptions rounding, in KernelOptions options)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        ulong seed = rounding.Seed; uint stream = rounding.Stream; long first = options.IndexOffset;
        int lanes = options.MaxLanes, threads = options.Threads;
        switch (mode)
        {
            case Emulator.Formats.RoundingMode.NearestEven: LoopDriver.Run<TOp, TPlan, NearestEvenRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.NearestAway: LoopDriver.Run<TOp, TPlan, NearestAwayRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.NearestZero: LoopDriver.Run<TOp, TPlan, NearestZeroRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.TowardZero: LoopDriver.Run<TOp, TPlan, TowardZeroRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.TowardPositive: LoopDriver.Run<TOp, TPlan, TowardPositiveRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.TowardNegative: LoopDriver.Run<TOp, TPlan, TowardNegativeRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.ToOdd: LoopDriver.Run<TOp, TPlan, ToOddRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.Stochastic: LoopDriver.Run<TOp, TPlan, StochasticRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            case Emulator.Formats.RoundingMode.StochasticEqual: LoopDriver.Run<TOp, TPlan, StochasticEqualRule, TIn, TInIo, TOut, TOutIo>(source, destination, plan, seed, stream, first, lanes, threads); break;
            default: throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a rounding mode");
        }
    }
}
