/* The check of a module against the Dagger ABI (shared/dagger-abi.md) and
 * WASI preview1 (docs/wasi.md).
 *
 * A module may import nothing but the five calls (and `sync`, the old name of
 * flush) from module `dagger` or `env`, with their exact signatures, the
 * functions of wasi_snapshot_preview1 with theirs (wasi.c's table), and at
 * most one memory from dagger or env; it must export an entry function.
 * Everything wasm2c 1.0.32 cannot translate but the reader can see (SIMD,
 * memory64, shared memory) is refused here too, with a message, instead of
 * letting wasm2c abort. Each message names the import or export at fault. */
#include "compiler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* All parameters and the one result of every call are i32. */
static const struct call_def {
  const char *name;
  dgc_call call;
  uint32_t nparams;
} calls[] = {
    {"open", DGC_CALL_OPEN, 2},   {"close", DGC_CALL_CLOSE, 1},
    {"read", DGC_CALL_READ, 3},   {"write", DGC_CALL_WRITE, 3},
    {"flush", DGC_CALL_FLUSH, 1}, {"sync", DGC_CALL_FLUSH, 1},
};

const char *dgc_call_name(dgc_call c) {
  switch (c) {
  case DGC_CALL_OPEN:
    return "open";
  case DGC_CALL_CLOSE:
    return "close";
  case DGC_CALL_READ:
    return "read";
  case DGC_CALL_WRITE:
    return "write";
  case DGC_CALL_FLUSH:
    return "flush";
  case DGC_CALL_WASI:
    return "wasi";
  }
  return NULL;
}

/* ---- signatures as text: "(i32, i32) -> i32" ---------------------------- */

static const char *valtype_name(uint8_t t) {
  switch (t) {
  case DGC_I32:
    return "i32";
  case DGC_I64:
    return "i64";
  case DGC_F32:
    return "f32";
  case DGC_F64:
    return "f64";
  case DGC_V128:
    return "v128";
  case DGC_FUNCREF:
    return "funcref";
  case DGC_EXTERNREF:
    return "externref";
  }
  return "?";
}

/* A bounded string: a signature with thousands of parameters is cut and
 * ends in "...", never overflows. */
typedef struct strbuf {
  char *buf;
  size_t size, n;
  bool cut;
} strbuf;

static void append(strbuf *sb, const char *s) {
  size_t len = strlen(s);

  if (sb->cut)
    return;
  if (len > sb->size - 1 - sb->n) {
    sb->cut = true;
    memcpy(sb->buf + sb->size - 4, "...", 4);
    return;
  }
  memcpy(sb->buf + sb->n, s, len + 1);
  sb->n += len;
}

static void append_types(strbuf *sb, uint32_t count, const uint8_t *types,
                         bool parens) {
  if (parens)
    append(sb, "(");
  for (uint32_t i = 0; i < count && !sb->cut; i++) {
    if (i)
      append(sb, ", ");
    append(sb, valtype_name(types[i]));
  }
  if (parens)
    append(sb, ")");
}

/* Precondition: size >= 4. */
static const char *format_sig(char *buf, size_t size, const dgc_functype *t) {
  strbuf sb = {buf, size, 0, false};

  buf[0] = '\0';
  append_types(&sb, t->nparams, t->params, true);
  append(&sb, " -> ");
  append_types(&sb, t->nresults, t->results, t->nresults != 1);
  return buf;
}

static bool is_i32s(uint32_t n, const uint8_t *types, uint32_t want) {
  if (n != want)
    return false;
  for (uint32_t i = 0; i < n; i++)
    if (types[i] != DGC_I32)
      return false;
  return true;
}

/* ---- imports ------------------------------------------------------------ */

static bool dagger_module(const char *module) {
  return !strcmp(module, "dagger") || !strcmp(module, "env");
}

static const struct call_def *find_call(const char *name) {
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
    if (!strcmp(calls[i].name, name))
      return &calls[i];
  return NULL;
}

/* The "import M.N" prefix of every import message, made printable. */
typedef struct import_label {
  char module[64], name[96];
} import_label;

static import_label label_of(const dgc_import *im) {
  import_label l;

  dgc_printable(l.module, sizeof l.module, im->module);
  dgc_printable(l.name, sizeof l.name, im->name);
  return l;
}

