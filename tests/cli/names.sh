#!/usr/bin/env bash
# File names and wasm2c names: inputs named like system headers or with
# blanks, options or quotes in them, and modules whose memory needs the
# generated header read or its import name mangled.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

wat2wasm "$HELLO" -o endian.wasm
cp "$HELLO" string.wat
wat2wasm "$HELLO" -o "a b.wasm"
cp "$HELLO" stdio.h.wat
for input in endian.wasm string.wat "a b.wasm" stdio.h.wat; do
  dcc "$input" -o "out of $input"
  expect_status 0 "input $input"
  expect_hello "./out of $input" "input $input"
done
cp "$HELLO" ./-dash.wat
dcc -o dash -- -dash.wat
expect_status 0 "an input named like an option, after --"
expect_hello ./dash "an input named like an option"
dcc -o./dash2 ./-dash.wat
expect_hello ./dash2 "-oFILE and ./-dash.wat"

# Memory and import names.
dcc "$DATA/mangled-memory.wat" -o mangled
expect_status 0 "an imported memory with a mangled name"
run ./mangled
[[ $status == 0 && $out == "mangled ok" ]]
ok $? "the mangled memory program runs ($status, [$out], [$err])"
wat2wasm --debug-names "$DATA/named-memory.wat" -o named.wasm
for input in "$DATA/named-memory.wat" named.wasm; do
  dcc --emit-c "c-$(basename "$input")" "$input" -o named
  expect_status 0 "a named, exported memory ($input)"
  run ./named
  [[ $status == 0 && $out == "named ok" ]]
  ok $? "the named memory program runs ($input: $status, [$out], [$err])"
done
grep -q "wasm_rt_memory_t w2c_heap;" c-named.wasm/daggercc-module.h &&
  grep -q "&dagger_glue_instance.w2c_heap" c-named.wasm/daggercc-glue.c
ok $? "the glue uses the field wasm2c named after the debug name"
dcc "$DATA/no-memory.wat" -o no-memory
expect_status 0 "a module without memory"
run ./no-memory
[[ $status == 5 ]]
ok $? "without memory every pointer is bad (status $status, expected 5)"

expect_clean_tmp "all names"
done_testing
