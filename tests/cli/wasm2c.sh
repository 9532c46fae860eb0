#!/usr/bin/env bash
# The patched wasm2c (third_party/wabt, cmake/Wasm2cLinear.cmake): daggercc
# runs it; it writes the very C and header that Debian's wasm2c writes, on
# a module whose locals are named like its functions, globals, imports and
# wasm2c's own stack variables; pruning the cache leaves it; and its work
# grows linearly with the number of functions, counted in memcpy() calls
# (no timing: docs/bench.md times it).
#   wasm2c.sh        those checks (cli/wasm2c)
#   wasm2c.sh spec   only the same C and header for modules of the spec
#                    suite (spec/wasm2c-same: every 4th module)
# Environment: DAGGER_BUILD_DIR, WASM2C (Debian's), WAT2WASM,
# DAGGER_SPEC_SUITE and WAST2JSON (spec), DAGGER_REQUIRE_WASM2C (1: fail
# rather than skip without the patched wasm2c).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
patched=$DAGGER_BUILD_DIR/lib/daggercc/wabt/wasm2c
if [[ ! -x $patched ]]; then
  echo "wasm2c: no patched wasm2c at $patched (see the build's STATUS line)"
  [[ ${DAGGER_REQUIRE_WASM2C:-0} == 1 ]] && exit 1
  exit 77
fi

# same WASM: both wasm2cs write the same m.c and m.h (same -n and file
# names, in two folders, side by side); their exit statuses agree where
# they both fail.
same() {
  local wasm=$1 a b
  rm -rf deb pat
  mkdir deb pat
  "$WASM2C" -n m -o deb/m.c -- "$wasm" >/dev/null 2>&1 &
  "$patched" -n m -o pat/m.c -- "$wasm" >/dev/null 2>&1
  b=$?
  wait $!
  a=$?
  [[ $a == "$b" ]] && { [[ $a != 0 ]] || { cmp -s deb/m.c pat/m.c && cmp -s deb/m.h pat/m.h; }; }
}