static const dgc_functype *import_type(const dgc_module *m,
                                       const dgc_import *im) {
  return im->type < m->ntypes ? &m->types[im->type] : NULL;
}

static int check_call_sig(const dgc_module *m, const dgc_import *im,
                          const struct call_def *c, dgc_diag *d) {
  const dgc_functype *t = import_type(m, im);
  import_label l = label_of(im);
  char got[160], want[64];
  dgc_functype expected = {c->nparams, 1, NULL, NULL};
  static const uint8_t i32s[3] = {DGC_I32, DGC_I32, DGC_I32};

  if (t && is_i32s(t->nparams, t->params, c->nparams) &&
      is_i32s(t->nresults, t->results, 1))
    return 0;
  expected.params = (uint8_t *)i32s;
  expected.results = (uint8_t *)i32s;
  format_sig(want, sizeof want, &expected);
  if (!t)
    return dgc_fail(d, "import %s.%s: type %u does not exist", l.module, l.name,
                    im->type);
  return dgc_fail(d, "import %s.%s: signature %s, expected %s", l.module,
                  l.name, format_sig(got, sizeof got, t), want);
}

/* "ii" -> the value types, into a functype whose arrays are out. */
static dgc_functype wasi_type(const dgc_wasi_fn *f, uint8_t *params,
                              uint8_t *results) {
  dgc_functype t = {(uint32_t)strlen(f->params), (uint32_t)strlen(f->results),
                    params, results};
  for (uint32_t i = 0; i < t.nparams; i++)
    params[i] = dgc_wasi_type(f->params[i]);
  for (uint32_t i = 0; i < t.nresults; i++)
    results[i] = dgc_wasi_type(f->results[i]);
  return t;
}

static bool same_types(uint32_t n, const uint8_t *a, const uint8_t *b) {
  return n == 0 || memcmp(a, b, n) == 0;
}

/* An import of module wasi_snapshot_preview1: one of the table's
 * functions with its exact signature (it may be imported more than once). */
static int check_wasi_import(const dgc_module *m, const dgc_import *im,
                             dgc_abi *abi, dgc_diag *d) {
  import_label l = label_of(im);
  const dgc_functype *t = import_type(m, im);
  uint8_t params[16], results[2];
  char got[160], want[160];
  int fn;

  if (im->kind != DGC_EXT_FUNC)
    return dgc_fail(d, "import %s.%s: WASI provides functions only", l.module,
                    l.name);
  if ((fn = dgc_wasi_find(im->name)) < 0)
    return dgc_fail(d, "import %s.%s: not part of WASI preview1", l.module,
                    l.name);
  dgc_functype w = wasi_type(&dgc_wasi_fns[fn], params, results);
  if (!t)
    return dgc_fail(d, "import %s.%s: type %u does not exist", l.module, l.name,
                    im->type);
  if (t->nparams != w.nparams || t->nresults != w.nresults ||
      !same_types(w.nparams, t->params, w.params) ||
      !same_types(w.nresults, t->results, w.results))
    return dgc_fail(d, "import %s.%s: signature %s, expected %s", l.module,
                    l.name, format_sig(got, sizeof got, t),
                    format_sig(want, sizeof want, &w));
  abi->wasi = true;
  abi->bindings[abi->nbindings++] =
      (dgc_binding){im->module, im->name, DGC_CALL_WASI, fn};
  return 0;
}

static int check_import(const dgc_module *m, const dgc_import *im, dgc_abi *abi,
                        dgc_diag *d) {
  import_label l = label_of(im);
  const struct call_def *c;

  if (!strcmp(im->module, DGC_WASI_MODULE))
    return check_wasi_import(m, im, abi, d);
  if (im->kind != DGC_EXT_FUNC && im->kind != DGC_EXT_MEMORY)
    return dgc_fail(d,
                    "import %s.%s: only functions and one memory may be "
                    "imported",
                    l.module, l.name);
  if (!dagger_module(im->module))
    return dgc_fail(d,
                    "import %s.%s: module %s is not dagger, env or "
                    "wasi_snapshot_preview1",
                    l.module, l.name, l.module);
  if (im->kind == DGC_EXT_MEMORY) {
    abi->memory = DGC_MEM_IMPORTED;
    abi->memory_module = im->module;
    abi->memory_name = im->name;
    return 0;
  }
  if (!(c = find_call(im->name)))
    return dgc_fail(d,
                    "import %s.%s: not part of the Dagger ABI (expected "
                    "open, close, read, write, flush)",
                    l.module, l.name);
  if (check_call_sig(m, im, c, d))
    return -1;
  abi->bindings[abi->nbindings++] =
      (dgc_binding){im->module, im->name, c->call, 0};
  return 0;
}

