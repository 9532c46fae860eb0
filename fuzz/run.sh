#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time and prints one summary line.
#
#   fuzz/run.sh [--fresh] FUZZER SEEDS CORPUS ARTIFACTS SECONDS [FLAG...]
#
# FUZZER runs for SECONDS on CORPUS (created if missing; with --fresh it is
# emptied first, so a run starts from the seeds alone) and SEEDS, which is
# read but never written: new inputs go to CORPUS. A crash, leak, timeout
# (an input running over 10 s) or out-of-memory stops the run, leaves the
# input in ARTIFACTS/ and makes the exit status non-zero. The whole log is
# ARTIFACTS/NAME.log; the last lines of it are printed on failure. Extra
# FLAGs go to libFuzzer (e.g. -runs=N). TMPDIR points into ARTIFACTS/tmp
# (emptied first), so fuzz_jail's temporary tree does not pile up.
#
# Used by the CTest tests (label fuzz, --fresh) and by scripts/fuzz.sh.
set -euo pipefail

fresh=0
if [[ ${1:-} == --fresh ]]; then
  fresh=1
  shift
fi
if (($# < 5)); then
  echo "usage: fuzz/run.sh [--fresh] FUZZER SEEDS CORPUS ARTIFACTS SECONDS [FLAG...]" >&2
  exit 2
fi
fuzzer=$1 seeds=$2 corpus=$3 artifacts=$4 seconds=$5
shift 5
name=$(basename "$fuzzer")

if ((fresh)); then
  rm -rf "$corpus"
fi
mkdir -p "$corpus" "$artifacts"
rm -rf "$artifacts/tmp"
mkdir -p "$artifacts/tmp"
log=$artifacts/$name.log

status=0
start=$(date +%s)
TMPDIR=$artifacts/tmp "$fuzzer" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$@" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
elapsed=$(($(date +%s) - start))
rm -rf "$artifacts/tmp"

final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
execs=$(final_stat number_of_executed_units)
rate=$(final_stat average_exec_per_sec)
rss=$(final_stat peak_rss_mb)
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1 || true)
printf '%s: %s executions in %s s (%s/s), %s, peak RSS %s MB\n' \
  "$name" "${execs:-?}" "$elapsed" "${rate:-?}" "${cov:-no coverage line}" \
  "${rss:-?}"

if ((status != 0)); then
  echo "$name: FAILED (libFuzzer exit status $status); the last lines of $log:"
  tail -n 60 "$log"
  find "$artifacts" -maxdepth 1 -newermt "@$start" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
    while read -r f; do echo "$name: reproduce with: $fuzzer $f"; done
  exit 1
fi
