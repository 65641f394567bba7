using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project perf/Emulator.Benchmarks -- --filter '*'  (add --job short for a quick look)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
