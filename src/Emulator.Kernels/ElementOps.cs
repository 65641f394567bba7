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

/// <summary>Runs <see cref="LoopDriver"/> with the rule struct of the rounding mode (<see cref="RoundingRules.Dispatch"/>).</summary>
internal static class RuleDispatch
{
    /// <summary>The element op over the spans under <paramref name="rounding"/> (its mode, seed and stream; decodes pass
    /// <c>default</c>).</summary>
    public static void Run<TOp, TPlan, TIn, TInIo, TOut, TOutIo>(
        ReadOnlySpan<TIn> source, Span<TOut> destination, in TPlan plan, in Emulator.Formats.RoundingOptions rounding, in KernelOptions options)
        where TOp : struct, IElementOp<TPlan> where TPlan : struct
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        var run = new LoopRun<TOp, TPlan, TIn, TInIo, TOut, TOutIo>(source, destination, plan, rounding, options);
        RoundingRules.Dispatch(rounding.Mode, ref run);
    }

    private readonly ref struct LoopRun<TOp, TPlan, TIn, TInIo, TOut, TOutIo>(ReadOnlySpan<TIn> source, Span<TOut> destination,
        in TPlan plan, in Emulator.Formats.RoundingOptions rounding, in KernelOptions options) : IRuleVisitor
        where TOp : struct, IElementOp<TPlan> where TPlan : struct
        where TIn : unmanaged where TInIo : struct, ILaneIo<TIn> where TOut : unmanaged where TOutIo : struct, ILaneIo<TOut>
    {
        private readonly ReadOnlySpan<TIn> _source = source;
        private readonly Span<TOut> _destination = destination;
        private readonly ref readonly TPlan _plan = ref plan;
        private readonly ulong _seed = rounding.Seed;
        private readonly uint _stream = rounding.Stream;
        private readonly long _first = options.IndexOffset;
        private readonly int _lanes = options.MaxLanes, _threads = options.Threads;

        public void Visit<TRule>() where TRule : struct, IRoundingRule =>
            LoopDriver.Run<TOp, TPlan, TRule, TIn, TInIo, TOut, TOutIo>(_source, _destination, _plan, _seed, _stream, _first, _lanes, _threads);
    }
}
