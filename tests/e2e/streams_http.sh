# http:// end to end against a real server on loopback that this script
# starts: GET, POST, a large streamed body, a dropped connection, a stalled
# one, a refused connection, an unknown host, a malformed request.
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
if [[ ${DAGGER_E2E_HTTP-} == unsupported ]]; then # a target without libcurl
  cmds=$'o http://127.0.0.1:1/\no http://127.0.0.1:1/x\nW 1 1\nx\nf 1\n'
  no_libcurl http <<'OUT'
o -10
o -10
w -4
f -4
OUT
  exit $fail
fi
start_httpd
base=http://127.0.0.1:$PORT

out=$( { echo "o $base/echo"; echo "r 1 10"; request 1 $'GET /echo?x=1 HTTP/1.1\nX-Test: yes\n'; echo "f 1"; echo "c 1"; } | "$RUN")
check get '^o 1$' '^r -10$' '^f 0$' '^HTTP/1.1 200 ' '^GET /echo\?x=1' '^X-Test: yes' '^c [0-9]+ 0$'

out=$( { echo "o $base/echo"; request 1 $'POST /echo HTTP/1.1\nContent-Length: 11\n' 'hello world'; echo "f 1"; echo "c 1"; echo "W 1 1"; echo x; } | "$RUN")
check post '^f 0$' '^POST /echo' '^hello world' '^w -10$'

n=200000000 # 200 MB, streamed through a 256 KiB buffer
out=$( { echo "o $base/big?n=$n"; request 1 $'GET /big?n='$n$' HTTP/1.1\n'; echo "f 1"; echo "s 1"; } | "$RUN")
total=$(sed -n 's/^s \([0-9]*\) 0$/\1/p' <<< "$out")
if [[ -z $total ]] || ((total < n)); then echo "FAIL: big body: $out"; fail=1; fi

out=$( { echo "o $base/drop?n=5000"; request 1 $'GET /drop?n=5000 HTTP/1.1\n'; echo "f 1"; echo "s 1"; } | "$RUN")
check drop '^f 0$' '^s [0-9]+ -8$'

out=$( { echo "o $base/stall?n=10"; request 1 $'GET /stall?n=10 HTTP/1.1\n'; echo "f 1"; echo "s 1"; } | DAGGER_HTTP_TIMEOUT=1 "$RUN")
check stall '^f 0$' '^s [0-9]+ -8$'

out=$( { echo "o $base/stall-head"; request 1 $'GET /stall-head HTTP/1.1\n'; echo "f 1"; } | DAGGER_HTTP_TIMEOUT=1 "$RUN")
check stall-head '^f -8$'

out=$( { echo "o http://127.0.0.1:1/"; request 1 $'GET / HTTP/1.1\n'; echo "f 1"; } | "$RUN")
check refused '^f -8$'

out=$( { echo "o http://nonexistent.invalid/"; request 1 $'GET / HTTP/1.1\n'; echo "f 1"; } | "$RUN")
check dns '^f -7$'

out=$( { echo "o $base/echo"; request 1 $'GET /echo HTTP/1.0\n'; echo "f 1"; echo "o $base/echo"; request 2 $'GET  /echo HTTP/1.1\n'; echo "f 2"; echo "o http://u:p@127.0.0.1:$PORT/"; } | "$RUN")
check malformed '^f -2$' '^o -2$'
[[ $(grep -c '^f -2$' <<< "$out") == 2 ]] || { echo "FAIL: malformed: $out"; fail=1; }
exit $fail
