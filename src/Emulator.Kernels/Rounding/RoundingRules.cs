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
    /// <summary>
    /// The same decision as an increment for the bit-pattern trick: (a + increment) &amp; ~lowMask rounds the low
    /// <c>D</c> bits of <paramref name="a"/> away exactly as <see cref="RoundsUp"/> would (a carry means "up").
    /// </summary>
    static abstract TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV>;
    /// <summary>
    /// <see cref="PatternIncrement"/> for a per-lane count sh of discarded bits below 32 (<paramref name="lowMask"/> = 2^sh - 1,
    /// <paramref name="kept"/> = sig &gt;&gt; sh): (sig + increment) &gt;&gt; sh is the rounded value when sig + 2^sh does not
    /// wrap. Not for rules that read floor(nu 2^32) (<see cref="NeedsTop32"/>): they use <see cref="RoundsUp"/>.
    /// </summary>
    static abstract TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV>;
}

/// <summary>
/// A rule whose kernels the loop driver runs one register per step instead of two: its ops are too large for the JIT
/// to inline twice into one loop (to-odd's float op; inlined twice, the lane operations became calls, 25x slower).
/// A marker interface rather than a static property: the JIT decides <c>typeof(IOneRegisterPerStep).IsAssignableFrom</c>
/// while importing, before inlining, whereas a property's constant is known only after the inliner has spent its
/// budget on the dead two-register loop (measured: to-odd at 0.06x of copy speed).
/// </summary>
internal interface IOneRegisterPerStep : IRoundingRule;

/// <summary>
/// A round-to-nearest rule: up when nu &gt; 1/2, down when nu &lt; 1/2; only at nu = 1/2 does it read its tie-break (parity,
/// sign). Kernels that round the nearest rules alike away from ties test it with
/// <c>typeof(INearestRule).IsAssignableFrom(typeof(TRule))</c> (folded while importing, see <see cref="IOneRegisterPerStep"/>).
/// </summary>
internal interface INearestRule : IRoundingRule;

/// <summary>
/// Code generic over the rounding rule, run by <see cref="RoundingRules.Dispatch"/> with the rule struct of a
/// <see cref="RoundingMode"/>. A visitor is a (ref) struct that holds a call's arguments and calls its generic kernel in
/// <see cref="Visit"/>, so the kernel is compiled once per rule with the rule's decision inlined; a visitor that computes
/// something keeps the result in a field (it is passed by reference).
/// </summary>
internal interface IRuleVisitor
{
    /// <summary>Runs the visitor's kernel with the rule <typeparamref name="TRule"/>.</summary>
    void Visit<TRule>() where TRule : struct, IRoundingRule;
}

/// <summary>The one mode-to-rule map: every kernel that takes a <see cref="RoundingMode"/> reaches its rule struct here.</summary>
internal static class RoundingRules
{
    /// <summary>Calls <paramref name="visitor"/>.Visit with the rule struct of <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a <see cref="RoundingMode"/>.</exception>
    public static void Dispatch<TVisitor>(RoundingMode mode, scoped ref TVisitor visitor)
        where TVisitor : struct, IRuleVisitor, allows ref struct
    {
        switch (mode)
        {
            case RoundingMode.NearestEven: visitor.Visit<NearestEvenRule>(); break;
            case RoundingMode.NearestAway: visitor.Visit<NearestAwayRule>(); break;
            case RoundingMode.NearestZero: visitor.Visit<NearestZeroRule>(); break;
            case RoundingMode.TowardZero: visitor.Visit<TowardZeroRule>(); break;
            case RoundingMode.TowardPositive: visitor.Visit<TowardPositiveRule>(); break;
            case RoundingMode.TowardNegative: visitor.Visit<TowardNegativeRule>(); break;
            case RoundingMode.ToOdd: visitor.Visit<ToOddRule>(); break;
            case RoundingMode.Stochastic: visitor.Visit<StochasticRule>(); break;
            case RoundingMode.StochasticEqual: visitor.Visit<StochasticEqualRule>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a rounding mode");
        }
    }
}

