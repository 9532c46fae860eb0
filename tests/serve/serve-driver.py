#!/usr/bin/env python3
"""Drives compiled programs in serve mode (docs/serve.md) through their
control socket, as gopherd does, and checks what each request gets.

Usage: serve-driver.py GUEST [WASI_GUEST]
GUEST is tests/serve/serve_guest.wat compiled, WASI_GUEST serve_wasi.c.
Environment, for programs of another target: SERVE_RUNNER, the command
that runs them (daggercc --print-runner: qemu-user), and SERVE_BYTE_ORDER,
the struct module's "<" or ">" for the program's int order (the protocol
uses the program's native order). Under a runner the time-limit checks are
skipped: they are the runtime's own logic, checked natively, and qemu's
speed would make them flaky.
Prints one line per check and 'N passed, N failed'; exits 1 on a failure."""
import fcntl
import os
import shlex
import socket
import struct
import subprocess
import sys
import time

MAGIC = 0x31565344
CTL = 9  # the control socket's number in the child
RUNNER = shlex.split(os.environ.get("SERVE_RUNNER", ""))
ORDER = os.environ.get("SERVE_BYTE_ORDER", "=")
results = [0, 0]


def check(ok, what):
    results[0 if ok else 1] += 1
    print(("ok   " if ok else "FAIL ") + what)


class Server:
    def __init__(self, prog, **env):
        self.sock, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        os.dup2(child.fileno(), CTL)
        child.close()
        e = dict(os.environ, DAGGER_SERVE_FD=str(CTL), **env)
        self.proc = subprocess.Popen(RUNNER + [prog], env=e, pass_fds=[CTL],
                                     stdin=subprocess.DEVNULL)
        os.close(CTL)

    def request(self, data):
        """(stdout, stderr, status or None when the process ended)."""
        ir, iw = os.pipe()
        outr, outw = os.pipe()
        errr, errw = os.pipe()
        socket.send_fds(self.sock, [struct.pack(ORDER + "I", MAGIC)],
                        [ir, outw, errw])
        for fd in (ir, outw, errw):
            os.close(fd)
        os.write(iw, data)
        os.close(iw)
        raw = self.sock.recv(4)
        status = struct.unpack(ORDER + "i", raw)[0] if len(raw) == 4 else None
        if status is not None:
            # Answered: every byte of output is in the pipes already and
            # the program holds their ends no more (no read may block).
            for fd in (outr, errr):
                fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)
        return drain(outr), drain(errr), status

    def close(self):
        self.sock.close()
        return self.proc.wait(timeout=30)


def drain(fd):
    data = b""
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        data += b"<output still open after the status>"
    os.close(fd)
    return data


def open_fds(pid):
    return sorted(os.listdir("/proc/%d/fd" % pid))


