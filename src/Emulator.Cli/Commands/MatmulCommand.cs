using System.CommandLine;
using Emulator.Cli.IO;
using Emulator.Kernels.Gemm;

namespace Emulator.Cli.Commands;

/// <summary><c>emu matmul</c>: the emulated product C = A x B of two float32 .npy matrices, with the GEMM kernels.</summary>
public static class MatmulCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var a = new Option<string>("--a") { Description = "A: float32 .npy matrix of shape M x K", Required = true };
        var b = new Option<string>("--b") { Description = "B: float32 .npy matrix of shape K x N", Required = true };
        var output = new Option<string>("--out") { Description = "C: float32 .npy matrix of shape M x N", Required = true };
        var aFormat = new Option<string?>("--a-format") { Description = "Quantize A to this format (nearest-even) before multiplying; products are exact. A scalar format (e4m3, bfloat16, int8, ...) or a 1xB block format with blocks along K (mxfp4, mxfp8-e4m3, nvfp4, ...); with block formats on both inputs each output is the block-scaled dot product (per-block exact sums, scaled, float32 accumulation)" };
        var bFormat = new Option<string?>("--b-format") { Description = "Quantize B to this format before multiplying (block formats: blocks along K, the columns of B)" };
        var accumulator = new Option<string?>("--accumulator") { Description = "Accumulate in this float format (e.g. binary16, bfloat16), rounding after every addition; or 'quire' for posit inputs (one exact dot product per output, rounded once)" };
        var accRounding = new Option<string?>("--accumulator-rounding") { Description = "Rounding of every accumulation step (default nearest-even)" };
        var order = new Option<string?>("--order") { Description = "Accumulation order: sequential, pairwise or chunked:K (K products summed in float32, then added to the accumulator)" };
        var threads = new Option<int>("--threads") { Description = "Threads (the bits never depend on it)", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Philox seed for stochastic accumulation", DefaultValueFactory = _ => 0 };
        var command = new Command("matmul",
            "Emulated matrix multiplication C = A x B of two float32 .npy matrices.\n\n" +
            "Examples:\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --a-format e4m3 --b-format e4m3\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --a-format mxfp4 --b-format mxfp4\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --accumulator binary16 --order chunked:32\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --accumulator bfloat16 --accumulator-rounding stochastic --seed 3\n" +
            "  emu matmul --a A.npy --b B.npy --out C.npy --a-format posit16 --b-format posit16 --accumulator quire")
        { a, b, output, aFormat, bFormat, accumulator, accRounding, order, threads, seed };
        command.SetAction(parse =>
        {
            Tensor ta = TensorFile.Read(parse.GetValue(a)!, "--a"), tb = TensorFile.Read(parse.GetValue(b)!, "--b");
            if (ta.Shape.Length != 2) throw new CliException($"--a: shape ({string.Join(", ", ta.Shape)}) is not a matrix (M x K)");
            if (tb.Shape.Length != 2) throw new CliException($"--b: shape ({string.Join(", ", tb.Shape)}) is not a matrix (K x N)");
            int m = ta.Shape[0], k = ta.Shape[1], n = tb.Shape[1];
            if (tb.Shape[0] != k) throw new CliException($"--b: has {tb.Shape[0]} rows but A has {k} columns (K must agree)");
            int t = parse.GetValue(threads);
            if (t is < 1 or > 1024) throw new CliException($"--threads {t}: must be in 1..1024");
            GemmOptions options = GemmOptions.FromNames(parse.GetValue(aFormat), parse.GetValue(bFormat), parse.GetValue(accumulator),
                parse.GetValue(accRounding), parse.GetValue(order), t, seed: parse.GetValue(seed));
            var c = new float[(long)m * n];
            EmulatedMatMul.Multiply(ta.Data, tb.Data, c, m, n, k, options);
            string outPath = parse.GetValue(output)!;
            using var outputs = new AtomicOutputs();
            outputs.Add(outPath, "--out", TensorFile.Serialize(c, [m, n], npy: true));
            outputs.Commit();
            context.Output.WriteLine($"C = A x B: {m} x {k} times {k} x {n} -> {outPath}");
            return 0;
        });
        return command;
    }
}
