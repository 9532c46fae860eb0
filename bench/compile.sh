#!/usr/bin/env bash
# Where compile time goes, by module size: generated modules of N functions
# and a data-heavy one (and real modules given with --real), each stage of
# daggercc's pipeline timed on its own (wall, CPU, peak RSS), then sharded,
# cached, and from cached units. Not a test. See docs/bench.md.
#   bench/compile.sh [--sizes 1000,10000,30000] [--data-mib 16] [--opt -O2]
#                    [--real M.wasm] [--o1] [--one-unit-max N] [--timeout S]
#                    [--daggercc PATH]
#                    [--out DIR]
exec python3 "$(dirname "$0")/compile.py" "$@"
