# fetch beyond its README: the 404's status line on stderr, a chunked body
# and a 1 MiB body arriving intact, a refused connection, a non-HTTP URL.
# Runs after the README's commands (run-example.sh): WORK holds ./fetch.
grep -q '^fetch: HTTP/1.0 404' "$ERR"
cd "$WORK"
# A server that answers /chunked with a chunked body and /big with 1 MiB.
cat > server.py <<'PY'
import http.server, sys
BIG = bytes(i % 253 for i in range(1 << 20))
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"chunk one, ", b"chunk two", b"\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(BIG)))
            self.end_headers()
            self.wfile.write(BIG)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 server.py "$PORT" &
server=$!
trap 'kill $server 2> /dev/null || true' EXIT
until (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; do sleep 0.1; done
out=$(echo "http://127.0.0.1:$PORT/chunked" | ./fetch)
[[ $out == "chunk one, chunk two" ]] || { echo "chunked body: '$out'"; exit 1; }
echo "http://127.0.0.1:$PORT/big" | ./fetch > big.out
python3 -c 'import sys
data = open("big.out", "rb").read()
sys.exit(data != bytes(i % 253 for i in range(1 << 20)))' ||
  { echo "the 1 MiB body differs"; exit 1; }
kill $server
wait $server 2> /dev/null || true
# Nothing listens any more: the exchange fails, exit status 1.
set +e
echo "http://127.0.0.1:$PORT/" | ./fetch 2> refused.err
status=$?
echo "ftp://example.invalid/" | ./fetch 2> scheme.err
status2=$?
set -e
[[ $status == 1 ]] && grep -q '^fetch: request: IO$' refused.err ||
  { echo "refused: status $status, $(cat refused.err)"; exit 1; }
[[ $status2 == 2 ]] || { echo "ftp URL: status $status2"; exit 1; }
echo "fetch checks hold"
