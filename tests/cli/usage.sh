#!/usr/bin/env bash
# The command line itself: --help, --version, --print-policy, and every
# usage error (exit 2, one line with a hint, nothing written).
source "$(dirname "$0")/lib.sh"
cd "$WORK"

dcc --help
expect_status 0 "--help"
expect_err "" "--help writes nothing on stderr"
for word in "Usage: daggercc" " -o FILE" "-O0" "-O3" " -v " "--emit-c DIR" \
  "--allow RULE" "--deny RULE" "--print-policy" "--version" "CC " \
  "--max-memory SIZE" "--timeout SECONDS" "--cpu-time SECONDS" \
  "CFLAGS" "TMPDIR" "Exit status"; do
  [[ $out == *"$word"* ]]
  ok $? "--help mentions $word"
done

dcc --version
expect_status 0 "--version"
expect_out_match '^daggercc [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

usage_error() { # WHAT REGEX ARGS...
  local what=$1 regex=$2
  shift 2
  dcc "$@"
  expect_status 2 "$what"
  expect_one_line "$what"
  expect_err_match "^daggercc: $regex.*\(try daggercc --help\)$" "$what"
  expect_absent "$WORK/out" "$what writes no output"
  expect_clean_tmp "$what"
}
usage_error "no arguments" "no input file"
usage_error "unknown option" "unknown option --frobnicate" --frobnicate "$HELLO" -o out
usage_error "unknown short option" "unknown option -x" -x "$HELLO" -o out
usage_error "missing -o" "no output file" "$HELLO"
usage_error "-o without a file" "-o needs a file name" "$HELLO" -o
usage_error "missing input" "no input file" -o out
usage_error "two inputs" "more than one input file \(b.wasm\)" a.wasm b.wasm -o out
usage_error "-O4" "-O4: expected -O0" -O4 "$HELLO" -o out
usage_error "-Ofast" "-Ofast: expected -O0" -Ofast "$HELLO" -o out
usage_error "--emit-c without a directory" "--emit-c needs a value" "$HELLO" -o out --emit-c
usage_error "--allow without a rule" "--allow needs a value" "$HELLO" -o out --allow
usage_error "--deny with an empty rule" "--deny needs a non-empty rule" --deny= "$HELLO" -o out
usage_error "--allow with a malformed rule" "--allow ht tp://x: not a rule" --allow "ht tp://x" "$HELLO" -o out
usage_error "--deny with a URL that has a space" "--deny https://a b/: not a rule" --print-policy --deny "https://a b/"
# Limits (docs/limits.md): values the runtime's parsers refuse.
usage_error "--timeout without seconds" "--timeout needs a value" "$HELLO" -o out --timeout
usage_error "--timeout of -1" "--timeout -1: expected a positive number of seconds" --timeout -1 "$HELLO" -o out
usage_error "--cpu-time in minutes" "--cpu-time 2m: expected a positive number of seconds" --cpu-time=2m "$HELLO" -o out
usage_error "--max-memory below a page" "--max-memory 1k: expected a size of at least 64KiB" --max-memory 1k "$HELLO" -o out
usage_error "--max-memory in terabytes" "--max-memory 1T: expected a size" --max-memory 1T "$HELLO" -o out

# --print-policy: the rules, deny first (deny beats allow), and the default.
dcc --print-policy
expect_status 0 "--print-policy without rules"
[[ $out == "default allow" ]]
ok $? "--print-policy without rules allows everything [$out]"
dcc --print-policy --allow stdout:// --deny file:///secret --allow=https://example.org/api
expect_status 0 "--print-policy with rules"
[[ $out == $'deny  file:///secret\nallow stdout://\nallow https://example.org/api\ndefault deny' ]]
ok $? "--print-policy lists the rules and the default [$out]"
dcc --print-policy --deny log://
[[ $out == $'deny  log://\ndefault allow' ]]
ok $? "--print-policy with only deny rules keeps allowing the rest [$out]"

done_testing
