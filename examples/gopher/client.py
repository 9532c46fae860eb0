#!/usr/bin/env python3
"""A small Gopher client for trying gopherd: sends one selector to
127.0.0.1:PORT and prints the answer.

    python3 client.py [--menu] PORT SELECTOR

A text answer is printed with LF line ends and the extra '.' of a line
that starts with '..' removed, up to the lone '.' line. With --menu the
answer is read as a menu: an item shows as "TYPE DISPLAY -> SELECTOR", an
information line as its text, an error item as "error: TEXT". Exit status
1 when a menu holds an error item or an answer lacks its final '.' line."""
import socket
import sys


def fetch(port, selector):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(selector.encode() + b"\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode("utf-8", "replace")


def main(argv):
    menu = argv[:1] == ["--menu"]
    if menu:
        argv = argv[1:]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    status = 1  # until the final '.' line
    errors = 0
    for line in fetch(int(argv[0]), argv[1]).split("\r\n"):
        if line == ".":
            status = 0
            break
        if not menu:
            print(line[1:] if line.startswith("..") else line)
            continue
        fields = line.split("\t")
        kind, display = fields[0][:1], fields[0][1:]
        if kind == "i":
            print(display)
        elif kind == "3":
            print("error:", display)
            errors += 1
        elif len(fields) >= 4:
            print(kind, display, "->", fields[1])
        else:
            print("not a menu line:", line)
            errors += 1
    return 1 if status or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
