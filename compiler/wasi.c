/* The WASI preview1 import table, as the compiler reads it.
 *
 * The names and core signatures come from rt/include/dagger/wasi-imports.h,
 * which scripts/wasi-imports.py generates from the witx: the ABI check
 * (abi.c), the glue (glue.c) and the interpreter (drivers/) all read this
 * array, and the runtime's dispatch the same header, so that they cannot
 * disagree on a function's number or signature. */
#include "compiler.h"

#include <string.h>

#include "dagger/wasi-imports.h"

#define DGC_WASI_ROW_(name, params, results) {#name, params, results},
const dgc_wasi_fn dgc_wasi_fns[] = {DAGGER_WASI_IMPORTS(DGC_WASI_ROW_)};
#undef DGC_WASI_ROW_
const size_t dgc_wasi_nfns = sizeof dgc_wasi_fns / sizeof dgc_wasi_fns[0];

int dgc_wasi_find(const char *name) {
  for (size_t i = 0; i < dgc_wasi_nfns; i++)
    if (!strcmp(dgc_wasi_fns[i].name, name))
      return (int)i;
  return -1;
}

uint8_t dgc_wasi_type(char letter) {
  return letter == 'I' ? DGC_I64 : DGC_I32;
}
