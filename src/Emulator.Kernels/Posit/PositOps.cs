using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Posit;

internal struct PositQuantizeOp : IElementOp<PositPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in PositPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        PositKernel.Fast<TV, TRule>(input, random, plan, codes: false, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in PositPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        PositKernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct PositEncodeOp : IElementOp<PositPlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in PositPlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        PositKernel.Fast<TV, TRule>(input, random, plan, codes: true, out rare);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in PositPlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        PositKernel.Convert<TV, TRule>(input, random, plan, codes: true);
}