def tasks(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def dagger_guest(prog):
    # The wall limit far above the CPU limit: a loaded machine gives a
    # spinning guest less CPU than wall-clock time.
    s = Server(prog, DAGGER_TIMEOUT="20", DAGGER_CPU_TIME="0.5")
    for i in range(3):
        out, err, st = s.request(b"p")
        check((out, err, st) == (b"g=1 m=1\n", b"to stderr\n", 0),
              "request %d: a fresh instance (%r %r %r)" % (i, out, err, st))
    fds, threads = open_fds(s.proc.pid), tasks(s.proc.pid)
    for i in range(10):
        s.request(b"p")
    # (qemu-user has threads of its own)
    check(open_fds(s.proc.pid) == fds and tasks(s.proc.pid) == threads
          and (RUNNER or threads == 2),
          "nothing piles up: %d descriptors, %d threads (main, watch)"
          % (len(fds), threads))
    out, err, st = s.request(b"t")
    check(st == 201 and out == b"before\n" and b"trap: unreachable" in err,
          "a trap ends the request with 201, its output flushed (%r %r %r)" % (out, st, err))
    out, err, st = s.request(b"p")
    check(st == 0 and out == b"g=1 m=1\n", "the next request runs (%r)" % out)
    out, err, st = s.request(b"o")
    # Named afresh: not the last request's trap (which had no address).
    # The load is of 4 bytes at 0x11170; a target whose compiler loads them
    # one by one (riscv64) faults on one of them.
    check(st == 202 and b"out of bounds memory access" in err and b" in main" in err
          and b"at 0x1117" in err,
          "a guard-page trap ends the request with 202, its place named (%r)" % err)
    out, err, st = s.request(b"p")
    check(st == 0 and out == b"g=1 m=1\n", "the next request runs (%r)" % out)
    # A memory grown by one request: the next starts with the declared
    # size again, the grown page unreachable (the reservation is reused,
    # rt/wasm2c/rt-impl.c), and every byte of it zero.
    for i in range(2):
        out, err, st = s.request(b"g")
        check((out, st) == (b"new=0\n", 0),
              "request %d: a grown page is fresh (%r %r %r)" % (i, out, err, st))
    out, err, st = s.request(b"o")
    check(st == 202 and b"out of bounds memory access" in err,
          "after a grown memory, the next instance has its declared size (%r)" % err)
    check(s.proc.poll() is None, "the same process served them all")
    out, err, st = s.request(b"c")
    check(st == 0 and out.startswith(b"open=-"),
          "fd://%d (the control socket) is refused (%r)" % (CTL, out))
    if RUNNER:
        print("note: under a runner, the time-limit checks are skipped")
        check(s.close() == 0, "the end of the control socket ends the process")
        return
    # The CPU limit counts per request: more than it in all, each below it.
    n = 0
    while cpu_seconds(s.proc.pid) < 0.8 and n < 60:
        out, err, st = s.request(b"b")
        n += 1
        if st != 0:
            break
    check(st == 0 and cpu_seconds(s.proc.pid) >= 0.8,
          "%d requests spent %.2f s of CPU under a 0.5 s limit" % (n, cpu_seconds(s.proc.pid)))
    # Counted from the request's start: the process has spent more already.
    t0 = time.monotonic()
    out, err, st = s.request(b"l")
    wait = time.monotonic() - t0
    status = s.proc.wait(timeout=30)
    check(st is None and status == 212 and out == b"before\n"
          and b"trap: CPU time limit exceeded" in err and wait > 0.3,
          "a CPU time limit ends the process with 212 after %.2f s (%r %r)"
          % (wait, st, status))
    s = Server(prog, DAGGER_TIMEOUT="0.5")
    for i in range(2):
        out, err, st = s.request(b"p")
    time.sleep(0.6)  # the wall clock too counts from the request's start
    out, err, st = s.request(b"p")
    check(st == 0 and out == b"g=1 m=1\n", "a request after 0.6 s idle runs")
    t0 = time.monotonic()
    out, err, st = s.request(b"l")
    wait = time.monotonic() - t0
    status = s.proc.wait(timeout=30)
    check(st is None and status == 211 and out == b"before\n"
          and b"trap: time limit exceeded" in err and wait > 0.45,
          "a wall-clock limit ends the process with 211 after %.2f s (%r %r)"
          % (wait, st, status))


def wasi_guest(prog):
    s = Server(prog)
    for n in (5, 0, 7):
        out, err, st = s.request(b"%d\n" % n)
        check(st == n and out == b"count=1 fdstat(9)=8 write(9)=8\n",
              "proc_exit(%d) ends only the request; fd 9 is EBADF (%r %r)" % (n, out, st))
    check(s.close() == 0, "the end of the control socket ends the process with 0")


def bad_fd(prog):
    for value in ("1", "99", "x"):
        p = subprocess.run(RUNNER + [prog],
                           env=dict(os.environ, DAGGER_SERVE_FD=value),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        check(p.returncode == 213 and b"DAGGER_SERVE_FD=" + value.encode() in p.stderr,
              "DAGGER_SERVE_FD=%s is refused with 213 (%d)" % (value, p.returncode))
    s = Server(prog)
    s.sock.send(b"junk")
    check(s.proc.wait(timeout=30) == 1, "a malformed request ends the process with 1")
    s.sock.close()


def main():
    dagger_guest(sys.argv[1])
    bad_fd(sys.argv[1])
    if len(sys.argv) > 2:
        wasi_guest(sys.argv[2])
    print("%d passed, %d failed" % tuple(results))
    return 1 if results[1] else 0


if __name__ == "__main__":
    sys.exit(main())
