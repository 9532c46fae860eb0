#!/usr/bin/env bash
# The committed import table is what scripts/wasi-imports.py makes of the
# witx (formatted as the repository formats C).
# Usage: table.sh PYTHON CLANG_FORMAT SOURCE_DIR
set -euo pipefail
src=$3
witx=${DAGGER_WASI_WITX:-$src/../shared/wasi-preview1/witx}
if [[ ! -f $witx/wasi_snapshot_preview1.witx ]]; then
  echo "SKIP: no witx at $witx"
  exit 77
fi
diff -u "$src/rt/include/dagger/wasi-imports.h" \
  <("$1" "$src/scripts/wasi-imports.py" "$witx" |
    (cd "$src" && "$2" --assume-filename=rt/include/dagger/wasi-imports.h))
echo "rt/include/dagger/wasi-imports.h is the witx's table"
