#!/usr/bin/env python3
"""A Dagger module whose weight is its data (tests/cli/data.sh).

  data-module.py MIB [FLIP]  > module.wasm

Segment 0 holds MIB MiB at address 65536, byte i being the top byte of
i * 0x9E3779B1 (mod 2^32); segment 1, a short text further on. dagger_main
recomputes every byte of segment 0 and checks one of segment 1: status 0
when all match, else (i + 1) & 255 for the first wrong byte i (255 for
segment 1). FLIP (an index) writes byte FLIP of segment 0 wrong, so a test
can see that the check notices.
"""
import sys

BASE = 65536
K = 0x9E3779B1
TAIL = b"tail-segment"


def leb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


def check_body(size, tail_at):
    body = bytearray(b"\x01\x01\x7f")  # (local $i i32)
    body += b"\x03\x40"  # loop
    body += b"\x20\x00\x2d\x00" + leb(BASE)  # i32.load8_u offset=BASE ($i)
    body += b"\x20\x00\x41" + sleb(K - (1 << 32)) + b"\x6c"  # $i * K
    body += b"\x41\x18\x76"  # >> 24 (unsigned)
    body += b"\x47\x04\x40\x20\x00\x41\x01\x6a\x0f\x0b"  # ne: return $i+1
    body += b"\x20\x00\x41\x01\x6a\x22\x00"  # $i = $i + 1
    body += b"\x41" + sleb(size) + b"\x49\x0d\x00\x0b"  # br_if $i < size
    body += b"\x41" + sleb(tail_at + 3) + b"\x2d\x00\x00"  # segment 1 [3]
    body += b"\x41" + sleb(TAIL[3]) + b"\x47\x04\x40\x41\x7f\x0f\x0b"
    body += b"\x41\x00\x0b"  # return 0
    return bytes(body)


def module(mib, flip=None):
    size = int(mib * (1 << 20))
    data = bytearray(((i * K) & 0xFFFFFFFF) >> 24 for i in range(size))
    if flip is not None:
        data[flip] ^= 1
    tail_at = BASE + size + 100
    pages = (tail_at + len(TAIL) + 65535) // 65536
    name = b"dagger_main"
    body = check_body(size, tail_at)
    segs = (leb(2) + b"\x00\x41" + sleb(BASE) + b"\x0b" + leb(size) + data +
            b"\x00\x41" + sleb(tail_at) + b"\x0b" + leb(len(TAIL)) + TAIL)
    return (b"\x00asm\x01\x00\x00\x00" +
            section(1, leb(1) + b"\x60\x00\x01\x7f") +
            section(3, leb(1) + leb(0)) +
            section(5, leb(1) + b"\x00" + leb(pages)) +
            section(7, leb(1) + leb(len(name)) + name + b"\x00" + leb(0)) +
            section(10, leb(1) + leb(len(body)) + body) +
            section(11, segs))


if __name__ == "__main__":
    flip = int(sys.argv[2]) if len(sys.argv) > 2 else None
    sys.stdout.buffer.write(module(float(sys.argv[1]), flip))
