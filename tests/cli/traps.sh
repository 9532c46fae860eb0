#!/usr/bin/env bash
# The fault handler of compiled programs (rt/wasm2c/traps.c), for each bounds
# strategy on the host and under qemu-user: stack exhaustion and guard-page
# faults become traps, and a fault anywhere else (a host bug) still kills
# the process with SIGSEGV instead of passing for a wasm trap. wasm2c
# 1.0.32's own handler called every fault a trap, and under qemu it
# reported stack exhaustion as an out-of-bounds access.
# Environment: DAGGER_BUILD_DIR (the build tree).
source "$(dirname "$0")/lib.sh"
[[ -n ${DAGGER_BUILD_DIR:-} ]] || { echo "traps: DAGGER_BUILD_DIR not set"; exit 77; }
cd "$WORK"
lib=$DAGGER_BUILD_DIR/lib/daggercc inc=$DAGGER_BUILD_DIR/include/daggercc
# flags_of reads the glue's compile command from -v, which a program found
# in the cache never runs (a cache warm from an earlier run left the flags
# empty, and traps.c was then built for the wrong strategy).
programs_uncached

# The strategy's defines and the host's sanitizer flags, as daggercc passes
# them to the C compiler.
flags_of() { # TARGET BOUNDS
  dcc -v --target="$1" --bounds="$2" "$HELLO" -o probe
  grep -- "daggercc-glue\.c" <<<"$err" | tr ' ' '\n' |
    grep -E -- '^-D|^-f(no-)?sanitize|^-fno-omit-frame-pointer' | tr '\n' ' '
}

check() { # WHAT PROGRAM-AND-RUNNER... : runs every case
  local what=$1 bounds=$2
  shift 2
  run "$@" recurse
  [[ $status == 0 && $out == "trap exhaustion" ]]
  ok $? "$what: recursion is stack exhaustion ($status, [$out], [$err])"
  # An unlimited stack never faults by itself: the handler sets a limit.
  run bash -c 'ulimit -s unlimited && exec "$@"' - "$@" recurse
  [[ $status == 0 && $out == "trap exhaustion" ]]
  ok $? "$what: unlimited stack, recursion is stack exhaustion ($status, [$out], [$err])"
  if [[ $bounds == guard ]]; then
    run "$@" oob
    [[ $status == 0 && $out == "trap oob" ]]
    ok $? "$what: a guard-page fault is out of bounds ($status, [$out], [$err])"
  fi
  for crash in null kill; do
    run "$@" $crash
    [[ $status == 139 && -z $out ]]
    ok $? "$what: a $crash fault in host code still kills ($status, [$out], [$err])"
  done
}

host=$("$DAGGERCC" --print-features | sed -n 's/^target: \([^ ]*\).*/\1/p')
for bounds in guard explicit; do
  # shellcheck disable=SC2046
  cc -O1 $(flags_of "$host" $bounds) -I "$inc" "$DATA/traps.c" -o traps-$bounds \
    -L "$lib" -ldagger-wasmrt-$bounds -lm
  ok $? "traps.c builds ($bounds)"
  check "host, $bounds" $bounds ./traps-$bounds
done

for t in aarch64-linux-gnu arm-linux-gnueabihf s390x-linux-gnu; do
  [[ -f $lib/$t/libdaggerrt.a ]] && command -v $t-gcc >/dev/null || continue
  runner=$("$DAGGERCC" --target=$t --print-runner)
  for bounds in guard explicit; do
    "$DAGGERCC" --target=$t --bounds=$bounds --print-runner >/dev/null 2>&1 || continue
    # shellcheck disable=SC2046
    $t-gcc -O1 $(flags_of $t $bounds) -I "$inc" "$DATA/traps.c" -o traps-$t-$bounds \
      -L "$lib/$t" -ldagger-wasmrt-$bounds -lm
    ok $? "traps.c builds ($t, $bounds)"
    # shellcheck disable=SC2086
    check "$t, $bounds" $bounds $runner ./traps-$t-$bounds
  done
done
rm -f probe
expect_clean_tmp "traps"
done_testing
