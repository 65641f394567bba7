using System.Diagnostics;
using Emulator.Formats;

namespace Emulator.Kernels;

/// <summary>One disagreement between the kernel and the scalar reference on a float32 input.</summary>
public sealed record KernelMismatch(uint InputBits, uint KernelCode, uint ReferenceCode, uint KernelValueBits, uint ReferenceValueBits);

/// <summary>The outcome of <see cref="KernelVerifier.Compare"/>.</summary>
public sealed record KernelVerifyResult(string Format, string Rounding, ulong Start, ulong Checked, long Mismatches,
    IReadOnlyList<KernelMismatch> FirstMismatches, TimeSpan Elapsed);

/// <summary>
/// Compares the kernels (<see cref="QuantizeKernels.Encode(ReadOnlySpan{float}, Span{uint}, ScalarFormat, in RoundingOptions, in KernelOptions)"/>
/// and Quantize) with the scalar reference (<see cref="ScalarFormat.Encode(double, in RoundingOptions, long)"/> and
/// <see cref="ScalarFormat.Quantize(float, in RoundingOptions, long)"/>) on a range of float32 bit patterns: input k of the
/// range is the pattern start + k and has element index start + k (so stochastic modes are checked too).
/// For formats of at most 16 bits the reference Quantize is read as the reference Decode of the reference code, which is
/// its definition in <see cref="ScalarFormat"/>.
/// </summary>
public static class KernelVerifier
{
    private const int Block = 1 << 16;

    /// <summary>Checks patterns [start, start + count) (count up to 2^32: every float32) on <paramref name="threads"/> threads.</summary>
    public static KernelVerifyResult Compare(ScalarFormat format, in RoundingOptions rounding, ulong start = 0, ulong count = 1UL << 32,
        int threads = 2, int maxReported = 10, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (start > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(start), start, "start must be a float32 bit pattern (0..2^32-1)");
        if (count > (1UL << 32) - start) throw new ArgumentOutOfRangeException(nameof(count), count, $"start + count must be at most 2^32 (start = {start})");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        if (maxReported < 0) throw new ArgumentOutOfRangeException(nameof(maxReported), maxReported, "maxReported must be non-negative");
        var sw = Stopwatch.StartNew();
        long blocks = (long)((count + Block - 1) / Block), done = 0, mismatches = 0;
        var first = new List<KernelMismatch>();
        RoundingOptions ro = rounding;
        // ScalarFormat.Quantize is by definition Decode(Encode(x)) (NaN stays NaN where the format has no NaN); for formats
        // of at most 16 bits the reference decode of every code is tabulated once so each input costs one reference Encode.
        float[]? decoded = format.Bits <= 16 ? new float[format.CodeCount] : null;
        if (decoded is not null)
            for (uint c = 0; c < decoded.Length; c++) decoded[c] = (float)format.Decode(c);
        Parallel.For(0L, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new Buffers(), (b, _, buf) =>
        {
            ulong begin = start + (ulong)b * Block;
            int n = (int)Math.Min(Block, start + count - begin);
            for (int k = 0; k < n; k++) buf.X[k] = BitConverter.UInt32BitsToSingle((uint)(begin + (ulong)k));
            var ko = new KernelOptions { IndexOffset = (long)begin };
            var x = buf.X.AsSpan(0, n);
            QuantizeKernels.Encode(x, buf.Codes.AsSpan(0, n), format, ro, ko);
            QuantizeKernels.Quantize(x, buf.Values.AsSpan(0, n), format, ro, ko);
            long bad = 0;
            for (int k = 0; k < n; k++)
            {
                long index = (long)begin + k;
                uint code = format.Encode(x[k], ro, index);
                uint value = BitConverter.SingleToUInt32Bits(decoded is null || (float.IsNaN(x[k]) && !format.HasNaN)
                    ? format.Quantize(x[k], ro, index) : decoded[code]);
                uint valueK = BitConverter.SingleToUInt32Bits(buf.Values[k]);
                if (code == buf.Codes[k] && value == valueK) continue;
                bad++;
                lock (first)
                    if (first.Count < maxReported) first.Add(new KernelMismatch((uint)index, buf.Codes[k], code, valueK, value));
            }
            Interlocked.Add(ref mismatches, bad);
            long d = Interlocked.Increment(ref done);
            progress?.Report((double)d / blocks);
            return buf;
        }, _ => { });
        first.Sort((a, c) => a.InputBits.CompareTo(c.InputBits));
        return new KernelVerifyResult(format.Name, format.WithDefaults(rounding).Mode.Name(), start, count, mismatches, first, sw.Elapsed);
    }

    private sealed class Buffers
    {
        public readonly float[] X = new float[Block];
        public readonly uint[] Codes = new uint[Block];
        public readonly float[] Values = new float[Block];
    }
}
