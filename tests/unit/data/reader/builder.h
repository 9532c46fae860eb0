/* A tiny WebAssembly binary builder shared by test_reader.c and test_abi.c:
 * byte-level helpers, and a module described by a table row (imports,
 * functions with their exports, memory, start) turned into a valid binary.
 *
 * Signatures are written "ii>i": parameter letters, '>', result letters, with
 * i = i32, I = i64, f = f32, F = f64, v = v128, r = funcref, x = externref.
 * Every function body is `unreachable`, which is valid for any signature, so
 * each built module passes wasm-validate (the test programs write them out
 * for that check when given a directory argument). */
#ifndef DAGGER_TEST_BUILDER_H
#define DAGGER_TEST_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wbuf {
  uint8_t b[4096];
  size_t n;
} wbuf;

/* A test module never comes close to the buffer; running over it is a bug
 * in the test itself. */
static void wb_put(wbuf *w, const void *p, size_t n) {
  if (n > sizeof w->b - w->n) {
    fprintf(stderr, "builder: module larger than %zu bytes\n", sizeof w->b);
    abort();
  }
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

static void wb_byte(wbuf *w, uint8_t b) {
  wb_put(w, &b, 1);
}

static void wb_uleb(wbuf *w, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    wb_byte(w, (uint8_t)(b | (v ? 0x80 : 0)));
  } while (v);
}

static void wb_name(wbuf *w, const char *s) {
  wb_uleb(w, strlen(s));
  wb_put(w, s, strlen(s));
}

static void wb_section(wbuf *w, uint8_t id, const wbuf *content) {
  wb_byte(w, id);
  wb_uleb(w, content->n);
  wb_put(w, content->b, content->n);
}

static void wb_header(wbuf *w) {
  wb_put(w, "\0asm\1\0\0\0", 8);
}

static uint8_t wb_valtype(char c) {
  switch (c) {
  case 'i':
    return 0x7f;
  case 'I':
    return 0x7e;
  case 'f':
    return 0x7d;
  case 'F':
    return 0x7c;
  case 'v':
    return 0x7b;
  case 'r':
    return 0x70;
  case 'x':
    return 0x6f;
  }
  fprintf(stderr, "builder: bad value type letter '%c'\n", c);
  abort();
}

static void wb_functype(wbuf *w, const char *sig) {
  const char *arrow = strchr(sig, '>');

  if (!arrow) {
    fprintf(stderr, "builder: signature \"%s\" has no '>'\n", sig);
    abort();
  }
  wb_byte(w, 0x60);
  wb_uleb(w, (size_t)(arrow - sig));
  for (const char *p = sig; p < arrow; p++)
    wb_byte(w, wb_valtype(*p));
  wb_uleb(w, strlen(arrow + 1));
  for (const char *p = arrow + 1; *p; p++)
    wb_byte(w, wb_valtype(*p));
}

/* ---- modules from a description ------------------------------------------*/

typedef struct wb_import {
  /* desc: a signature for a function, or "memory", "table", "global". */
  const char *module, *name, *desc;
} wb_import;

typedef struct wb_func {
  const char *sig, *export; /* export NULL: not exported */
} wb_func;

typedef struct wb_module {
  wb_import imports[8]; /* up to the first with module NULL */
  wb_func funcs[4];     /* up to the first with sig NULL */
  const char *memory;   /* NULL: none; "": defined; else defined, exported */
  bool memory64;
  int start; /* 1 + the start function's index in funcs[]; 0: none */
} wb_module;

static bool wb_is_func_import(const wb_import *im) {
  return strchr(im->desc, '>') != NULL;
}

/* Type i is the i-th function import's, then the defined functions'. */
static uint32_t wb_types(const wb_module *m, wbuf *w) {
  uint32_t n = 0;

  for (const wb_import *im = m->imports; im->module; im++)
    if (wb_is_func_import(im)) {
      wb_functype(w, im->desc);
      n++;
    }
  for (const wb_func *f = m->funcs; f->sig; f++, n++)
    wb_functype(w, f->sig);
  return n;
}

static void wb_import_desc(wbuf *w, const wb_import *im, uint32_t *type) {
  if (wb_is_func_import(im)) {
    wb_byte(w, 0x00);
    wb_uleb(w, (*type)++);
  } else if (!strcmp(im->desc, "memory")) {
    wb_put(w, "\x02\x00\x01", 3);
  } else if (!strcmp(im->desc, "table")) {
    wb_put(w, "\x01\x70\x00\x01", 4);
  } else if (!strcmp(im->desc, "global")) {
    wb_put(w, "\x03\x7f\x00", 3);
  } else {
    fprintf(stderr, "builder: bad import \"%s\"\n", im->desc);
    abort();
  }
}

