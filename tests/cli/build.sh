#!/usr/bin/env bash
# Successful compiles and the options that shape them: -O0..-O3, -v,
# --emit-c, CC (a launcher), CFLAGS, the output's replacement and mode, and
# the glue's less common paths (env imports, imported memory, start
# function, exit status).
source "$(dirname "$0")/lib.sh"
cd "$WORK"
programs_uncached

# -O levels, each shown in the cc command that -v prints.
for level in 0 1 2 3; do
  dcc -v -O$level "$HELLO" -o hello$level
  expect_status 0 "-O$level"
  grep -Eq -- "^[^ ]*cc( .*)? -O$level .*daggercc-glue\.c" <<<"$err"
  ok $? "-O$level reaches the C compiler: $err"
  expect_hello ./hello$level "-O$level program"
done
dcc -v "$HELLO" -o hello
grep -Eq -- " -O2 " <<<"$(grep -- daggercc-glue.c <<<"$err")"
ok $? "-O2 is the default"

# -v lists every command, in order: wat2wasm, (cc -v: the compiler's
# identity, for the cache), wasm-validate, wasm2c, (cc: the data), cc.
tools=$(awk '{ n = split($1, p, "/"); print p[n] }' <<<"$err" | tr '\n' ' ')
[[ $tools == "wat2wasm "*"wasm-validate wasm2c "*"cc " ]]
ok $? "-v prints wat2wasm, wasm-validate, wasm2c and cc [$tools]"
grep -Eq -- "wasm2c -n m -o [^ ]+/daggercc-module\.c -- " <<<"$err"
ok $? "-v shows wasm2c under daggercc's own file names"
grep -Eq -- "-fno-optimize-sibling-calls -frounding-math -fsignaling-nans -ffp-contract=off" <<<"$err"
ok $? "-v shows the floating-point flags for wasm2c output"
grep -Eq -- "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1 .*-ldaggerrt -ldagger-wasmrt-guard .*-lm$" <<<"$err"
ok $? "-v shows the memory-check define matching the linked runtime"
grep -Eq -- "-I [^ ]+/include/daggercc " <<<"$err" && ! grep -q -- "-I */usr/include" <<<"$err"
ok $? "-v shows daggercc's include directory and never /usr/include"
dcc "$HELLO" -o hello
expect_err "" "without -v (not a terminal) daggercc is silent"

# -v quotes words for the shell.
cp "$HELLO" "it's here.wat"
dcc -v "it's here.wat" -o quoted
expect_status 0 "a name with a quote and a space"
grep -Fq -- "-- 'it'\\''s here.wat'" <<<"$err"
ok $? "-v quotes a name for the shell: $err"

# --emit-c keeps the generated C, which builds on its own.
dcc --emit-c kept "$HELLO" -o hello
expect_status 0 "--emit-c"
for f in daggercc-module.c daggercc-module.h daggercc-glue.c; do
  [[ -s kept/$f ]]
  ok $? "--emit-c keeps $f"
done
grep -q "u32 Z_daggerZ_open(struct Z_dagger_instance_t \*i, u32 a0, u32 a1)" kept/daggercc-glue.c
ok $? "the kept glue holds the open thunk"
dcc --emit-c=kept2 "$HELLO" -o hello
[[ -s kept2/daggercc-glue.c ]]
ok $? "--emit-c=DIR works too"
expect_clean_tmp "--emit-c"

# CC may be a launcher with arguments, split on blanks.
CC="  env   gcc " dcc -v "$HELLO" -o hello-env
expect_status 0 "CC=env gcc"
grep -Eq -- "^env gcc -O2 " <<<"$err"
ok $? "CC=env gcc runs the launcher: $err"
expect_hello ./hello-env "CC=env gcc program"
CC=gcc dcc "$HELLO" -o hello-gcc
expect_status 0 "CC=gcc"

# CFLAGS are split and appended after daggercc's own flags.
CFLAGS="-O0  -s" dcc -v -O3 "$HELLO" -o hello-cflags
expect_status 0 "CFLAGS"
grep -Eq -- " -O3 .* -O0 -s " <<<"$err"
ok $? "CFLAGS come after daggercc's flags: $err"
expect_hello ./hello-cflags "CFLAGS program"
! readelf -S hello-cflags | grep -q '\.symtab'
ok $? "CFLAGS=-s reached the link (no symbol table)"
CFLAGS="-include /nonexistent/header.h" dcc "$HELLO" -o hello-bad
expect_status 1 "CFLAGS that break the compile"
expect_absent hello-bad "CFLAGS that break the compile"

# OUT is replaced (atomically) with a new executable's mode.
echo old >replaced
dcc "$HELLO" -o replaced
expect_hello ./replaced "an existing OUT is replaced"
(umask 077 && "$DAGGERCC" "$HELLO" -o private)
[[ $(stat -c %a private) == 700 ]]
ok $? "the output's mode follows the umask ($(stat -c %a private))"
(umask 022 && "$DAGGERCC" "$HELLO" -o public)
[[ $(stat -c %a public) == 755 ]]
ok $? "the output's mode follows the umask ($(stat -c %a public))"
dcc "$HELLO" -o sub/../hello-rel
expect_status 1 "a path through a missing directory"
mkdir -p sub && dcc "$HELLO" -o sub/hello
expect_hello sub/hello "output in a subdirectory"
expect_no_partial . "successful builds"
expect_no_partial sub "successful builds"

# A .wasm input; env imports, imported memory, start function, status.
wat2wasm "$HELLO" -o hello.wasm
dcc hello.wasm -o from-wasm
expect_hello ./from-wasm "a .wasm input"
dcc "$DATA/status.wat" -o status
expect_status 0 "env imports and an imported memory"
run ./status
[[ $status == 7 && $out == "env ok" ]]
ok $? "start function output and entry status ($status, [$out], [$err])"

expect_clean_tmp "successful builds"
done_testing
