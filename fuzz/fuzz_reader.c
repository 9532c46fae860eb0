/* libFuzzer target for the module reader and the ABI check: whatever bytes
 * arrive, dgc_read_module must return (0 or -1 with a message) without
 * touching memory it does not own, and whatever it accepts the ABI check
 * must survive too.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the
 * source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I compiler fuzz/fuzz_reader.c \
 *     compiler/diag.c compiler/wasmread.c compiler/abi.c \
 *     -o /tmp/fuzz_reader
 *   cp -r fuzz/corpus/reader /tmp/corpus-reader  # keep the seeds pristine
 *   /tmp/fuzz_reader -runs=2000000 /tmp/corpus-reader
 *
 * (-fno-sanitize-recover=all makes an undefined-behaviour report a crash
 * that libFuzzer keeps, instead of a line in the log.)
 *
 * The seeds in fuzz/corpus/reader/ are the wat2wasm fixtures of the unit
 * tests (the .wasm files in tests/unit/data/reader/, sources beside them)
 * plus the text of one of them, so that the "this is WAT" path is reached
 * too. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

/* A message is one line of text that fits the buffer. */
static void check_message(const dgc_diag *d) {
  size_t n = strnlen(d->msg, sizeof d->msg);

  if (n == 0 || n == sizeof d->msg || memchr(d->msg, '\n', n))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;

  memset(&d, 0, sizeof d);
  if (dgc_read_module(data, size, &m, &d)) {
    if (strncmp(d.msg, "at byte 0x", 10))
      abort();
    check_message(&d);
    return 0;
  }
  /* The reader checks every type index, so every function has a type. */
  for (uint64_t f = 0; f < (uint64_t)m.nfuncimports + m.nfuncs; f++)
    if (!dgc_func_type(&m, (uint32_t)f))
      abort();
  memset(&d, 0, sizeof d);
  if (dgc_check_abi(&m, &abi, &d) == 0) {
    if (!abi.entry || abi.nbindings != m.nfuncimports)
      abort();
    dgc_abi_free(&abi);
  } else {
    check_message(&d);
  }
  dgc_module_free(&m);
  return 0;
}
