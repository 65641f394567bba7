using System.Runtime.CompilerServices;
using Emulator.Formats;
using Emulator.Kernels.Simd;

namespace Emulator.Kernels.Rounding;

/// <summary>
/// What a rounding rule sees of each lane, as masks (all-ones lanes): the discarded fraction nu compared with 1/2,
/// whether it is nonzero, floor(nu * 2^32), the parity of the lower candidate's code, the sign and the random word.
/// The vector form of <see cref="Remainder"/> plus the other arguments of <see cref="RoundingDecision.RoundsUp"/>.
/// </summary>
internal struct RoundingLanes<TV> where TV : struct, ILanes<TV>
{
    public TV AboveHalf, AtHalf, Inexact, Top32, LowerOdd, Negative, Random;
}

/// <summary>
/// One row of FORMATS.md section 1's table as an operator struct: whether each lane rounds up (away from zero).
/// A new mode is one more struct; every format family's kernel takes the rule as a type argument.
/// </summary>
internal interface IRoundingRule
{
    /// <summary>Whether the rule reads floor(nu * 2^32) (kernels skip computing it otherwise).</summary>
    static abstract bool NeedsTop32 { get; }
    /// <summary>Whether the rule reads the random word.</summary>
    static abstract bool IsStochastic { get; }
    /// <summary>The round-up mask; <paramref name="shift"/> is 32 - N for stochastic(N).</summary>
    static abstract TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV>;
}

internal struct NearestEvenRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf | (r.AtHalf & r.LowerOdd);
}

internal struct NearestAwayRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf | r.AtHalf;
}

internal struct NearestZeroRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf;
}

internal struct TowardZeroRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.Create(0);
}

internal struct TowardPositiveRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.AndNot(r.Inexact, r.Negative);
}

internal struct TowardNegativeRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.Inexact & r.Negative;
}

internal struct ToOddRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.AndNot(r.Inexact, r.LowerOdd);
}

/// <summary>floor(nu 2^N) + R &gt;= 2^N, i.e. R &gt; (2^N - 1) - floor(nu 2^N) = (~top32) &gt;&gt; (32 - N); never for nu = 0.</summary>
internal struct StochasticRule : IRoundingRule
{
    public static bool NeedsTop32 => true;
    public static bool IsStochastic => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> =>
        TV.GreaterThan(TV.ShiftRightLogical(r.Random, shift), TV.ShiftRightLogical(r.Top32 ^ TV.Create(uint.MaxValue), shift));
}

internal struct StochasticEqualRule : IRoundingRule
{
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> =>
        r.Inexact & TV.ShiftRightArithmetic(r.Random, 31);
}
