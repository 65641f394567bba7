namespace Emulator.Formats;

/// <summary>Which codes of a binary float format are NaN or infinities (FORMATS.md section 2).</summary>
public enum SpecialCodes
{
    /// <summary>Exponent all ones: mantissa 0 is ±Inf, otherwise NaN; -0 exists (binary16, bfloat16, e5m2, e3m4).</summary>
    Ieee,
    /// <summary>Only the all-ones magnitude (either sign) is NaN; no infinities (OCP e4m3fn, unsigned e8m0/ue4m3, P3109 unsigned finite).</summary>
    Fn,
    /// <summary>Only the negative-zero code 100...0 is NaN; no infinities, no -0 (e4m3fnuz, e5m2fnuz, P3109 signed finite).</summary>
    Fnuz,
    /// <summary>P3109 extended domain: signed 0x80 NaN, 0x7F +Inf, 0xFF -Inf; unsigned all ones NaN, all ones - 1 +Inf.</summary>
    P3109Extended,
    /// <summary>Every code is a finite number (OCP fp6 and fp4).</summary>
    None,
}
