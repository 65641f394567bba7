#!/bin/sh
# `emu bench gemm` of two builds in the same conditions: the two runs alternate ROUNDS times and each kernel's median
# GFLOP/s per CPU share (gflops / cpuShare: the speed with the core to ourselves, robust on a shared machine) is compared.
# Usage: perf/gemm-bench-compare.sh BEFORE_DIR AFTER_DIR [ROUNDS] [emu bench gemm options...]
#   BEFORE_DIR/AFTER_DIR hold an `emu` built from each commit, e.g.
#   git worktree add /tmp/base main && dotnet build /tmp/base/src/Emulator.Cli -c Release -o /tmp/emu-before
set -e
before=$1; after=$2; rounds=${3:-3}
shift 3 || shift $#
out=$(mktemp -d)
i=0
while [ $i -lt "$rounds" ]; do
  "$before/emu" bench gemm --json "$out/before-$i.json" "$@" >/dev/null 2>&1
  "$after/emu" bench gemm --json "$out/after-$i.json" "$@" >/dev/null 2>&1
  i=$((i + 1))
done
python3 - "$out" "$rounds" <<'PY'
import json, sys, statistics
out, rounds = sys.argv[1], int(sys.argv[2])
def load(tag):
    runs = {}
    for i in range(rounds):
        for r in json.load(open(f"{out}/{tag}-{i}.json")):
            runs.setdefault((r["kernel"], r["n"], r["threads"]), []).append(r["gflops"] / max(r["cpuShare"], 0.01))
    return runs
b, a = load("before"), load("after")
print(f"{'kernel':24} {'n':>5} {'thr':>3} {'before':>9} {'after':>9} {'after/before':>12}")
for key in b:
    if key not in a: continue
    mb, ma = statistics.median(b[key]), statistics.median(a[key])
    print(f"{key[0]:24} {key[1]:5} {key[2]:3} {mb:9.1f} {ma:9.1f} {ma / mb:12.2f}")
PY
rm -r "$out"
