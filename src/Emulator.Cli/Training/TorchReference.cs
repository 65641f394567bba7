using System.Diagnostics;
using System.Text.Json;
using Emulator.Nn.Data;

namespace Emulator.Cli.Training;

/// <summary>One PyTorch measurement from <c>perf/reference/train_fashion.py</c>.</summary>
/// <param name="Framework">"PyTorch 1.13.0", as the script reports it.</param>
/// <param name="ImagesPerSecond">Median training images per second over the timed epochs.</param>
/// <param name="EpochSeconds">Median seconds of the timed part of an epoch.</param>
/// <param name="Steps">Steps timed per epoch.</param>
/// <param name="TestAccuracy">Test accuracy after the last epoch (null when not evaluated).</param>
public sealed record TorchResult(string Framework, double ImagesPerSecond, double EpochSeconds, int Steps, double? TestAccuracy);

/// <summary>
/// Runs the PyTorch reference (<c>perf/reference/train_fashion.py</c>, embedded in emu) with a Python that has torch
/// (Debian's <c>python3-torch</c>): the same net, data and recipe, timed in the same run as ours.
/// </summary>
public static class TorchReference
{
    /// <summary>The first of <c>python3</c> and <c>/usr/bin/python3</c> that imports torch, or null.</summary>
    public static string? FindPython()
    {
        foreach (string candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var (code, _, _) = Exec(candidate, ["-c", "import torch, numpy"], TimeSpan.FromSeconds(120));
                if (code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { } // not on PATH
        }
        return null;
    }

    /// <summary>
    /// Runs the script for a model on the data of <paramref name="data"/> (the embedded subset is written to a temporary
    /// directory first): one epoch (or <paramref name="maxSteps"/> steps of it) at <paramref name="threads"/> threads.
    /// </summary>
    /// <exception cref="CliException">The script failed or printed no result.</exception>
    public static TorchResult Run(string python, string model, DataSplits data, string? dataDirectory, int threads, int maxSteps, int batchSize, double lr)
    {
        string temp = Path.Combine(Path.GetTempPath(), "emu-torch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            string script = Path.Combine(temp, "train_fashion.py");
            using (var s = typeof(TorchReference).Assembly.GetManifestResourceStream("train_fashion.py")!)
            using (var f = File.Create(script)) s.CopyTo(f);
            string dir = dataDirectory ?? WriteSplits(data, Path.Combine(temp, "data"));
            var args = new List<string> { script, "--data", dir, "--model", model, "--epochs", "1", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--batch", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lr", lr.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--no-eval" };
            if (maxSteps > 0) args.AddRange(["--max-steps", maxSteps.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var (code, stdout, stderr) = Exec(python, args, TimeSpan.FromHours(1));
            if (code != 0) throw new CliException($"PyTorch reference failed (exit {code}): {EmuApp.OneLine(stderr.Trim().Split('\n')[^1])}");
            using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            var r = doc.RootElement;
            return new TorchResult(r.GetProperty("framework").GetString()!, r.GetProperty("imagesPerSecond").GetDouble(), r.GetProperty("epochSeconds").GetDouble(),
                r.GetProperty("epochs")[0].GetProperty("steps").GetInt32(), r.GetProperty("testAccuracy").ValueKind == JsonValueKind.Number ? r.GetProperty("testAccuracy").GetDouble() : null);
        }
        catch (JsonException e) { throw new CliException($"PyTorch reference printed no JSON result: {e.Message}"); }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Writes byte-image splits as MNIST-layout IDX files (the embedded subset, for the script to read).</summary>
    private static string WriteSplits(DataSplits data, string dir)
    {
        Directory.CreateDirectory(dir);
        var names = MnistLayout.FileNames;
        Write(data.Train, Path.Combine(dir, names[0]), Path.Combine(dir, names[1]));
        Write(data.Test, Path.Combine(dir, names[2]), Path.Combine(dir, names[3]));
        return dir;
    }

    private static void Write(Dataset d, string images, string labels)
    {
        var pixels = d.RawBytes() ?? throw new CliException("the PyTorch reference reads byte images; this data set holds floats");
        IdxFile.Write(images, new NdArray(NdType.UInt8, d.Channels == 1 ? [d.Count, d.Height, d.Width] : [d.Count, d.Channels, d.Height, d.Width], pixels), gzip: false);
        IdxFile.Write(labels, new NdArray(NdType.UInt8, [d.Count], d.Labels.ToArray().Select(l => (byte)l).ToArray()), gzip: false);
    }

    private static (int Code, string Stdout, string Stderr) Exec(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new CliException($"{file} did not finish within {timeout}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
