#!/usr/bin/env bash
# Runs one end-to-end program and compares what it does with the files
# beside it. Usage: run.sh ENGINE NAME.wat
#   ENGINE  compiled        daggercc NAME.wat -o prog, then ./prog
#           interp          dagger-interp NAME.wat
#           cross:TRIPLE    daggercc --target=TRIPLE, run under qemu-user
# Environment: DAGGERCC, DAGGER_INTERP (paths of the tools); DAGGERCC_FLAGS
# (extra daggercc flags for every program, e.g. --bounds=explicit).
# Beside NAME.wat (all optional):
#   NAME.out     expected stdout, exactly (default: empty)
#   NAME.status  expected exit status (default: 0)
#   NAME.err     extended regexes, one per line, each must match stderr
#   NAME.in      standard input (default: /dev/null)
#   NAME.flags   extra daggercc flags (the interp engine passes on only
#                --allow, --deny and the limits --max-memory, --timeout
#                and --cpu-time, which dagger-interp also takes); each
#                @PORT@ in them becomes a free loopback port, exported as
#                E2E_PORT for NAME.sh (a policy rule naming a test server)
#   NAME.requires  what the run needs beyond the runtime, one word a line;
#                `libcurl`: a libcurl.so.4 the program can load. Cross
#                engines find the target's in the folder that
#                scripts/cross-sysroot.sh fills (or installed through
#                dpkg), and skip the test (status 77) when it is missing;
#                for a target Debian has no libcurl for (riscv64), they
#                run it with DAGGER_E2E_HTTP=unsupported, and the script
#                checks that http(s) opens answer -UNSUPPORTED instead.
#                With --static in DAGGERCC_FLAGS the program needs no
#                libcurl.so.4: it has the static libcurl where the target
#                has one (--print-features), else it is run with
#                DAGGER_E2E_HTTP=unsupported as well.
#   NAME.sh      a script that does the run itself, for tests that need a
#                server or a directory: it gets RUN (a program that runs the
#                module with its arguments), WORK (a scratch directory),
#                ENGINE (compiled, interp or cross:TRIPLE) and BITS (the
#                target's pointer size: 32 or 64), and exits non-zero on
#                failure (77: skip).
# The program runs in a fresh scratch directory, which is the jail.
set -euo pipefail
engine=$1 wat=$2
dir=$(cd "$(dirname "$wat")" && pwd)
name=$(basename "$wat" .wat)
src=$dir/$name
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dagger-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/jail"