static uint32_t wb_imports(const wb_module *m, wbuf *w) {
  uint32_t n = 0, type = 0, funcs = 0;

  while (m->imports[n].module)
    n++;
  wb_uleb(w, n);
  for (uint32_t i = 0; i < n; i++) {
    wb_name(w, m->imports[i].module);
    wb_name(w, m->imports[i].name);
    wb_import_desc(w, &m->imports[i], &type);
    funcs += wb_is_func_import(&m->imports[i]);
  }
  return funcs;
}

static void wb_exports(const wb_module *m, wbuf *w, uint32_t nfuncimports) {
  uint32_t n = 0;

  for (const wb_func *f = m->funcs; f->sig; f++)
    n += f->export != NULL;
  n += m->memory && *m->memory;
  wb_uleb(w, n);
  for (const wb_func *f = m->funcs; f->sig; f++)
    if (f->export) {
      wb_name(w, f->export);
      wb_byte(w, 0x00);
      wb_uleb(w, nfuncimports + (uint32_t)(f - m->funcs));
    }
  if (m->memory && *m->memory) {
    wb_name(w, m->memory);
    wb_put(w, "\x02\x00", 2);
  }
}

static void wb_functions_and_code(const wb_module *m, wbuf *funcs, wbuf *code,
                                  uint32_t first_type) {
  uint32_t n = 0;

  while (m->funcs[n].sig)
    n++;
  wb_uleb(funcs, n);
  wb_uleb(code, n);
  for (uint32_t i = 0; i < n; i++) {
    wb_uleb(funcs, first_type + i);
    wb_put(code, "\x03\x00\x00\x0b", 4); /* size, no locals, unreachable */
  }
}

static void wb_build(const wb_module *m, wbuf *out) {
  wbuf types = {0}, imports = {0}, funcs = {0}, mem = {0}, exports = {0},
       start = {0}, code = {0};
  uint32_t ntypes = wb_types(m, &types), nfuncimports;
  wbuf counted = {0};

  wb_uleb(&counted, ntypes);
  wb_put(&counted, types.b, types.n);
  nfuncimports = wb_imports(m, &imports);
  wb_functions_and_code(m, &funcs, &code, nfuncimports);
  wb_put(&mem, m->memory64 ? "\x01\x04\x01" : "\x01\x00\x01", 3);
  wb_exports(m, &exports, nfuncimports);
  wb_uleb(&start, nfuncimports + (uint64_t)(m->start - 1));
  wb_header(out);
  wb_section(out, 1, &counted);
  wb_section(out, 2, &imports);
  wb_section(out, 3, &funcs);
  if (m->memory)
    wb_section(out, 5, &mem);
  wb_section(out, 7, &exports);
  if (m->start)
    wb_section(out, 8, &start);
  wb_section(out, 10, &code);
}

/* Writes a built module to dir/name.wasm, so that a test run given a
 * directory leaves every module it calls valid for wasm-validate. */
static void wb_dump(const char *dir, const char *name, const wbuf *w) {
  char path[512];
  FILE *f;

  if (!dir)
    return;
  snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
  for (char *p = path + strlen(dir) + 1; *p; p++)
    if (*p == ' ' || *p == '/')
      *p = '_';
  if (!(f = fopen(path, "wb")) || fwrite(w->b, 1, w->n, f) != w->n)
    fprintf(stderr, "cannot write %s\n", path);
  if (f)
    fclose(f);
}

/* Reads data/reader/<name> (beside this header) into w; false if it cannot.
 * The directory is found from __FILE__, which CMake makes absolute. */
static bool wb_load(const char *name, wbuf *w) {
  const char *src = __FILE__, *slash = strrchr(src, '/');
  char path[1024];
  FILE *f;

  snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - src + 1) : 0, src,
           name);
  w->n = 0;
  if (!(f = fopen(path, "rb"))) {
    fprintf(stderr, "cannot open %s\n", path);
    return false;
  }
  w->n = fread(w->b, 1, sizeof w->b, f);
  fclose(f);
  return w->n > 0 && w->n < sizeof w->b;
}

#endif
