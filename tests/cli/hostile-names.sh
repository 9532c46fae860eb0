#!/usr/bin/env bash
# Names that strangers choose (issue 17): every file name in every message
# and trap line of daggercc, dagger-interp and the programs is escaped
# (control bytes as \xNN), so no name breaks a line, forges one or sends
# the terminal a control sequence. And dagger-interp takes its inputs and
# policy rules as daggercc does.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
INTERP=${DAGGER_BUILD_DIR:?}/bin/dagger-interp
[[ -x $INTERP ]] || { echo "note: no dagger-interp: skipped"; exit 77; }
nl=$'\n' esc=$'\e'
evil="ev${nl}X: fake line${esc}[31m"

clean_one_line() { # WHAT: stderr is one line without a raw control byte
  expect_one_line "$1"
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$err"; then
    fail "$1: raw control bytes in [$err]"
  else pass; fi
}

# daggercc: a missing input, a module outside the ABI, a usage error.
dcc "$evil.wasm" -o out
expect_status 1 "a missing input with control bytes in its name"
clean_one_line "a missing input"
expect_err 'daggercc: ev\x0aX: fake line\x1b[31m.wasm: cannot open: No such file or directory' "a missing input"
cp "$DATA/unknown-import.wat" "$evil.wat"
dcc "$evil.wat" -o out
expect_status 1 "a module outside the ABI"
clean_one_line "a module outside the ABI"
expect_err_match '^daggercc: ev\\x0aX: fake line\\x1b\[31m\.wat: import dagger\.frobnicate' "a module outside the ABI"
dcc "--frob${nl}nicate" "$HELLO" -o out
expect_status 2 "an unknown option with a newline"
clean_one_line "an unknown option with a newline"
dcc "$HELLO" -o "$WORK/nodir${nl}x/out"
clean_one_line "an output in a missing folder"
dcc a.wasm "b${esc}.wasm" -o out
clean_one_line "a second input"

# -v shows such a name quoted as $'...', on one line.
dcc -v --no-cache "$HELLO" -o "o${nl}x"
expect_status 0 "-v with a newline in the output name"
grep -qF -- "-o \$'o\\x0ax.daggercc-" <<<"$err"
ok $? "-v quotes the name as \$'...' [$(grep -- ' -o ' <<<"$err" | head -c 300)]"

# Trap lines: a compiled program and dagger-interp.
cp "$CLI/../interp/trap-unreachable.wat" "$evil.wat"
dcc "$evil.wat" -o "$evil"
expect_status 0 "a program named with control bytes"
run "./$evil"
expect_status 201 "its trap"
clean_one_line "a compiled program's trap line"
expect_err 'ev\x0aX: fake line\x1b[31m: trap: unreachable executed in dagger_main' "a compiled program's trap line"
run "$INTERP" "$evil.wat"
expect_status 201 "dagger-interp's trap"
clean_one_line "dagger-interp's trap line"
expect_err 'ev\x0aX: fake line\x1b[31m: trap: unreachable executed in dagger_main' "dagger-interp's trap line"
printf 'junk' >"$evil.bad.wat"
run "$INTERP" "$evil.bad.wat"
expect_status 1 "dagger-interp: a syntax error"
clean_one_line "dagger-interp: a syntax error"

# dagger-interp's inputs: regular files within the limit, as daggercc's.
interp_refuses() { # WHAT REGEX FILE
  run timeout 20 "$INTERP" "$3"
  expect_status 1 "dagger-interp: $1"
  expect_one_line "dagger-interp: $1"
  expect_err_match "$2" "dagger-interp: $1"
}
interp_refuses "/dev/zero" '^dagger-interp: /dev/zero: not a regular file$' /dev/zero
mkfifo fifo.wasm
interp_refuses "a FIFO" '^dagger-interp: fifo\.wasm: not a regular file$' fifo.wasm
mkdir dir.wasm
interp_refuses "a directory" '^dagger-interp: dir\.wasm: not a regular file$' dir.wasm
truncate -s $((1024 * 1024 * 1024 + 1)) big.wasm
interp_refuses "over 1 GiB" '^dagger-interp: big\.wasm: larger than the limit of 1024 MiB for an input$' big.wasm
rm -f big.wasm

# dagger-interp checks --allow/--deny rules as daggercc does.
for rule in "ht tp://x" "https://a b/" "x${nl}y"; do
  for opt in --allow --deny; do
    run "$INTERP" "$opt" "$rule" "$HELLO"
    expect_status 2 "dagger-interp $opt [$rule]"
    interp_line=$(head -1 <<<"$err")
    dcc "$opt" "$rule" "$HELLO" -o out
    expect_status 2 "daggercc $opt [$rule]"
    [[ $interp_line == "dagger-interp: ${err#daggercc: }" || "$interp_line (try daggercc --help)" == "dagger-interp: ${err#daggercc: }" ]]
    ok $? "the same message for $opt [$rule]: [$interp_line] [$err]"
  done
done
expect_clean_tmp "hostile names"
done_testing