# spec: every 4th module (not the invalid or malformed ones) of every
# .wast file of the suite, as wast2json writes them (SPEC_EVERY=1: all
# 1,595 of them, two minutes on an idle machine; a quarter keeps every
# file's kinds of module and the test's share of CI's time small).
spec_suite() {
  local wast base wasm total=0 checked=0 every=${SPEC_EVERY:-4} differ=()
  [[ -d ${DAGGER_SPEC_SUITE:-} && -x ${WAST2JSON:-} ]] || {
    echo "wasm2c: no spec suite or wast2json"
    exit 77
  }
  mkdir json
  for wast in "$DAGGER_SPEC_SUITE"/*.wast; do
    base=$(basename "$wast" .wast)
    "$WAST2JSON" --debug-names "$wast" -o "json/$base.json" >/dev/null 2>&1 || continue
    for wasm in $(grep -o '"type": "module",[^}]*"filename": "[^"]*"' "json/$base.json" |
      sed 's/.*"filename": "//; s/"$//'); do
      total=$((total + 1))
      ((total % every == 0)) || continue
      checked=$((checked + 1))
      same "json/$wasm" || differ+=("$wasm")
    done
    rm -f json/*
  done
  [[ $total -gt 1000 && $checked -ge $((total / every)) && ${#differ[@]} == 0 ]]
  ok $? "the spec suite: the same C and header for $checked of its $total modules (differ: ${differ[*]})"
  expect_clean_tmp "wasm2c spec"
  done_testing
}
[[ ${1:-} == spec ]] && spec_suite

dcc --print-features
expect_out_match "^wasm2c: $patched \(wabt 1\.0\.32, patched" \
  "--print-features names the patched wasm2c"
dcc -v --no-cache "$HELLO" -o hello
grep -q "^$patched -n m -o " <<<"$err"
ok $? "daggercc runs the patched wasm2c"
expect_hello ./hello "hello through the patched wasm2c"

# The build's copy in the cache (cmake/wasm2c-linear.cmake: CACHE/wasm2c/
# KEY) is no entry of daggercc's: pruning to a tiny cap leaves it.
export DAGGER_CACHE_DIR=$WORK/cache
mkdir -p cache/wasm2c/wabt-1.0.32-1-0123456789abcdef
cp "$patched" cache/wasm2c/wabt-1.0.32-1-0123456789abcdef/
dcc "$HELLO" -o hello
sed 's/Hello, Dagger!/Hello, prune/' "$HELLO" > prune.wat
DAGGER_CACHE_MAX=4K dcc -v prune.wat -o prune
expect_err_match "note: [0-9]+ cache entries pruned" "a compile over a 4K cap prunes"
cmp -s "$patched" cache/wasm2c/wabt-1.0.32-1-0123456789abcdef/wasm2c
ok $? "pruning leaves the cached wasm2c"
unset DAGGER_CACHE_DIR

# Names that collide: params and locals named like functions ($f1, $f2),
# globals ($g0), an import ($imp), the memory, wasm2c's stack variables
# (i0, i1) and the suffixes it makes unique names with (f2_0); blocks with
# results (stack variables); every function exported (the wrappers name
# their parameters in the same scope).
cat > names.wat <<'EOF'
(module
  (import "env" "imp" (func $imp (param i32) (result i32)))
  (global $g0 (mut i32) (i32.const 1))
  (global $i1 i32 (i32.const 2))
  (memory $mem 1)
  (func $f1 (export "f1") (param $f2 i32) (param $g0 i32) (result i32)
    (local $f1 i32) (local $imp i32) (local $mem i32) (local $i0 i32)
    (local $f2_0 i32) (local $w2c_f2 i32)
    (local.set $f1 (i32.add (local.get $f2) (local.get $g0)))
    (local.set $i0 (call $f2 (local.get $f1) (global.get $g0)))
    (local.set $f2_0 (block (result i32)
      (if (result i32) (local.get $i0)
        (then (call $imp (local.get $f2_0)))
        (else (i32.load (local.get $mem))))))
    (i32.add (local.get $f2_0) (global.get $i1)))
  (func $f2 (export "f2") (param $f1 i32) (param $f2 i32) (result i32)
    (local $g0 i32) (local $f2_0 i32) (local $f2_1 i32)
    (local.set $g0 (i32.mul (local.get $f1) (local.get $f2)))
    (global.set $g0 (local.get $g0))
    (call $f2_0 (local.get $g0) (local.get $f2_1)))
  (func $f2_0 (export "f2_0") (param $i0 i32) (param $i1 i32) (result i32)
    (local $f1 i32)
    (loop $f2 (result i32)
      (local.set $f1 (i32.add (local.get $i0) (local.get $i1)))
      (br_if $f2 (i32.eqz (local.get $f1)))
      (local.get $f1)))
  (export "g0" (global $g0))
  (export "mem" (memory $mem)))
EOF
run "$WAT2WASM" --debug-names names.wat -o names.wasm
expect_status 0 "wat2wasm names.wat"
same names.wasm
ok $? "names.wasm: the same C and header from both wasm2cs"
grep -q 'u32 w2c_f2_1, ' pat/m.c && grep -q 'w2c_g0_0' pat/m.c &&
  grep -q 'u32 w2c_i0_0, w2c_i1_0;' pat/m.c
ok $? "the names did collide (wasm2c renamed locals)"

# Growth: memcpy() calls (libstdc++ copies each C name with one) at 1,000
# and 4,000 functions. Debian's wasm2c copies every global name for each
# function (16 times the copies for 4 times the functions); the patched
# one grows with the module. (malloc() would not see it: the copy reuses
# the set's nodes.)
cat > count.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
static unsigned long calls;
void *memcpy(void *to, const void *from, size_t n) {
  volatile char *d = to;
  const volatile char *s = from;
  for (calls++; n; n--)
    *d++ = *s++;
  return to;
}
__attribute__((destructor)) static void report(void) {
  FILE *f = fopen(getenv("MEMCPY_COUNT"), "w");
  if (f)
    fprintf(f, "%lu\n", calls), fclose(f);
}
EOF
run cc -shared -fPIC -O1 -o count.so count.c
expect_status 0 "the memcpy counter builds"
module() { # N: N functions, each calling the one before
  {
    echo '(module (func $f0 (param i32) (result i32) local.get 0)'
    for ((k = 1; k < $1; k++)); do
      echo "(func \$f$k (param i32) (result i32) local.get 0 call \$f$((k - 1)))"
    done
    echo ')'
  } > f$1.wat
  "$WAT2WASM" --debug-names f$1.wat -o f$1.wasm
}
copies() { # WASM2C N: its memcpy() calls on fN.wasm
  MEMCPY_COUNT=$WORK/count LD_PRELOAD=$WORK/count.so \
    "$1" -n m -o out.c -- f$2.wasm && cat count
}
module 1000 && module 4000
ratios=()
for w in "$patched" "$WASM2C"; do
  small=$(copies "$w" 1000) && large=$(copies "$w" 4000)
  ok $? "$w runs under the memcpy counter"
  ratios+=("$((large * 10 / ${small:-1}))")
  echo "wasm2c: $w: $small memcpy() calls at 1,000 functions, $large at 4,000"
done
[[ ${ratios[0]} -lt 60 ]]
ok $? "the patched wasm2c: 4x the functions, $((ratios[0] / 10)).$((ratios[0] % 10))x the copies (under 6x)"
[[ ${ratios[1]} -gt 100 ]]
ok $? "the count sees Debian's quadratic wasm2c: $((ratios[1] / 10)).$((ratios[1] % 10))x the copies (over 10x)"
expect_clean_tmp "wasm2c"
done_testing
