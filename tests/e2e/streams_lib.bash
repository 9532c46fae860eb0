# Helpers for the streams_*.sh scripts (sourced). RUN runs the stream shell.
# expect NAME: runs the shell with stdin from $cmds and compares its stdout
# with the expected text on expect's own stdin.
fail=0
expect() {
  local name=$1 want got
  want=$(cat)
  got=$(printf '%s' "$cmds" | "$RUN" 2> "$WORK/$name.stderr") || true
  if [[ "$got" != "$want" ]]; then
    echo "FAIL: $name"
    diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | tail -n +3
    echo "--- stderr:"; cat "$WORK/$name.stderr"
    fail=1
  fi
}

# start_httpd [--tls CERT KEY]: starts the loopback test server, sets PORT
# (E2E_PORT when run.sh chose one for the policy flags, else a free port).
# It exits when the script does (its stdin is a pipe the script holds).
start_httpd() {
  local servers
  servers=$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)
  command -v python3 > /dev/null || { echo "SKIP: python3 missing"; exit 77; }
  rm -f "$WORK/httpd.ctl" && mkfifo "$WORK/httpd.ctl"
  local port=()
  [[ -n ${E2E_PORT-} ]] && port=(--port "$E2E_PORT")
  python3 "$servers/httpd.py" "${port[@]}" "$@" < "$WORK/httpd.ctl" > "$WORK/httpd.port" &
  exec 3> "$WORK/httpd.ctl"
  for _ in $(seq 100); do
    PORT=$(head -n1 "$WORK/httpd.port" 2> /dev/null || true)
    [[ -n $PORT ]] && return 0
    sleep 0.05
  done
  echo "FAIL: the test server did not start"; exit 1
}

# request FD HEAD [BODY]: a W command writing an HTTP message to FD: the
# HEAD's lines end in CRLF, then a blank line, then BODY as it is.
request() {
  local data=${2//$'\n'/$'\r\n'}$'\r\n'${3-}
  printf 'W %d %d\n%s\n' "$1" "${#data}" "$data"
}

# check NAME PATTERN...: the output of the last run (in $out) matches every
# extended regex.
check() {
  local name=$1 pattern
  shift
  for pattern in "$@"; do
    if ! grep -Eq -- "$pattern" <<< "$out"; then
      echo "FAIL: $name: no line matches: $pattern"
      printf '%s\n' "$out" | head -20
      fail=1
    fi
  done
}

# no_libcurl NAME [DENIALS]: for a target without libcurl, where run.sh
# sets DAGGER_E2E_HTTP=unsupported: like expect, and the program must exit
# 0 with exactly one stderr line saying libcurl cannot be loaded, besides
# DENIALS lines of the policy's (default 0).
no_libcurl() {
  local name=$1 denials=${2:-0} want got status=0 err
  want=$(cat)
  err=$WORK/$name.stderr
  got=$(printf '%s' "$cmds" | "$RUN" 2> "$err") || status=$?
  if [[ $status != 0 || $got != "$want" ||
    $(grep -c 'http: cannot load libcurl: ' "$err") != 1 ||
    $(grep -c 'policy: denied' "$err") != "$denials" ||
    $(wc -l < "$err") != $((denials + 1)) ]]; then
    echo "FAIL: $name (no libcurl for this target: http(s) opens must answer -10, exit status $status)"
    diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | tail -n +3
    echo "--- stderr:"; cat "$err"
    fail=1
  fi
}
