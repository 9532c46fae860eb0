#!/bin/sh
# Runs one tests/interp module under dagger-interp and compares the result
# with the expectations the module carries in its leading comments:
#   ;; status: N            exit status (required)
#   ;; stdout: LINE         one line of standard output, in order
#   ;; stderr: LINE         one line of standard error, in order
#   ;; stderr-contains: S   standard error contains S
#   ;; options: OPTS         dagger-interp options before the module (split
#                           on blanks)
# No stderr lines and no stderr-contains: standard error must be empty.
# The module runs in a fresh empty directory (the file:/// jail, since
# DAGGER_ROOT is unset) with standard input from /dev/null.
# usage: run.sh DAGGER-INTERP MODULE
set -u
interp=$1
module=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dagger-interp-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
want() { sed -n "s/^;; $1: //p" "$module"; }

want status >"$tmp/status.want"
want stdout >"$tmp/stdout.want"
want stderr >"$tmp/stderr.want"
if [ ! -s "$tmp/status.want" ]; then
  echo "$module: no ';; status:' line" >&2
  exit 1
fi

options=$(want options)
mkdir "$tmp/jail"
# shellcheck disable=SC2086 # options are split on blanks on purpose
(cd "$tmp/jail" && unset DAGGER_ROOT &&
  exec "$interp" $options "$module" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
echo $? >"$tmp/status"

fail=0
for stream in status stdout; do
  if ! diff -u "$tmp/$stream.want" "$tmp/$stream" >"$tmp/diff"; then
    echo "$module: $stream differs:"; cat "$tmp/diff"; fail=1
  fi
done
contains=$(want stderr-contains)
if [ -s "$tmp/stderr.want" ] || [ -z "$contains" ]; then
  if ! diff -u "$tmp/stderr.want" "$tmp/stderr" >"$tmp/diff"; then
    echo "$module: stderr differs:"; cat "$tmp/diff"; fail=1
  fi
fi
want stderr-contains | while IFS= read -r s; do
  if ! grep -qF -- "$s" "$tmp/stderr"; then
    echo "$module: stderr lacks '$s':"; cat "$tmp/stderr"; exit 1
  fi
done || fail=1
exit $fail
