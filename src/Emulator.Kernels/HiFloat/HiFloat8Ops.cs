using System.Runtime.CompilerServices;
using Emulator.Kernels.Rounding;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.HiFloat;

internal struct HiFloat8QuantizeOp : IElementOp<HiFloat8Plan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in HiFloat8Plan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in HiFloat8Plan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: false);
}

internal struct HiFloat8EncodeOp : IElementOp<HiFloat8Plan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in HiFloat8Plan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in HiFloat8Plan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        HiFloat8Kernel.Convert<TV, TRule>(input, random, plan, codes: true);
}

/// <summary>HiFloat8 code -> float32: one lookup in the 256 reference values (two 256-bit gathers per Vector512).</summary>
internal struct HiFloat8DecodeOp : IElementOp<DecodeTablePlan>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ApplyFast<TV, TRule>(TV input, TV random, in DecodeTablePlan plan, out TV rare) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule
    {
        rare = TV.Create(0);
        return TV.Lookup(input, plan.Table);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TRule>(TV input, TV random, in DecodeTablePlan plan) where TV : struct, ILanes<TV> where TRule : struct, IRoundingRule =>
        TV.Lookup(input, plan.Table);
}
