#!/usr/bin/env bash
# Load on the Gopher example (examples/gopher): gopherd on loopback, the
# routes compiled by this build's daggercc, driven by bench/gopher/load.c.
#   run 1: REQUESTS requests (default 2000), 50 concurrent, to the menu and
#          two texts; target: no errors, p99 under 50 ms;
#   run 2: the same while 10 requests sit on /loop (a route that never ends,
#          killed at gopherd's 5 s limit) and 5 connections send nothing
#          (answered at the read time-out): the timed requests must not
#          notice, and the loops and idle clients get their answer at their
#          own limit.
# Each run is repeated REPS times (default 3); the summary gives medians.
# Bounded: loopback only, every request times out after 10 s, and the whole
# script after 10 minutes. Not a test (the figures depend on the machine).
# The routes are linked static where this daggercc can (as the example's
# README does): a static route starts about 1.5 ms faster here. LINK=dynamic
# builds them as plain daggercc programs instead, to compare.
# Usage: bench/gopher-load.sh [BUILD_DIR] (default: build)
#        env REQUESTS, REPS, WORKERS (gopherd -w, default its own), LINK
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
requests=${REQUESTS:-2000} reps=${REPS:-3}
for tool in clang-19 cc python3; do
  command -v $tool > /dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/dagger-gopher-load.XXXXXX")
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -R "$top/examples/gopher/." "$work/"
cd "$work"
sdk=$("$build/bin/daggercc" --print-sdk-dir)
mkdir -p wasm bin
link=()
case $("$build/bin/daggercc" --print-features) in
*"static: yes"*) [[ ${LINK-} == dynamic ]] || link=(--static) ;;
esac
for route in index text loop; do
  clang-19 --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry \
    -Wl,--export=dagger_main -Wl,--stack-first -I "$sdk" \
    "routes/$route.c" -o "wasm/$route.wasm"
  "$build/bin/daggercc" "${link[@]}" --timeout 5 --cpu-time 5 --max-memory 16MiB \
    "wasm/$route.wasm" -o "bin/$route"
done
cc -std=c11 -O2 -pthread gopherd.c -o gopherd
cc -std=c11 -O2 -pthread "$top/bench/gopher/load.c" -o load
cc -std=c11 -O2 "$top/bench/spawn.c" -o bench-spawn
printf 'int main(void) { return 0; }\n' > empty.c
cc -O2 -static empty.c -o empty-static

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
workers=()
[[ -n ${WORKERS-} ]] && workers=(-w "$WORKERS")
./gopherd -t 5 "${workers[@]}" -R bin -J public "$port" 2> gopherd.log &
server=$!
until grep -q serving gopherd.log 2> /dev/null; do kill -0 $server; sleep 0.1; done
head -n1 gopherd.log

# The floor under every latency: one route run alone (spawn, start-up and
# its work), on this machine as loaded now, beside an empty static C
# program spawned the same way: medians of 200 runs, wall clock and CPU.
printf '\r\n127.0.0.1\t70\n' > request
floor() { # NAME PROGRAM [-s]
  ./bench-spawn ${3-} -i request 200 "$2" |
    awk -v n="$1" '{ printf "%s: %.2f ms wall, %.2f ms CPU\n", n, $1 / 1e6, $2 / 1e6 }'
}
floor "one route alone (bin/index ${link[*]:-dynamic}, 200 runs)" bin/index
# What gopherd pays per request now: a request to a started route (serve
# mode, docs/serve.md), its CPU time being the route process's.
floor "one request to a started route (serve mode, 200 requests)" bin/index -s
floor "an empty static C program (200 runs)" ./empty-static
uptime

run() { # run NAME LOAD-ARGS...: one line per repetition into NAME.txt
  local name=$1
  shift
  for ((i = 1; i <= reps; i++)); do
    timeout 600 ./load "$port" -n "$requests" -c 50 "$@" | tee -a "$name.txt" || true
  done
}
echo "== run 1: $requests requests, 50 concurrent, no looping route (x$reps)"
run plain
echo "== run 2: the same with 10 requests on /loop and 5 idle connections (x$reps)"
run hostile -l 10 -i 5
python3 - "$reps" <<'PY'
import re, statistics, sys
def medians(name):
    rows = [l for l in open(name + ".txt") if l.startswith("requests:")]
    nums = lambda key: [float(re.search(key + r" ([0-9.]+)", l).group(1)) for l in rows]
    errs = [sum(int(re.search(k + r" ([0-9]+)", l).group(1))
                for k in ("error items", "resets", "time-outs")) for l in rows]
    return (statistics.median(nums("p50")), statistics.median(nums("p99")),
            statistics.median(nums("max")), statistics.median(errs))
print("== medians over %s repetitions (errors: error items, resets and time-outs)" % sys.argv[1])
for name, what in (("plain", "run 1 (plain)"), ("hostile", "run 2 (10 loops, 5 idle)")):
    p50, p99, mx, e = medians(name)
    print(f"{what:26s} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {mx:7.1f} ms  errors {e:g}")
for side in ("loops", "idle"):
    rows = [l for l in open("hostile.txt") if l.startswith(side + ":")]
    print(f"{side:26s} " + "; ".join(r.split(": ", 1)[1].strip() for r in rows))
PY
