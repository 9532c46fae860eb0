#!/usr/bin/env bash
# Core benchmark: compile latency of examples/hello.wat, size of the
# stripped hello executable, and its start-up time against a C hello world
# measured in the same run. Prints medians; not a test (the machine is
# shared and noisy, so only same-run ratios mean much).
# Usage: bench/core.sh [BUILD_DIR]   (default: build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
daggercc=$build/bin/daggercc
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed" >&2; exit 1; }

median() { # hyperfine JSON -> median seconds of each command, one per line
  python3 -c 'import json,sys; [print(r["median"]) for r in json.load(open(sys.argv[1]))["results"]]' "$1"
}

echo "== compile latency: daggercc examples/hello.wat -o hello (gcc -O2) =="
hyperfine -N --warmup 3 --runs 30 --export-json "$work/compile.json" \
  "$daggercc $top/examples/hello.wat -o $work/hello" >/dev/null
compile=$(median "$work/compile.json")
printf 'compile median: %.3f s (target <= 0.300 s)\n' "$compile"

echo "== size of the stripped hello executable =="
strip -o "$work/hello.stripped" "$work/hello"
size=$(stat -c %s "$work/hello.stripped")
python3 -c 'import sys; n=int(sys.argv[1]); print(f"stripped size: {n} bytes = {n/1024:.1f} KiB (target <= 64 KiB)")' "$size"

echo "== start-up: compiled hello vs C hello world (gcc -O2) =="
printf '#include <stdio.h>\nint main(void) { puts("Hello, Dagger!"); return 0; }\n' > "$work/chello.c"
gcc -O2 "$work/chello.c" -o "$work/chello"
hyperfine -N --warmup 50 --runs 1000 --export-json "$work/start.json" \
  "$work/chello" "$work/hello.stripped" >/dev/null
mapfile -t t < <(median "$work/start.json")
python3 - "${t[0]}" "${t[1]}" <<'PY'
import sys
c, d = float(sys.argv[1]), float(sys.argv[2])
print(f"C hello median:        {c*1e3:.3f} ms")
print(f"compiled hello median: {d*1e3:.3f} ms")
print(f"difference: {(d-c)*1e3:+.3f} ms (target within 0.2 ms), ratio {d/c:.2f}x")
PY
