#!/usr/bin/env bash
# The longer fuzzing run: builds the libFuzzer targets (fuzz/CMakeLists.txt
# on its own: only CMake and clang-19 are needed), then fuzzes each TARGET
# in turn for SECONDS (default 600) on a corpus kept between runs, and ends
# with a table of executions and coverage. See fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# TARGETs are the names after fuzz_ (reader url policy http_request jail
# http_url); none means all. One fuzzer runs at a time, in one process.
# The corpora, crash inputs and logs live in $DAGGER_FUZZ_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/daggercc-fuzz), never in the source tree;
# fuzz/corpus/<target>/ holds the seeds and is only read. The exit status is
# non-zero when a target found a crash, a leak, a timeout or ran out of
# memory; the input is in $DAGGER_FUZZ_DIR/<target>/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

seconds=600
if (($# > 0)) && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
dir=${DAGGER_FUZZ_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/daggercc-fuzz}
build=$dir/build
mkdir -p "$dir"

cmake -S fuzz -B "$build" -DDAGGER_FUZZ=ON >"$dir/configure.log" ||
  {
    cat "$dir/configure.log"
    exit 1
  }
targets=("$@")
if ((${#targets[@]} == 0)); then
  read -r -a targets <"$build/targets.txt" # those this machine can build
fi
build_targets=()
for t in "${targets[@]}"; do
  if [[ ! -f fuzz/fuzz_$t.c ]]; then
    echo "fuzz.sh: no target $t (fuzz/fuzz_$t.c)" >&2
    exit 2
  fi
  build_targets+=("fuzz_$t")
done
cmake --build "$build" --target "${build_targets[@]}"

summary=()
failed=0
for t in "${targets[@]}"; do
  echo "=== fuzz_$t for $seconds s ==="
  out=$dir/$t/run.out
  mkdir -p "$dir/$t"
  status=0
  fuzz/run.sh "$build/bin/fuzz_$t" "$top/fuzz/corpus/$t" "$dir/$t/corpus" \
    "$dir/$t/artifacts" "$seconds" >"$out" || status=$?
  cat "$out"
  summary+=("$(head -n 1 "$out")$( ((status == 0)) || echo "  FAILED")")
  ((status == 0)) || failed=1
done

echo
echo "=== summary ($seconds s per target; corpora in $dir) ==="
printf '%s\n' "${summary[@]}"
exit "$failed"
