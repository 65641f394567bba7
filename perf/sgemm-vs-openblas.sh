#!/bin/sh
# Our SGEMM against OpenBLAS (one thread, its AVX-512 SkylakeX kernel) on n = 2048 and the training shapes, in one
# process with interleaved timed rounds; prints median GFLOP/s and the ratio ours / OpenBLAS.
# Needs OpenBLAS: apt-get install -y libopenblas-dev (Debian 12: 0.3.21).
# Usage: perf/sgemm-vs-openblas.sh [--seconds S] [name:ta:tb:m:n:k ...]
set -e
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 OPENBLAS_VERBOSE=2
dotnet build perf/Emulator.Benchmarks/Emulator.Benchmarks.csproj -c Release -o /tmp/emulator-sgemm-vs-openblas -v q -nologo | grep -E ' error |rror\(s\)' | grep -v ' 0 Error' && exit 1 || true
exec dotnet /tmp/emulator-sgemm-vs-openblas/Emulator.Benchmarks.dll sgemm-openblas "$@"
