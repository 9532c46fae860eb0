/* Internal interface of the daggercc compiler library, sectioned by file.
 * Library code returns errors (a message in a dgc_diag) and never exits or
 * prints to stdout. */
#ifndef DAGGERCC_COMPILER_H
#define DAGGERCC_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- diag.c: error messages ------------------------------------------- */
typedef struct dgc_diag {
  char msg[512]; /* one line, no trailing newline, no "daggercc: " prefix */
} dgc_diag;

/* Formats into d->msg; always returns -1 so callers can `return dgc_fail()`. */
int dgc_fail(dgc_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- wasmread.c: the module reader --------------------------------------
 * Reads the binary format itself: header, type, import, function, table,
 * memory, global, export, start, code (locals only); other sections are
 * skipped by size. Survives any input: every length is checked against the
 * end of its section before use. */
enum {
  DGC_I32 = 0x7f,
  DGC_I64 = 0x7e,
  DGC_F32 = 0x7d,
  DGC_F64 = 0x7c,
  DGC_V128 = 0x7b,
  DGC_FUNCREF = 0x70,
  DGC_EXTERNREF = 0x6f,
};

enum {
  DGC_EXT_FUNC = 0,
  DGC_EXT_TABLE = 1,
  DGC_EXT_MEMORY = 2,
  DGC_EXT_GLOBAL = 3,
  DGC_EXT_TAG = 4
};

typedef struct dgc_functype {
  uint32_t nparams, nresults;
  uint8_t *params, *results; /* value type bytes */
} dgc_functype;

typedef struct dgc_import {
  char *module, *name; /* NUL-terminated copies (names may not hold NUL) */
  uint8_t kind;        /* DGC_EXT_* */
  uint32_t type;       /* DGC_EXT_FUNC: type index */
  uint32_t offset;     /* byte offset of this import entry in the file */
} dgc_import;

typedef struct dgc_export {
  char *name;
  uint8_t kind;
  uint32_t index;
} dgc_export;

typedef struct dgc_module {
  uint32_t ntypes;
  dgc_functype *types;
  uint32_t nimports;
  dgc_import *imports;
  uint32_t nfuncimports; /* function index space starts with these */
  uint32_t nfuncs;       /* defined functions */
  uint32_t *func_types;  /* type index of each defined function */
  uint32_t nexports;
  dgc_export *exports;
  bool has_memory;      /* defined or imported */
  bool memory_imported; /* then imports[memory_import] names it */
  uint32_t memory_import;
  bool memory64;
  uint64_t mem_min, mem_max; /* pages; mem_max UINT64_MAX when absent */
  bool has_start;
  uint32_t start;
  bool uses_simd; /* v128 seen in a type, global or local declaration */
} dgc_module;

/* 0 on success; -1 with a message naming the byte offset
 * ("at byte 0x1c: section 3 runs past the end of the file"). */
int dgc_read_module(const uint8_t *buf, size_t len, dgc_module *m, dgc_diag *d);
void dgc_module_free(dgc_module *m);
/* The function type of function index `func` (imports first), or NULL. */
const dgc_functype *dgc_func_type(const dgc_module *m, uint32_t func);

/* ---- abi.c: the check against the Dagger ABI ----------------------------
 * Every function import must be one of the five calls (or `sync`, the old
 * name of flush) from module `dagger` or `env`, with the exact signature;
 * a memory import must come from `dagger` or `env`; no other imports. */
typedef enum dgc_call {
  DGC_CALL_OPEN,
  DGC_CALL_CLOSE,
  DGC_CALL_READ,
  DGC_CALL_WRITE,
  DGC_CALL_FLUSH,
} dgc_call;

typedef struct dgc_binding {
  const char *module, *name; /* as imported (point into the dgc_module) */
  dgc_call call;
} dgc_binding;

typedef enum dgc_entry_kind {
  DGC_ENTRY_I32,  /* () -> i32: its result is the exit status */
  DGC_ENTRY_VOID, /* _start () -> (): exit status 0 */
} dgc_entry_kind;

typedef struct dgc_abi {
  uint32_t nbindings; /* one per function import, in import order */
  dgc_binding *bindings;
  const char *entry; /* export name: dagger_main, main or _start */
  dgc_entry_kind entry_kind;
  enum { DGC_MEM_NONE, DGC_MEM_DEFINED, DGC_MEM_IMPORTED } memory;
  const char *memory_module, *memory_name; /* when imported */
} dgc_abi;

/* 0 on success; -1 with a message such as
 * "import dagger.frobnicate: not part of the Dagger ABI" or
 * "import dagger.open: signature (i32) -> i32, expected (i32, i32) -> i32"
 * or "no entry point: export dagger_main, main or _start". */
int dgc_check_abi(const dgc_module *m, dgc_abi *abi, dgc_diag *d);
void dgc_abi_free(dgc_abi *abi);
/* The call's name in the runtime: "open", ... */
const char *dgc_call_name(dgc_call c);

#endif
