#!/usr/bin/env bash
# Stream throughput: a compiled module copying 1 GiB from zero:// to null://
# and from a jailed file to null://, against `cat FILE > /dev/null` as the
# baseline measured in the same run; and the peak RSS of a module reading a
# 1 GiB HTTP body from a loopback server. Medians; not a test.
# Usage: bench/streams.sh [BUILD_DIR]   (default: build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-bench.XXXXXX")
cleanup() { exec 3>&- 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for tool in hyperfine clang-19 python3; do
  command -v $tool > /dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
gib=$((1 << 30))

clang-19 --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry \
  -Wl,--export=dagger_main -Wl,--stack-first -I "$("$build/bin/daggercc" --print-sdk-dir)" \
  "$top/bench/streams/copy.c" -o "$work/copy.wasm"
"$build/bin/daggercc" "$work/copy.wasm" -o "$work/copy"
head -c $gib /dev/zero > "$work/big.bin"
printf 'zero://\nnull://\n%d\n' $gib > "$work/zero.in"
printf 'file:///big.bin\nnull://\n0\n' > "$work/file.in"

cd "$work"
# hyperfine 1.15 has no --input: the commands go through its shell (whose
# start-up it measures and subtracts).
hyperfine --warmup 2 --runs 15 --export-json times.json \
  --command-name "cat file" "cat big.bin > /dev/null" \
  --command-name "zero:// -> null://" "./copy < zero.in" \
  --command-name "file:// -> null://" "./copy < file.in" > /dev/null
python3 - "$gib" <<'PY'
import json, sys
gib = int(sys.argv[1])
res = {r["command"]: r["median"] for r in json.load(open("times.json"))["results"]}
base = res["cat file"]
for name, t in res.items():
    print(f"{name:22s} median {t*1e3:8.1f} ms  {gib/t/1e9:6.2f} GB/s  "
          f"time vs cat {t/base:5.2f}x")
PY

echo "== peak RSS reading a 1 GiB HTTP body (target < 64 MiB) =="
mkfifo ctl
python3 "$top/tests/servers/httpd.py" < ctl > port &
exec 3> ctl
for _ in $(seq 100); do [[ -s port ]] && break; sleep 0.05; done
printf 'http://127.0.0.1:%s/big?n=%d\nnull://\n0\n' "$(head -n1 port)" $gib > http.in
python3 - <<'PY'
import resource, subprocess, time
t = time.monotonic()
out = subprocess.run(["./copy"], stdin=open("http.in"), capture_output=True, text=True, check=True)
t = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
print(f"copied {int(out.stdout)} bytes in {t:.2f} s; peak RSS {rss/1024:.1f} MiB")
PY
