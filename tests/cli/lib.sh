# Shared by the tests/cli/*.sh scripts (sourced). Each script runs daggercc
# ($DAGGERCC) through the cases of one area and ends with done_testing,
# which exits non-zero when any check failed.
#
# daggercc's temporary files go to a TMPDIR of the script's own, so that
# every check can also see that none were left behind.
set -uo pipefail
: "${DAGGERCC:?set DAGGERCC to the daggercc under test}"
CLI=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=$CLI/data
HELLO=$CLI/../../examples/hello.wat
WORK=$(mktemp -d "${TMPDIR:-/tmp}/daggercc-cli.XXXXXX")
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
export TMPDIR=$WORK/tmp
mkdir "$TMPDIR"
unset CC CFLAGS
passed=0 failed=0

fail() {
  echo "FAIL: $*" >&2
  failed=$((failed + 1))
}
pass() { passed=$((passed + 1)); }
ok() { # CONDITION-STATUS WHAT: counts a check made by the caller
  if [[ $1 == 0 ]]; then pass; else fail "$2"; fi
}

# run CMD...: runs a command; sets $status, $out and $err.
run() {
  "$@" >"$WORK/stdout" 2>"$WORK/stderr" </dev/null
  status=$?
  out=$(cat "$WORK/stdout")
  err=$(cat "$WORK/stderr")
}
dcc() { run "$DAGGERCC" "$@"; }

# programs_uncached [DIR]: for a script that reads the commands -v prints
# or the stages a terminal shows, which a program found in the cache never
# runs: the cache folder DIR (default: one of the script's own, made
# DAGGER_CACHE_DIR) is emptied of whole programs (objcache.c) before each
# dcc and by forget_programs; cache-cap.sh checks that level.
programs_uncached() {
  PROGRAMS_CACHE=${1:-$WORK/cache}
  [[ $# -gt 0 ]] || export DAGGER_CACHE_DIR=$PROGRAMS_CACHE
  dcc() {
    forget_programs
    run "$DAGGERCC" "$@"
  }
}
forget_programs() { rm -rf "${PROGRAMS_CACHE:?}"/progr-*; }

expect_status() { # WANT WHAT
  if [[ $status == "$1" ]]; then pass; else
    fail "$2: exit status $status, expected $1; stderr: $err"
  fi
}
expect_err() { # EXACT-STDERR WHAT
  if [[ $err == "$1" ]]; then pass; else
    fail "$2: stderr is [$err], expected [$1]"
  fi
}
expect_err_match() { # EXTENDED-REGEX WHAT
  if grep -Eq -- "$1" <<<"$err"; then pass; else
    fail "$2: stderr [$err] does not match /$1/"
  fi
}
expect_out_match() { # EXTENDED-REGEX WHAT
  if grep -Eq -- "$1" <<<"$out"; then pass; else
    fail "$2: stdout [$out] does not match /$1/"
  fi
}
expect_one_line() { # WHAT: stderr is exactly one line
  if [[ -n $err && $(wc -l <<<"$err") == 1 ]]; then pass; else
    fail "$1: stderr is not one line: [$err]"
  fi
}
expect_clean_tmp() { # WHAT: daggercc left nothing in TMPDIR
  local left
  left=$(ls -A "$TMPDIR")
  if [[ -z $left ]]; then pass; else
    fail "$1: left in TMPDIR: $left"
    rm -rf "${TMPDIR:?}"/*
  fi
}
expect_absent() { # PATH WHAT
  if [[ ! -e $1 ]]; then pass; else fail "$2: $1 exists"; fi
}
expect_no_partial() { # DIR WHAT: no OUT.daggercc-XXXXXX left in DIR
  local left
  left=$(find "$1" -maxdepth 1 -name '*.daggercc-*')
  if [[ -z $left ]]; then pass; else fail "$2: partial output left: $left"; fi
}
expect_hello() { # PROGRAM WHAT: it prints the greeting and exits 0
  run "$1"
  if [[ $status == 0 && $out == "Hello, Dagger!" ]]; then pass; else
    fail "$2: $1 exited $status printing [$out] [$err]"
  fi
}

# table_module N ARG: a module of N functions $fK(x) = x + K, all in a
# table (so none is dead code), whose entry returns $f(N-1)(ARG): big
# enough to shard at a small DAGGER_SHARD_SIZE.
table_module() {
  local n=$1 arg=$2 i
  echo "(module (memory 1) (table $n funcref)"
  for ((i = 0; i < n; i++)); do
    echo "  (func \$f$i (param i32) (result i32) local.get 0 i32.const $i i32.add)"
  done
  echo -n '  (elem (i32.const 0)'
  for ((i = 0; i < n; i++)); do echo -n " \$f$i"; done
  echo ')'
  echo "  (func (export \"dagger_main\") (result i32) i32.const $arg call \$f$((n - 1))))"
}

done_testing() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  [[ $failed == 0 ]]
  exit
}
