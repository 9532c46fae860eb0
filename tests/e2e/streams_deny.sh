# Deny rules against the look-alikes of issue 13, with no --allow (so
# everything else is allowed): empty and "." path segments in file URLs,
# the fd:// aliases of the standard streams, other spellings of an HTTP
# path, and other spellings of an address (IPv4-mapped IPv6, localhost,
# 0.0.0.0, 0, numbers) against a real server on loopback whose port is the
# one in the rule (run.sh puts it in streams_deny.flags as E2E_PORT).
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
mkdir -p secret pub/private && echo s > secret/s.txt && echo b > pub/private/b.txt && echo ok > pub/ok.txt

cmds=$'o file:////secret/s.txt\no file:///.//secret/s.txt\no file:///secret//s.txt\no file:///./secret/s.txt\no file:///secret%2Fs.txt\no file:///pub//private/b.txt\no file:///pub/./private/b.txt\no file:///pub/private//b.txt\no file:////pub//ok.txt\nc 1\no fd://2\no stderr://\no fd://1\nx 2\no http://h.test//admin\no http://h.test/admin;x=1\no http://h.test/x/..;/admin\no http://H.TEST/admin\no http://h.test/Admin\nx 2\no http://h.test/x\n'
cmds+=$(request 2 $'GET //admin HTTP/1.1\n')$'\nf 2\n'
# The allowed http opens: streams, or -UNSUPPORTED without libcurl (then
# writing to them and closing answer -BAD_DESCRIPTOR).
if [[ ${DAGGER_E2E_HTTP-} == unsupported ]]; then
  opened=-10 closed=-4 wrote=-4 flushed=-4
else
  opened=2 closed=0 wrote=24 flushed=-6
fi
expect files-and-streams <<OUT
o -6
o -6
o -6
o -6
o -6
o -6
o -6
o -6
o 1
ok
c 3 0
o -6
o -6
o 2
x 0
o -6
o -6
o -6
o -6
o $opened
x $closed
o $opened
w $wrote
f $flushed
OUT
denials=15
[[ ${DAGGER_E2E_HTTP-} == unsupported ]] && denials=14 # the flush is not reached
[[ $(grep -c 'policy: denied' "$WORK/files-and-streams.stderr") == "$denials" ]] || { echo "FAIL: one stderr line per denial expected"; cat "$WORK/files-and-streams.stderr"; fail=1; }

[[ ${DAGGER_E2E_HTTP-} == unsupported ]] && exit $fail # no libcurl here
start_httpd
[[ $PORT == "$E2E_PORT" ]] || { echo "FAIL: server on $PORT, rule on $E2E_PORT"; exit 1; }
# get HOST PATH: asks the server at HOST for PATH; prints the shell's output.
get() {
  { echo "o http://$1:$PORT$2"; request 1 "GET $2 HTTP/1.1"$'\n'; echo "f 1"; echo "s 1"; } | "$RUN" 2>> "$WORK/http.stderr"
}
# The rule names /echo on 127.0.0.1:PORT; other paths there are a control.
out=$(get localhost /big?n=5)
check control '^f 0$' '^s 116 0$'
for host in 127.0.0.1 localhost 0.0.0.0 0 '[::ffff:127.0.0.1]' '[::ffff:7f00:1]' \
  '[0:0:0:0:0:ffff:127.0.0.1]' '[::FFFF:7F00:0001]' 2130706433 0x7f.1 127.1; do
  for path in /echo //echo '/echo;x=1' /echo/x; do
    out=$(get "$host" "$path")
    if ! grep -Eq '^(o|f) -6$' <<< "$out" || grep -q '^f 0$' <<< "$out"; then
      echo "FAIL: http://$host:$PORT$path got past --deny http://127.0.0.1:$PORT/echo:"
      printf '%s\n' "$out"
      fail=1
    fi
  done
done
if grep -q 'denied connection to 127.0.0.1:' "$WORK/http.stderr"; then :; else
  echo "FAIL: no connect-time denial on stderr"; cat "$WORK/http.stderr"; fail=1
fi
exit $fail
