# https:// end to end: a server on loopback with a certificate from a CA this
# script makes; trusted through DAGGER_CA_FILE, refused without it.
source "$(dirname "${BASH_SOURCE[0]}")/streams_lib.bash"
if [[ ${DAGGER_E2E_HTTP-} == unsupported ]]; then # a target without libcurl
  cmds=$'o https://localhost:1/echo\no https://localhost:1/\n'
  no_libcurl https <<'OUT'
o -10
o -10
OUT
  exit $fail
fi
servers=$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)
command -v openssl > /dev/null || { echo "SKIP: openssl missing"; exit 77; }
mkdir "$WORK/certs" && sh "$servers/make_certs.sh" "$WORK/certs"
start_httpd --tls "$WORK/certs/server.pem" "$WORK/certs/server.key"
cmds() { echo "o https://localhost:$PORT/echo"; request 1 $'GET /echo HTTP/1.1\n'; echo "f 1"; echo "c 1"; }

out=$(cmds | DAGGER_CA_FILE=$WORK/certs/ca.pem "$RUN")
check trusted '^f 0$' '^HTTP/1.1 200 ' '^GET /echo' '^c [0-9]+ 0$'

out=$(cmds | "$RUN" 2> /dev/null)
check untrusted '^f -8$'
exit $fail
