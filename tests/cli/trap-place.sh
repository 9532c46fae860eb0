#!/usr/bin/env bash
# Where a trap happened (docs/traps.md): the names a trap line can give for
# its function (name section, export, index), and what a program that
# cannot know says: stripped of its symbols, or static. The engines agree
# on the e2e programs trap_named, trap_unnamed and trap_backtrace.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
cat > m.wat <<'WAT'
(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $quotient $outer)
  (func $quotient (export "divide") (param i32) (result i32)
    (i32.div_u (i32.const 7) (local.get 0)))
  (func $outer (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func (export "dagger_main") (result i32)
    (call_indirect (type $t) (i32.const 0) (i32.const 1))))
WAT
wat2wasm m.wat -o plain.wasm              # no name section
wat2wasm --debug-names m.wat -o named.wasm

trap_line() { # PROGRAM WANT WHAT: the one stderr line, exactly
  run env -u DAGGER_BACKTRACE "./$1"
  expect_status 204 "$3"
  expect_err "$1: trap: integer divide by zero$2" "$3"
}

dcc m.wat -o from-text
trap_line from-text " in quotient" "a .wat: its \$names are kept"
dcc named.wasm -o named
trap_line named " in quotient" "the name section's name first"
dcc plain.wasm -o plain
trap_line plain " in divide" "no name section: the export's name"
dcc -O0 plain.wasm -o plain-O0
run env DAGGER_BACKTRACE=1 ./plain-O0
expect_err "$(printf '%s\n' 'plain-O0: trap: integer divide by zero in divide' \
  'plain-O0:   at divide' 'plain-O0:   at function 1' 'plain-O0:   at dagger_main')" \
  "no name: the index (imports first), in the backtrace too"
run env DAGGER_BACKTRACE=0 ./plain-O0
expect_one_line "DAGGER_BACKTRACE=0: the trap line only"

dcc --print-features
if grep -q "^static: yes" <<<"$out"; then # not with a sanitizer runtime
  dcc --static m.wat -o static
  trap_line static " in quotient" "a static program names the function too"
fi

cp from-text stripped && strip stripped
trap_line stripped "" "a stripped program names no function"
run env DAGGER_BACKTRACE=1 ./stripped
expect_err "$(printf '%s\n' 'stripped: trap: integer divide by zero' \
  'stripped:   (no backtrace: the program is stripped of its symbols)')" \
  "a stripped program says why it has no backtrace"
# A name from the module is the module's text: its control bytes are
# escaped, so it cannot forge a line or reach the terminal. (A binary
# module: function 0, exported as dagger_main, is named "ev\nX\e[1m".)
printf '\x00asm\x01\x00\x00\x00%b%b%b%b%b' \
  '\x01\x05\x01\x60\x00\x01\x7f' '\x03\x02\x01\x00' \
  '\x07\x0f\x01\x0bdagger_main\x00\x00' '\x0a\x05\x01\x03\x00\x00\x0b' \
  '\x00\x12\x04name\x01\x0b\x01\x00\x08ev\x0aX\x1b[1m' > hostile.wasm
dcc hostile.wasm -o hostile
expect_status 0 "compile a module with a hostile function name"
run ./hostile
expect_err 'hostile: trap: unreachable executed in ev\x0aX\x1b[1m' \
  "a hostile function name is escaped"
expect_clean_tmp "trap-place"
done_testing
