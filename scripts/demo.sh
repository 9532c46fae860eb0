#!/usr/bin/env bash
# The main job in one command: install what is needed, build daggercc (and
# only what it needs: the host runtime and headers), compile
# examples/hello.wat into a native program and run it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh demo
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target daggercc
build/bin/daggercc examples/hello.wat -o build/hello
echo "daggercc: built build/hello ($(stat -c %s build/hello) bytes); running it:"
build/hello