static int check_imports(const dgc_module *m, dgc_abi *abi, dgc_diag *d) {
  abi->bindings =
      calloc(m->nfuncimports ? m->nfuncimports : 1, sizeof *abi->bindings);
  if (!abi->bindings)
    return dgc_fail(d, "out of memory");
  for (uint32_t i = 0; i < m->nimports; i++)
    if (check_import(m, &m->imports[i], abi, d))
      return -1;
  return 0;
}

/* ---- the entry point ---------------------------------------------------- */

static const dgc_export *find_func_export(const dgc_module *m,
                                          const char *name) {
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == DGC_EXT_FUNC && !strcmp(m->exports[i].name, name))
      return &m->exports[i];
  return NULL;
}

/* dagger_main, main, then _start: the first one exported is the entry, and
 * a wrong signature on it is an error even if a later name would fit. A
 * module importing WASI is a WASI command: its _start comes first. */
static int check_entry(const dgc_module *m, dgc_abi *abi, dgc_diag *d) {
  static const char *const names[] = {"dagger_main", "main", "_start"};
  const dgc_export *e = abi->wasi ? find_func_export(m, "_start") : NULL;
  const dgc_functype *t;
  char got[160];

  for (size_t i = 0; i < 3 && !e; i++)
    e = find_func_export(m, names[i]);
  if (!e)
    return dgc_fail(d, "no entry point: export a function named dagger_main, "
                       "main or _start");
  abi->entry = e->name;
  if (!(t = dgc_func_type(m, e->index)))
    return dgc_fail(d, "export %s: function %u does not exist", e->name,
                    e->index);
  if (t->nparams == 0 && is_i32s(t->nresults, t->results, 1)) {
    abi->entry_kind = DGC_ENTRY_I32;
    return 0;
  }
  if (t->nparams == 0 && t->nresults == 0 && !strcmp(e->name, "_start")) {
    abi->entry_kind = DGC_ENTRY_VOID;
    return 0;
  }
  return dgc_fail(d, "export %s: signature %s, expected () -> i32%s", e->name,
                  format_sig(got, sizeof got, t),
                  strcmp(e->name, "_start") ? "" : " or () -> ()");
}

/* ---- the public entry points -------------------------------------------- */

static int check_module(const dgc_module *m, dgc_abi *abi, dgc_diag *d) {
  if (m->uses_simd)
    return dgc_fail(d, "module uses SIMD (v128), which wasm2c 1.0.32 cannot "
                       "translate");
  if (m->has_memory && m->memory64)
    return dgc_fail(d, "module uses a 64-bit memory (memory64), which "
                       "wasm2c 1.0.32 cannot translate");
  if (m->has_memory && m->memory_shared)
    return dgc_fail(d, "module uses a shared memory (threads), which "
                       "wasm2c 1.0.32 cannot translate");
  if (check_imports(m, abi, d))
    return -1;
  if (m->has_memory && abi->memory == DGC_MEM_NONE)
    abi->memory = DGC_MEM_DEFINED;
  return check_entry(m, abi, d);
}

int dgc_check_abi(const dgc_module *m, dgc_abi *abi, dgc_diag *d) {
  memset(abi, 0, sizeof *abi);
  abi->memory = DGC_MEM_NONE;
  if (check_module(m, abi, d) == 0)
    return 0;
  dgc_abi_free(abi);
  return -1;
}

void dgc_abi_free(dgc_abi *abi) {
  free(abi->bindings);
  memset(abi, 0, sizeof *abi);
  abi->memory = DGC_MEM_NONE;
}
