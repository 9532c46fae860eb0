#!/usr/bin/env python3
"""Loopback HTTP(S) server for the runtime's http:// and https:// tests.

Usage: httpd.py [--port N] [--tls CERT KEY]

Binds 127.0.0.1 on port N (default: a free port), prints the port number on one line of
stdout, and serves until its standard input reaches end of file (so it
never outlives the test that started it). Standard library only.

Routes (any method):
  /echo...          200; body: "METHOD TARGET\\n", each request header as
                    "Name: value\\n", "\\n", then the request body
  /big?n=N          200 with Content-Length N; body byte i is i % 251
  /chunked          200, Transfer-Encoding: chunked, "hello" "world" + trailer
  /redirect         302 to /echo
  /status?code=N    status N, empty body
  /drop?n=N         promises 2N bytes, sends N, then resets the connection
  /stall?n=N        promises N+100 bytes, sends N, then sends nothing more
  /stall-head       reads the request and never answers
"""
import http.server
import os
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit


def number(query, key, default):
    try:
        return int(parse_qs(query).get(key, [default])[0])
    except ValueError:
        return default


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # the tests' output is theirs

    def send_head(self, code, length=None, extra=()):
        self.send_response(code)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        url = urlsplit(self.path)
        body = self.body()
        path, query = url.path, url.query
        if path.startswith("/echo"):
            text = "%s %s\n" % (self.command, self.path)
            for name, value in self.headers.items():
                text += "%s: %s\n" % (name, value)
            out = text.encode("latin-1") + b"\n" + body
            self.send_head(200, len(out), [("X-Echo", "yes")])
            self.wfile.write(out)
        elif path == "/big":
            self.big(number(query, "n", 0))
        elif path == "/chunked":
            self.send_head(200, None, [("Transfer-Encoding", "chunked"),
                                       ("Trailer", "X-Trailer")])
            self.wfile.write(b"5\r\nhello\r\n5\r\nworld\r\n0\r\n"
                             b"X-Trailer: t\r\n\r\n")
        elif path == "/redirect":
            self.send_head(302, 0, [("Location", "/echo")])
        elif path == "/status":
            self.send_head(number(query, "code", 200), 0)
        elif path == "/drop":
            n = number(query, "n", 1000)
            self.send_head(200, 2 * n)
            self.wfile.write(b"d" * n)
            self.wfile.flush()
            # SO_LINGER 0: close sends a reset, not an orderly end
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif path == "/stall":
            n = number(query, "n", 10)
            self.send_head(200, n + 100)
            self.wfile.write(b"s" * n)
            self.wfile.flush()
            self.hold()
        elif path == "/stall-head":
            self.hold()
        else:
            self.send_head(404, 0)

    def hold(self):
        # Keeps the connection open and silent until the client goes away
        # (or 60 s, a bound of its own).
        self.connection.settimeout(60)
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass
        self.close_connection = True

    def big(self, n):
        self.send_head(200, n)
        block = bytes(i % 251 for i in range(251 * 4096))
        view = memoryview(block)
        sent = 0
        try:
            while sent < n:
                k = min(n - sent, len(block))
                self.wfile.write(view[:k])
                # keep byte i == i % 251 across blocks (len(block) % 251 == 0)
                sent += k
        except OSError:
            pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except OSError:
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.route
        raise AttributeError(name)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class TLSServer(Server):
    context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(10)
        try:
            sock = self.context.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError):
            sock.close()
            raise OSError("handshake failed")
        sock.settimeout(None)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # failed handshakes are part of the tests


def main():
    args = sys.argv[1:]
    cls = Server
    port = 0
    if args[:1] == ["--port"] and len(args) >= 2:
        port = int(args[1])
        args = args[2:]
    if args[:1] == ["--tls"] and len(args) == 3:
        TLSServer.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        TLSServer.context.load_cert_chain(args[1], args[2])
        cls = TLSServer
    elif args:
        sys.exit(__doc__)
    server = cls(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)
    os._exit(0)


if __name__ == "__main__":
    main()