flags=()
read -r -a flags <<< "${DAGGERCC_FLAGS:-}"
if [[ -f $src.flags ]]; then
  read -r -a own < "$src.flags"
  if [[ ${own[*]} == *@PORT@* ]]; then
    # Below the ephemeral range, so that no bind(0) or outgoing connection
    # takes it before the script's server binds it (as run-example.sh).
    E2E_PORT=$(python3 -c 'import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(100):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(10000, low) if low > 11000 else 0))
    except OSError:
        continue
    print(s.getsockname()[1])
    break')
    export E2E_PORT
    own=("${own[@]//@PORT@/$E2E_PORT}")
  fi
  flags+=("${own[@]}")
fi
static=0
[[ " ${flags[*]} " == *" --static "* ]] && static=1
if ((static)) && [[ -f $src.requires ]] && grep -qx libcurl "$src.requires"; then
  triple_opt=()
  [[ $engine == cross:* ]] && triple_opt=(--target="${engine#cross:}")
  "$DAGGERCC" "${triple_opt[@]}" --print-features | grep -q '^http: .*static libcurl with OpenSSL' ||
    export DAGGER_E2E_HTTP=unsupported
fi
case $engine in
  compiled)
    "$DAGGERCC" "${flags[@]}" "$wat" -o "$WORK/prog"
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$WORK/prog" > "$WORK/run" ;;
  interp) # the interpreter takes the policy and limit flags; the others
    # are codegen's
    policy=()
    for ((i = 0; i < ${#flags[@]}; i++)); do
      case ${flags[i]} in
        --allow | --deny | --max-memory | --timeout | --cpu-time) policy+=("${flags[i]}" "${flags[i + 1]}"); i=$((i + 1)) ;;
      esac
    done
    printf '#!/bin/sh\nexec "%s"' "$DAGGER_INTERP" > "$WORK/run"
    printf ' "%s"' "${policy[@]}" "$wat" >> "$WORK/run"
    printf ' "$@"\n' >> "$WORK/run" ;;
  cross:*)
    triple=${engine#cross:}
    qemu=$("$DAGGERCC" --target="$triple" --print-runner)
    # The target's libcurl: the one scripts/cross-sysroot.sh unpacked (its
    # library directories go after the runner's), or an installed
    # libcurl4:ARCH, or none where Debian has no build (riscv64): there the
    # http(s) tests check that opens answer -UNSUPPORTED.
    arch=$("$DAGGERCC" --target="$triple" --print-features |
      sed -n 's/^http: .*(Debian package libcurl4:\([a-z0-9]*\)).*/\1/p')
    sysroot=${XDG_CACHE_HOME:-$HOME/.cache}/daggercc/sysroot/$arch
    libpath="" env_opt="" # a second -E replaces the runner's value
    if ((static)); then
      : # needs no shared library
    elif [[ -n $arch && -e $sysroot/usr/lib/$triple/libcurl.so.4 ]]; then
      [[ $qemu =~ LD_LIBRARY_PATH=([^ ]*) ]] && libpath=${BASH_REMATCH[1]}:
      env_opt="-E \"LD_LIBRARY_PATH=$libpath$sysroot/usr/lib/$triple:$sysroot/lib/$triple\""
    elif [[ -f $src.requires ]] && grep -qx libcurl "$src.requires"; then
      if [[ -z $arch ]]; then
        export DAGGER_E2E_HTTP=unsupported
      elif [[ ! -e /usr/lib/$triple/libcurl.so.4 ]]; then
        echo "SKIP: no libcurl.so.4 for $triple here: run scripts/cross-sysroot.sh $arch"
        exit 77
      fi
    fi
    "$DAGGERCC" --target="$triple" "${flags[@]}" "$wat" -o "$WORK/prog"
    printf '#!/bin/sh\nexec %s %s "%s" "$@"\n' "$qemu" "$env_opt" "$WORK/prog" > "$WORK/run" ;;
  *) echo "run.sh: unknown engine $engine" >&2; exit 2 ;;
esac
chmod +x "$WORK/run"
RUN=$WORK/run
ENGINE=$engine
BITS=$(getconf LONG_BIT)
if [[ $engine == cross:* ]]; then
  BITS=$("$DAGGERCC" --target="${engine#cross:}" --print-features |
    sed -n 's/^pointer-size: \([0-9]*\)-bit$/\1/p')
fi
export RUN WORK ENGINE BITS

if [[ -f $src.sh ]]; then
  cd "$WORK/jail"
  exec bash "$src.sh"
fi

input=/dev/null
[[ -f $src.in ]] && input=$src.in
set +e
(cd "$WORK/jail" && "$RUN") < "$input" > "$WORK/stdout" 2> "$WORK/stderr"
status=$?
set -e

fail=0
want_status=0
[[ -f $src.status ]] && want_status=$(< "$src.status")
if [[ $status != "$want_status" ]]; then
  echo "FAIL: exit status $status, expected $want_status"; fail=1
fi
want_out=/dev/null
[[ -f $src.out ]] && want_out=$src.out
if ! diff -u --label expected --label actual "$want_out" "$WORK/stdout"; then
  echo "FAIL: stdout differs"; fail=1
fi
if [[ -f $src.err ]]; then
  while IFS= read -r pattern; do
    [[ -z $pattern ]] && continue
    if ! grep -Eq -- "$pattern" "$WORK/stderr"; then
      echo "FAIL: stderr does not match: $pattern"; fail=1
    fi
  done < "$src.err"
fi
if [[ $fail != 0 ]]; then
  echo "--- stderr:"; cat "$WORK/stderr"
  exit 1
fi
