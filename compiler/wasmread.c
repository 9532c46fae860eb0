/* The module reader: the WebAssembly binary format, read by hand.
 *
 * daggercc reads the module itself (rather than trusting wasm2c to reject
 * what it cannot translate) so that every problem the ABI check can name is
 * named before wasm2c runs: 1.0.32 aborts without a word on SIMD, for one.
 * Only what the ABI check and the glue need is decoded (types, imports,
 * memory, exports, start, function locals); function bodies, element and data
 * segments are skipped by their sizes and left to wasm2c.
 *
 * The input is hostile until proven otherwise. Every read goes through a
 * reader whose end is the end of the enclosing section (or function body),
 * every vector count is checked against the bytes left before anything is
 * allocated, and LEB128 integers are checked for overlong encodings and
 * unused bits, so no input can make the reader read out of bounds or
 * allocate much more than a small multiple of the file's size. */
#include "compiler.h"

#include <inttypes.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
  const uint8_t *buf;
  size_t pos, end; /* end: of the current section, body or the file */
  size_t file_end;
  const char *what; /* what is being read, for "unexpected end of ..." */
  dgc_diag *d;
  /* Section bookkeeping across the whole module. */
  int last_rank;
  uint32_t seen; /* bit per known section id */
  bool have_code;
} reader;

__attribute__((format(printf, 3, 4))) static int rfail(reader *r, size_t at,
                                                       const char *fmt, ...) {
  char *msg = r->d->msg;
  size_t cap = sizeof r->d->msg;
  int n = snprintf(msg, cap, "at byte 0x%zx: ", at);
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg + n, cap - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

static size_t left(const reader *r) {
  return r->end - r->pos;
}

/* "1 byte", "2 bytes": for counts in messages. */
static const char *plural(uint64_t n) {
  return n == 1 ? "" : "s";
}

static int truncated(reader *r, size_t at) {
  return rfail(r, at, "unexpected end of %s", r->what);
}

/* The primitives store 0 on failure too: callers check the result, but the
 * compiler cannot always see that, and an indeterminate byte is never
 * worth a warning. */
static int read_u8(reader *r, uint8_t *out) {
  *out = 0;
  if (r->pos >= r->end)
    return truncated(r, r->pos);
  *out = r->buf[r->pos++];
  return 0;
}

static int skip(reader *r, size_t n) {
  if (n > left(r))
    return truncated(r, r->pos);
  r->pos += n;
  return 0;
}

/* ---- LEB128 --------------------------------------------------------------
 * The spec allows at most ceil(bits/7) bytes, and the bits of the last byte
 * beyond `bits` must be zero (unsigned) or copies of the sign bit (signed).
 * Anything else is malformed: an "overlong" or a "too large" integer. */

static int leb_last_byte(reader *r, size_t at, uint8_t b, unsigned bits,
                         unsigned shift, bool is_signed) {
  unsigned used = bits - shift; /* value bits this byte may carry, 1..7 */
  uint8_t rest;

  if (b & 0x80)
    return rfail(r, at, "integer encoding longer than %u bytes",
                 (bits + 6) / 7);
  if (!is_signed)
    return (b >> used) ? rfail(r, at, "integer too large for %u bits", bits)
                       : 0;
  rest = (uint8_t)((b & 0x7f) >> (used - 1));
  if (rest != 0 && rest != (0x7f >> (used - 1)))
    return rfail(r, at, "integer too large for %u bits", bits);
  return 0;
}

static int read_leb(reader *r, unsigned bits, bool is_signed, uint64_t *out) {
  size_t at = r->pos;
  unsigned maxbytes = (bits + 6) / 7;
  uint64_t v = 0;
  uint8_t b;

  *out = 0;
  for (unsigned i = 0;; i++) {
    unsigned shift = 7 * i;
    if (r->pos >= r->end)
      return rfail(r, at, "unexpected end of %s inside an integer", r->what);
    b = r->buf[r->pos++];
    if (i + 1 == maxbytes && leb_last_byte(r, at, b, bits, shift, is_signed))
      return -1;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (is_signed && (b & 0x40) && shift + 7 < 64)
        v |= ~(uint64_t)0 << (shift + 7);
      break;
    }
  }
  *out = v;
  return 0;
}