/// <summary>Constants of the bit-pattern rounding trick for D discarded bits (D = 0 gives zero increments).</summary>
internal readonly struct PatternConstants
{
    public readonly int D, RandomShiftRight, RandomShiftLeft;
    public readonly uint LowMask, Half, HalfMinusOne, LsbMask, Flip;

    /// <param name="d">Discarded bits, 0..31.</param>
    /// <param name="flip">1 when the kept LSB's parity is the opposite of the candidate code's parity.</param>
    /// <param name="stochasticBits">N of stochastic(N).</param>
    public PatternConstants(int d, uint flip, int stochasticBits)
    {
        D = d;
        LowMask = (1u << d) - 1;
        Half = d == 0 ? 0u : 1u << (d - 1);
        HalfMinusOne = d == 0 ? 0u : Half - 1;
        LsbMask = d == 0 ? 0u : 1u;
        Flip = flip;
        // floor(nu 2^N) + R_N >= 2^N  <=>  rem + inc >= 2^D with inc = R_N << (D - N) (N <= D) or R_N >> (N - D) (N > D).
        int n = stochasticBits;
        RandomShiftRight = n >= d ? 32 - d : 32 - n;
        RandomShiftLeft = n >= d ? 0 : d - n;
    }
}

internal struct NearestEvenRule : INearestRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        (TV.ShiftRightLogical(lowMask, 1)) + (kept & TV.Create(1));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.Create(c.HalfMinusOne) + ((TV.ShiftRightLogical(a, c.D) ^ TV.Create(c.Flip)) & TV.Create(c.LsbMask));
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf | (r.AtHalf & r.LowerOdd);
}

internal struct NearestAwayRule : INearestRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.ShiftRightLogical(lowMask, 1) + TV.Create(1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.Create(c.Half);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf | r.AtHalf;
}

internal struct NearestZeroRule : INearestRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.ShiftRightLogical(lowMask, 1);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.Create(c.HalfMinusOne);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.AboveHalf;
}

internal struct TowardZeroRule : IRoundingRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.Create(0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.Create(0);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.Create(0);
}

internal struct TowardPositiveRule : IRoundingRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.AndNot(lowMask, negative);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.AndNot(TV.Create(c.LowMask), negative);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.AndNot(r.Inexact, r.Negative);
}

internal struct TowardNegativeRule : IRoundingRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        negative & lowMask;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        negative & TV.Create(c.LowMask);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => r.Inexact & r.Negative;
}

internal struct ToOddRule : IOneRegisterPerStep
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.AndNot(TV.GreaterThan(sig & lowMask, TV.Create(0)), TV.Equal(kept & TV.Create(1), TV.Create(1))) & lowMask;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.AndNot(TV.GreaterThan(a & TV.Create(c.LowMask), TV.Create(0)), TV.Equal((TV.ShiftRightLogical(a, c.D) ^ TV.Create(c.Flip)) & TV.Create(1), TV.Create(1))) & TV.Create(c.LowMask);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> => TV.AndNot(r.Inexact, r.LowerOdd);
}

/// <summary>floor(nu 2^N) + R &gt;= 2^N, i.e. R &gt; (2^N - 1) - floor(nu 2^N) = (~top32) &gt;&gt; (32 - N); never for nu = 0.</summary>
internal struct StochasticRule : IRoundingRule
{
    /// <summary>Not used: the decision needs floor(nu 2^32) beyond 32 discarded bits (kernels call <see cref="RoundsUp"/>).</summary>
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        throw new NotSupportedException("stochastic rounding decides through RoundsUp");
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.ShiftLeft(TV.ShiftRightLogical(random, c.RandomShiftRight), c.RandomShiftLeft) & TV.Create(c.LowMask);
    public static bool NeedsTop32 => true;
    public static bool IsStochastic => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> =>
        TV.GreaterThan(TV.ShiftRightLogical(r.Random, shift), TV.ShiftRightLogical(r.Top32 ^ TV.Create(uint.MaxValue), shift));
}

internal struct StochasticEqualRule : IRoundingRule
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV VariableIncrement<TV>(TV sig, TV kept, TV lowMask, TV negative, TV random) where TV : struct, ILanes<TV> =>
        TV.ShiftRightArithmetic(random, 31) & lowMask;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV PatternIncrement<TV>(TV a, TV negative, TV random, in PatternConstants c) where TV : struct, ILanes<TV> =>
        TV.ShiftRightArithmetic(random, 31) & TV.Create(c.LowMask);
    public static bool NeedsTop32 => false;
    public static bool IsStochastic => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundsUp<TV>(in RoundingLanes<TV> r, int shift) where TV : struct, ILanes<TV> =>
        r.Inexact & TV.ShiftRightArithmetic(r.Random, 31);
}