static int read_u32(reader *r, uint32_t *out) {
  uint64_t v = 0;

  if (read_leb(r, 32, false, &v))
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int read_u64(reader *r, uint64_t *out) {
  return read_leb(r, 64, false, out);
}

/* Signed: the two's-complement bits of the value, sign-extended to 64. */
static int read_s(reader *r, unsigned bits, int64_t *out) {
  uint64_t v = 0;

  if (read_leb(r, bits, true, &v))
    return -1;
  memcpy(out, &v, sizeof v);
  return 0;
}

/* ---- names -------------------------------------------------------------- */

/* Offset of the first byte that does not start a valid UTF-8 sequence
 * (overlong forms, surrogates and code points past U+10FFFF included), or n
 * when all of s is valid. */
static size_t utf8_invalid_at(const uint8_t *s, size_t n) {
  size_t i = 0;

  while (i < n) {
    uint8_t c = s[i];
    size_t k;
    uint32_t cp, min;
    if (c < 0x80) {
      i++;
      continue;
    }
    if ((c & 0xe0) == 0xc0)
      k = 1, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
      k = 2, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
      k = 3, cp = c & 0x07, min = 0x10000;
    else
      return i;
    if (n - i <= k)
      return i;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80)
        return i;
      cp = cp << 6 | (s[i + j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return i;
    i += k + 1;
  }
  return n;
}

/* A name: u32 length and UTF-8 bytes. `what` says whose name it is. The
 * copy in *out is NUL-terminated, so a NUL inside is refused (the spec allows
 * U+0000; C strings and the glue do not), except in an export name
 * (nul_as_ff): there it is stored as 0xFF, a byte no valid UTF-8 holds, so
 * the name stays distinct from every other and never equals an entry
 * point's (wasm2c mangles the NUL itself; names.wast exports one). out is
 * NULL when only validity matters (custom sections), and then a NUL is
 * fine. */
static int read_name(reader *r, const char *what, char **out, bool nul_as_ff) {
  size_t at = r->pos, bad;
  uint32_t len;
  const uint8_t *s;

  if (read_u32(r, &len))
    return -1;
  if (len > left(r))
    return rfail(r, at, "%s name of %u byte%s runs past the end of the %s",
                 what, len, plural(len), r->what);
  s = r->buf + r->pos;
  if ((bad = utf8_invalid_at(s, len)) < len)
    return rfail(r, r->pos + bad, "%s name is not valid UTF-8", what);
  if (out && !nul_as_ff && memchr(s, 0, len))
    return rfail(r, r->pos + (size_t)((const uint8_t *)memchr(s, 0, len) - s),
                 "%s name contains a NUL byte", what);
  if (out) {
    if (!(*out = malloc((size_t)len + 1)))
      return rfail(r, at, "out of memory");
    memcpy(*out, s, len);
    (*out)[len] = '\0';
    for (uint32_t i = 0; nul_as_ff && i < len; i++)
      if ((*out)[i] == '\0')
        (*out)[i] = (char)0xff;
  }
  r->pos += len;
  return 0;
}

/* A vector's count, checked against the bytes left (every element takes at
 * least one), and a zeroed array for it. */
static int read_count(reader *r, const char *what, size_t elem, void **arr,
                      uint32_t *count) {
  size_t at = r->pos;

  if (read_u32(r, count))
    return -1;
  if (*count > left(r))
    return rfail(r, at,
                 "%s count %u is larger than the rest of the %s (%zu "
                 "byte%s)",
                 what, *count, r->what, left(r), plural(left(r)));
  if (!arr)
    return 0;
  if (!(*arr = calloc(*count ? *count : 1, elem)))
    return rfail(r, at, "out of memory");
  return 0;
}

/* ---- types -------------------------------------------------------------- */

static int read_valtype(reader *r, dgc_module *m, uint8_t *out) {
  size_t at = r->pos;

  if (read_u8(r, out))
    return -1;
  switch (*out) {
  case DGC_V128:
    m->uses_simd = true;
    return 0;
  case DGC_I32:
  case DGC_I64:
  case DGC_F32:
  case DGC_F64:
  case DGC_FUNCREF:
  case DGC_EXTERNREF:
    return 0;
  }
  return rfail(r, at, "invalid value type 0x%02x", *out);
}

static int read_valtypes(reader *r, dgc_module *m, uint32_t *n,
                         uint8_t **types) {
  if (read_count(r, "value type", 1, (void **)types, n))
    return -1;
  for (uint32_t i = 0; i < *n; i++)
    if (read_valtype(r, m, &(*types)[i]))
      return -1;
  return 0;
}

static int read_functype(reader *r, dgc_module *m, dgc_functype *t) {
  size_t at = r->pos;
  uint8_t form;

  if (read_u8(r, &form))
    return -1;
  if (form != 0x60)
    return rfail(r, at, "type form 0x%02x is not a function type (0x60)", form);
  if (read_valtypes(r, m, &t->nparams, &t->params))
    return -1;
  return read_valtypes(r, m, &t->nresults, &t->results);
}

static int read_type_section(reader *r, dgc_module *m) {
  uint32_t n;

  if (read_count(r, "type", sizeof *m->types, (void **)&m->types, &n))
    return -1;
  /* Counted before each read so that a failure frees what was read. */
  for (m->ntypes = 0; m->ntypes < n;)
    if (read_functype(r, m, &m->types[m->ntypes++]))
      return -1;
  return 0;
}

static int read_typeidx(reader *r, const dgc_module *m, uint32_t *out) {
  size_t at = r->pos;

  if (read_u32(r, out))
    return -1;
  if (*out >= m->ntypes)
    return rfail(r, at, "type index %u out of range (%u types)", *out,
                 m->ntypes);
  return 0;
}

/* ---- limits, tables, memories, globals ---------------------------------- */

static int read_table_type(reader *r) {
  size_t at;
  uint8_t t, flags;
  uint32_t min, max;

  at = r->pos;
  if (read_u8(r, &t))
    return -1;
  if (t != DGC_FUNCREF && t != DGC_EXTERNREF)
    return rfail(r, at, "invalid table element type 0x%02x", t);
  at = r->pos;
  if (read_u8(r, &flags))
    return -1;
  if (flags > 1)
    return rfail(r, at, "invalid table limits flags 0x%02x", flags);
  if (read_u32(r, &min) || (flags && read_u32(r, &max)))
    return -1;
  if (flags && max < min)
    return rfail(r, at, "table maximum %u is below its minimum %u", max, min);
  return 0;
}

/* Memory limits: bit 0 a maximum follows, bit 1 shared (threads), bit 2
 * 64-bit addresses (memory64, sizes are u64). */
static int read_mem_limits(reader *r, dgc_module *m) {
  size_t at = r->pos;
  uint8_t flags;
  uint64_t min, max = UINT64_MAX, limit;

  if (read_u8(r, &flags))
    return -1;
  if (flags & ~0x07)
    return rfail(r, at, "invalid memory limits flags 0x%02x", flags);
  m->memory64 = flags & 0x04;
  m->memory_shared = flags & 0x02;
  limit = m->memory64 ? (uint64_t)1 << 48 : 65536;
  if (m->memory64 ? read_u64(r, &min) : read_leb(r, 32, false, &min))
    return -1;
  if ((flags & 1) &&
      (m->memory64 ? read_u64(r, &max) : read_leb(r, 32, false, &max)))
    return -1;
  if ((flags & 2) && !(flags & 1))
    return rfail(r, at, "shared memory needs a maximum size");
  if (min > limit || ((flags & 1) && max > limit))
    return rfail(r, at, "memory size exceeds %llu pages",
                 (unsigned long long)limit);
  if (max < min)
    return rfail(r, at, "memory maximum %llu is below its minimum %llu",
                 (unsigned long long)max, (unsigned long long)min);
  m->mem_min = min;
  m->mem_max = max;
  return 0;
}

/* Precondition: r->pos is at the memory type. wasm2c 1.0.32 has no
 * multi-memory, and the runtime binds exactly one memory. */
static int read_memory(reader *r, dgc_module *m) {
  if (m->has_memory)
    return rfail(r, r->pos,
                 "multiple memories: a module may define or import only one");
  m->has_memory = true;
  return read_mem_limits(r, m);
}

static int read_global_type(reader *r, dgc_module *m) {
  size_t at;
  uint8_t t, mut;

  if (read_valtype(r, m, &t))
    return -1;
  at = r->pos;
  if (read_u8(r, &mut))
    return -1;
  if (mut > 1)
    return rfail(r, at, "invalid global mutability 0x%02x", mut);
  return 0;
}

/* ref.null's operand is a heap type, an s33: negative for the abstract
 * types (funcref 0x70 is -16, externref 0x6f is -17), else a type index
 * (typed function references, which wasm2c 1.0.32 does not know). */
static int skip_heap_type(reader *r) {
  size_t at = r->pos;
  int64_t ht;

  if (read_s(r, 33, &ht))
    return -1;
  if (ht != -16 && ht != -17)
    return rfail(r, at, "ref.null of heap type %lld is not supported",
                 (long long)ht);
  return 0;
}

static int skip_v128_const(reader *r, dgc_module *m) {
  size_t at = r->pos;
  uint32_t sub;

  if (read_u32(r, &sub))
    return -1;
  if (sub != 12)
    return rfail(r, at, "SIMD instruction 0xfd %u is not constant", sub);
  m->uses_simd = true;
  return skip(r, 16);
}

/* A constant expression (global initialiser) is skipped instruction by
 * instruction up to its END: its length is not encoded anywhere. Accepts the
 * MVP constants, ref.null/ref.func/global.get and the extended-const
 * arithmetic. */
static int skip_const_expr(reader *r, dgc_module *m) {
  for (;;) {
    size_t at = r->pos;
    uint8_t op;
    uint32_t idx;
    int64_t imm;
    int rc = 0;
    if (read_u8(r, &op))
      return -1;
    switch (op) {
    case 0x0b: /* end */
      return 0;
    case 0x41: /* i32.const */
      rc = read_s(r, 32, &imm);
      break;
    case 0x42: /* i64.const */
      rc = read_s(r, 64, &imm);
      break;
    case 0x43: /* f32.const */
      rc = skip(r, 4);
      break;
    case 0x44: /* f64.const */
      rc = skip(r, 8);
      break;
    case 0x23: /* global.get */
    case 0xd2: /* ref.func */
      rc = read_u32(r, &idx);
      break;
    case 0xd0: /* ref.null */
      rc = skip_heap_type(r);
      break;
    case 0xfd:
      rc = skip_v128_const(r, m);
      break;
    case 0x6a: /* i32.add, i32.sub, i32.mul */
    case 0x6b:
    case 0x6c:
    case 0x7c: /* i64.add, i64.sub, i64.mul */
    case 0x7d:
    case 0x7e:
      break;
    default:
      return rfail(r, at,
                   "opcode 0x%02x is not allowed in a constant "
                   "expression",
                   op);
    }
    if (rc)
      return -1;
  }
}

/* Exception handling: an attribute byte (0, "exception") and a type. */
static int read_tag_type(reader *r, dgc_module *m, uint32_t *type) {
  size_t at = r->pos;
  uint8_t attr;

  if (read_u8(r, &attr))
    return -1;
  if (attr != 0)
    return rfail(r, at, "invalid tag attribute 0x%02x", attr);
  return read_typeidx(r, m, type);
}

/* ---- imports ------------------------------------------------------------ */

static int read_import_desc(reader *r, dgc_module *m, dgc_import *im,
                            uint32_t index) {
  size_t at = r->pos;

  if (read_u8(r, &im->kind))
    return -1;
  switch (im->kind) {
  case DGC_EXT_FUNC:
    m->nfuncimports++;
    return read_typeidx(r, m, &im->type);
  case DGC_EXT_TABLE:
    return read_table_type(r);
  case DGC_EXT_MEMORY:
    if (read_memory(r, m))
      return -1;
    m->memory_imported = true;
    m->memory_import = index;
    return 0;
  case DGC_EXT_GLOBAL:
    return read_global_type(r, m);
  case DGC_EXT_TAG:
    return read_tag_type(r, m, &im->type);
  }
  return rfail(r, at, "invalid import kind 0x%02x", im->kind);
}

static int read_import_section(reader *r, dgc_module *m) {
  uint32_t n;

  if (read_count(r, "import", sizeof *m->imports, (void **)&m->imports, &n))
    return -1;
  for (m->nimports = 0; m->nimports < n;) {
    dgc_import *im = &m->imports[m->nimports++];
    im->offset = (uint32_t)r->pos;
    if (read_name(r, "import module", &im->module, false) ||
        read_name(r, "import", &im->name, false) ||
        read_import_desc(r, m, im, m->nimports - 1))
      return -1;
  }
  return 0;
}

/* ---- function, table, memory, global sections --------------------------- */

static int read_function_section(reader *r, dgc_module *m) {
  uint32_t n;

  if (read_count(r, "function", sizeof *m->func_types, (void **)&m->func_types,
                 &n))
    return -1;
  m->nfuncs = n;
  for (uint32_t i = 0; i < n; i++)
    if (read_typeidx(r, m, &m->func_types[i]))
      return -1;
  return 0;
}

static int read_table_section(reader *r, dgc_module *m) {
  uint32_t n;

  (void)m;
  if (read_count(r, "table", 0, NULL, &n))
    return -1;
  for (uint32_t i = 0; i < n; i++)
    if (read_table_type(r))
      return -1;
  return 0;
}

static int read_memory_section(reader *r, dgc_module *m) {
  uint32_t n;

  if (read_count(r, "memory", 0, NULL, &n))
    return -1;
  for (uint32_t i = 0; i < n; i++)
    if (read_memory(r, m))
      return -1;
  return 0;
}

static int read_tag_section(reader *r, dgc_module *m) {
  uint32_t n, type;

  if (read_count(r, "tag", 0, NULL, &n))
    return -1;
  for (uint32_t i = 0; i < n; i++)
    if (read_tag_type(r, m, &type))
      return -1;
  return 0;
}

static int read_global_section(reader *r, dgc_module *m) {
  uint32_t n;

  if (read_count(r, "global", 0, NULL, &n))
    return -1;
  for (uint32_t i = 0; i < n; i++)
    if (read_global_type(r, m) || skip_const_expr(r, m))
      return -1;
  return 0;
}

/* ---- exports and start -------------------------------------------------- */

static uint64_t total_funcs(const dgc_module *m) {
  return (uint64_t)m->nfuncimports + m->nfuncs;
}

static int check_export_index(reader *r, const dgc_module *m, size_t at,
                              const dgc_export *e) {
  char name[80];

  if (e->kind == DGC_EXT_FUNC && e->index >= total_funcs(m))
    return rfail(r, at, "export %s: function %u does not exist",
                 dgc_printable(name, sizeof name, e->name), e->index);
  if (e->kind == DGC_EXT_MEMORY && (!m->has_memory || e->index != 0))
    return rfail(r, at, "export %s: memory %u does not exist",
                 dgc_printable(name, sizeof name, e->name), e->index);
  if (e->kind > DGC_EXT_TAG)
    return rfail(r, at, "export %s: invalid export kind 0x%02x",
                 dgc_printable(name, sizeof name, e->name), e->kind);
  return 0;
}

typedef struct named_at {
  const char *name;
  size_t at;
} named_at;

static int cmp_named_at(const void *a, const void *b) {
  const named_at *x = a, *y = b;
  int c = strcmp(x->name, y->name);

  if (c)
    return c;
  return (x->at > y->at) - (x->at < y->at);
}

/* Export names must be unique. Sorting keeps this O(n log n) however many
 * exports a hostile module declares. */
static int check_unique_exports(reader *r, const dgc_module *m,
                                named_at *names) {
  char name[80];

  if (m->nexports < 2)
    return 0;
  qsort(names, m->nexports, sizeof *names, cmp_named_at);
  for (uint32_t i = 1; i < m->nexports; i++)
    if (!strcmp(names[i - 1].name, names[i].name))
      return rfail(r, names[i].at, "duplicate export name \"%s\"",
                   dgc_printable(name, sizeof name, names[i].name));
  return 0;
}

static int read_exports(reader *r, dgc_module *m, uint32_t n, named_at *names) {
  for (m->nexports = 0; m->nexports < n;) {
    dgc_export *e = &m->exports[m->nexports];
    size_t at = r->pos;
    names[m->nexports++].at = at;
    if (read_name(r, "export", &e->name, true) || read_u8(r, &e->kind) ||
        read_u32(r, &e->index) || check_export_index(r, m, at, e))
      return -1;
    names[m->nexports - 1].name = e->name;
  }
  return 0;
}

static int read_export_section(reader *r, dgc_module *m) {
  named_at *names = NULL;
  uint32_t n;
  int rc;

  if (read_count(r, "export", sizeof *m->exports, (void **)&m->exports, &n))
    return -1;
  if (!(names = calloc(n ? n : 1, sizeof *names)))
    return rfail(r, r->pos, "out of memory");
  rc = read_exports(r, m, n, names);
  if (!rc)
    rc = check_unique_exports(r, m, names);
  free(names);
  return rc;
}

static int read_start_section(reader *r, dgc_module *m) {
  size_t at = r->pos;

  if (read_u32(r, &m->start))
    return -1;
  if (m->start >= total_funcs(m))
    return rfail(r, at, "start function %u does not exist", m->start);
  m->has_start = true;
  return 0;
}

/* ---- code --------------------------------------------------------------- */

/* Only the local declarations are read (a v128 local means SIMD); the
 * instructions are wasm2c's business and are skipped by the body's size.
 * Precondition: r->end is the end of the body. */
static int read_locals(reader *r, dgc_module *m) {
  uint64_t total = 0;
  uint32_t n, count;
  uint8_t t;

  if (read_count(r, "local declaration", 0, NULL, &n))
    return -1;
  for (uint32_t i = 0; i < n; i++) {
    size_t at = r->pos;
    if (read_u32(r, &count) || read_valtype(r, m, &t))
      return -1;
    total += count;
    if (total > UINT32_MAX)
      return rfail(r, at, "too many locals (more than 2^32 - 1)");
  }
  return 0;
}

static int read_body(reader *r, dgc_module *m, uint32_t index) {
  size_t at = r->pos, end = r->end;
  uint32_t size;
  int rc;

  if (read_u32(r, &size))
    return -1;
  if (size > left(r))
    return rfail(r, at, "body of function %u runs past the end of the %s",
                 index, r->what);
  r->end = r->pos + size;
  r->what = "function body";
  rc = read_locals(r, m);
  r->pos = r->end;
  r->end = end;
  r->what = "code section";
  return rc;
}

static int read_code_section(reader *r, dgc_module *m) {
  size_t at = r->pos;
  uint32_t n;

  if (read_count(r, "function body", 0, NULL, &n))
    return -1;
  if (n != m->nfuncs)
    return rfail(r, at,
                 "code section has %u function bod%s but the function "
                 "section declares %u function%s",
                 n, n == 1 ? "y" : "ies", m->nfuncs, plural(m->nfuncs));
  r->have_code = true;
  for (uint32_t i = 0; i < n; i++)
    if (read_body(r, m, i))
      return -1;
  return 0;
}

/* ---- sections ----------------------------------------------------------- */

static int skip_section(reader *r, dgc_module *m) {
  (void)m;
  r->pos = r->end;
  return 0;
}

/* The function names of a "name" section (subsection 1), read into
 * m->fnames. A custom section is no part of the module's meaning: a name
 * section that does not parse is dropped, never an error. */
static int read_function_names(reader *r, dgc_module *m) {
  uint8_t id;
  uint32_t size, n;

  while (r->pos < r->end) {
    if (read_u8(r, &id) || read_u32(r, &size) || size > left(r))
      return -1;
    if (id != 1) {
      r->pos += size;
      continue;
    }
    if (read_count(r, "function name", sizeof *m->fnames, (void **)&m->fnames,
                   &n))
      return -1;
    for (m->nfnames = 0; m->nfnames < n; m->nfnames++) {
      struct dgc_funcname *f = &m->fnames[m->nfnames];
      if (read_u32(r, &f->index) || read_name(r, "function", &f->name, false))
        return -1;
    }
    return 0;
  }
  return 0;
}

static void drop_function_names(dgc_module *m) {
  for (uint32_t i = 0; i < m->nfnames; i++)
    free(m->fnames[i].name);
  free(m->fnames);
  m->fnames = NULL;
  m->nfnames = 0;
}

static int read_custom_section(reader *r, dgc_module *m) {
  char *name = NULL;
  size_t at = r->pos;

  if (read_name(r, "custom section", &name, false)) {
    /* A NUL in the name is valid, but names no section we read. */
    r->pos = at;
    return read_name(r, "custom section", NULL, false) ? -1
                                                       : skip_section(r, m);
  }
  if (strcmp(name, "name") == 0 && !m->fnames) {
    dgc_diag ignored;
    reader sub = *r;
    sub.d = &ignored;
    if (read_function_names(&sub, m) != 0)
      drop_function_names(m);
  }
  free(name);
  return skip_section(r, m);
}

typedef int (*section_fn)(reader *, dgc_module *);

/* Indexed by section id. rank is the position the spec requires among the
 * known sections (tag and data count were added later with ids out of
 * order); custom sections may appear anywhere. */
static const struct section_kind {
  const char *name;
  int rank;
  section_fn read;
} section_kinds[] = {
    [0] = {"custom section", 0, read_custom_section},
    [1] = {"type section", 1, read_type_section},
    [2] = {"import section", 2, read_import_section},
    [3] = {"function section", 3, read_function_section},
    [4] = {"table section", 4, read_table_section},
    [5] = {"memory section", 5, read_memory_section},
    [13] = {"tag section", 6, read_tag_section},
    [6] = {"global section", 7, read_global_section},
    [7] = {"export section", 8, read_export_section},
    [8] = {"start section", 9, read_start_section},
    [9] = {"element section", 10, skip_section},
    [12] = {"data count section", 11, skip_section},
    [10] = {"code section", 12, read_code_section},
    [11] = {"data section", 13, skip_section},
};
enum { NSECTION_KINDS = sizeof section_kinds / sizeof section_kinds[0] };

static int check_order(reader *r, size_t at, uint8_t id) {
  const struct section_kind *k = &section_kinds[id];

  if (id == 0)
    return 0;
  if (r->seen & (1u << id))
    return rfail(r, at, "duplicate %s", k->name);
  if (k->rank < r->last_rank)
    return rfail(r, at,
                 "%s out of order (the spec fixes the order of "
                 "sections)",
                 k->name);
  r->seen |= 1u << id;
  r->last_rank = k->rank;
  return 0;
}

static int read_section(reader *r, dgc_module *m) {
  size_t at = r->pos;
  uint8_t id;
  uint32_t size;

  r->what = "file";
  if (read_u8(r, &id))
    return -1;
  if (id >= NSECTION_KINDS || !section_kinds[id].name)
    return rfail(r, at, "unknown section id %u", id);
  if (read_u32(r, &size))
    return -1;
  if (size > left(r))
    return rfail(r, at,
                 "%s of %u byte%s runs past the end of the file "
                 "(%zu left)",
                 section_kinds[id].name, size, plural(size), left(r));
  if (check_order(r, at, id))
    return -1;
  r->end = r->pos + size;
  r->what = section_kinds[id].name;
  if (section_kinds[id].read(r, m))
    return -1;
  if (r->pos != r->end)
    return rfail(r, r->pos, "%zu byte%s left over at the end of the %s",
                 left(r), plural(left(r)), r->what);
  r->end = r->file_end;
  return 0;
}

/* ---- header ------------------------------------------------------------- */

/* Text starting with '(' or a ";;" comment, after blanks: someone passed a
 * .wat file where a binary was expected. */
static bool looks_like_wat(const uint8_t *buf, size_t len) {
  size_t i = 0;

  if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
    i = 3;
  while (i < len &&
         (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
    i++;
  return i < len &&
         (buf[i] == '(' || (i + 1 < len && buf[i] == ';' && buf[i + 1] == ';'));
}

static int read_header(reader *r) {
  static const uint8_t magic[4] = {0x00, 'a', 's', 'm'};
  static const uint8_t component[4] = {0x0d, 0x00, 0x01, 0x00};
  const uint8_t *b = r->buf;

  if (r->file_end < 4 || memcmp(b, magic, 4)) {
    if (looks_like_wat(b, r->file_end))
      return rfail(r, 0,
                   "not a WebAssembly binary: this looks like "
                   "WebAssembly text (WAT); translate it with wat2wasm");
    return rfail(r, 0,
                 r->file_end ? "not a WebAssembly binary (no \\0asm "
                               "magic number)"
                             : "empty file, not a WebAssembly binary");
  }
  if (r->file_end < 8)
    return rfail(r, 4, "file ends inside the WebAssembly header");
  if (!memcmp(b + 4, component, 4))
    return rfail(r, 4,
                 "this is a WebAssembly component; only core modules "
                 "are supported");
  if (memcmp(b + 4, "\x01\x00\x00\x00", 4))
    return rfail(r, 4, "unsupported WebAssembly version %u (expected 1)",
                 (unsigned)b[4] | (unsigned)b[5] << 8 | (unsigned)b[6] << 16 |
                     (unsigned)b[7] << 24);
  r->pos = 8;
  return 0;
}

/* ---- the public entry points -------------------------------------------- */

static int read_module(reader *r, dgc_module *m) {
  if (r->file_end > UINT32_MAX)
    return rfail(r, 0, "file too large (4 GiB or more)");
  if (read_header(r))
    return -1;
  while (r->pos < r->file_end)
    if (read_section(r, m))
      return -1;
  if (m->nfuncs && !r->have_code)
    return rfail(r, r->pos,
                 "the function section declares %u function%s but there is "
                 "no code section",
                 m->nfuncs, plural(m->nfuncs));
  return 0;
}

int dgc_read_module(const uint8_t *buf, size_t len, dgc_module *m,
                    dgc_diag *d) {
  dgc_diag ignored;
  reader r = {.buf = buf,
              .end = len,
              .file_end = len,
              .what = "file",
              .d = d ? d : &ignored,
              .last_rank = 0};

  memset(m, 0, sizeof *m);
  m->mem_max = UINT64_MAX;
  if (read_module(&r, m) == 0)
    return 0;
  dgc_module_free(m);
  return -1;
}

void dgc_module_free(dgc_module *m) {
  for (uint32_t i = 0; i < m->ntypes; i++) {
    free(m->types[i].params);
    free(m->types[i].results);
  }
  free(m->types);
  for (uint32_t i = 0; i < m->nimports; i++) {
    free(m->imports[i].module);
    free(m->imports[i].name);
  }
  free(m->imports);
  free(m->func_types);
  for (uint32_t i = 0; i < m->nexports; i++)
    free(m->exports[i].name);
  free(m->exports);
  drop_function_names(m);
  memset(m, 0, sizeof *m);
  m->mem_max = UINT64_MAX;
}

const char *dgc_func_name(const dgc_module *m, uint32_t func, char *buf,
                          size_t size) {
  for (uint32_t i = 0; i < m->nfnames; i++)
    if (m->fnames[i].index == func && m->fnames[i].name[0])
      return m->fnames[i].name;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == DGC_EXT_FUNC && m->exports[i].index == func &&
        !strchr(m->exports[i].name, (char)0xff))
      return m->exports[i].name;
  snprintf(buf, size, "function %" PRIu32, func);
  return buf;
}

const dgc_functype *dgc_func_type(const dgc_module *m, uint32_t func) {
  uint32_t type;

  if (func < m->nfuncimports) {
    for (uint32_t i = 0; i < m->nimports; i++)
      if (m->imports[i].kind == DGC_EXT_FUNC && func-- == 0) {
        type = m->imports[i].type;
        return type < m->ntypes ? &m->types[type] : NULL;
      }
    return NULL;
  }
  func -= m->nfuncimports;
  if (func >= m->nfuncs)
    return NULL;
  type = m->func_types[func];
  return type < m->ntypes ? &m->types[type] : NULL;
}
