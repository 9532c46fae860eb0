/* Sharding: the module's C as several translation units.
 *
 * wasm2c 1.0.32 writes a module as one file of `static` functions, so a big
 * module is one cc1 process whose time and memory grow with the whole
 * module (measured: 193 MB of C, 8.2 GB and 7 minutes at -O1). This stage
 * cuts the (fixed, names.c) file along its top-level layout, which 1.0.32
 * writes in this order:
 *
 *   prelude        includes, macros, static inline helpers (module-access)
 *   setup          s_module_initialized, func_types[], init_func_types,
 *                  one `static T w2c_NAME(...);` prototype per function,
 *                  globals, data segments, tables, elem segments
 *   definitions    `static T w2c_NAME(...) {` ... `}` for every function
 *   tail           exports, init_module, instantiate, free
 *
 * Every unit starts with the prelude and a header that declares, extern
 * with hidden visibility (visible to the other units, never outside the
 * executable), func_types and the functions and data and element segments
 * that this unit names: a function of any unit may call any other, and
 * memory.init and table.init read a segment. Only what the unit names, so
 * that a unit's size and its compiler's work do not grow with the module's
 * count of functions (declaring all of them in every unit made daggercc
 * hold units x functions of text: 4.3 GB for a 30 MB module). The main unit
 * (shard 0, which the glue includes in place of the module's C) is the
 * setup with func_types defined and the prototypes dropped, and the tail;
 * each other unit is a run of definitions with `static` dropped, cut at a
 * size of C text (not a count of functions: wasm functions range from a
 * few bytes to megabytes). Units go to the caller's sink as they are cut,
 * one at a time.
 *
 * Anything else at the top level of the definitions (a layout this stage
 * does not know) means no split: the module compiles as one unit, as
 * before, which is always correct. */
#include "compiler.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct span {
  const char *p;
  size_t n;
} span;

static void puts_buf(dgc_buf *b, const char *s) {
  dgc_buf_put(b, s, strlen(s));
}

/* The line at *at (without its newline); *at moves past it. */
static span next_line(const char *text, size_t len, size_t *at) {
  const char *s = text + *at, *nl = memchr(s, '\n', len - *at);
  size_t n = nl ? (size_t)(nl - s) : len - *at;
  *at += n + (nl ? 1 : 0);
  return (span){s, n};
}

static bool is(span l, const char *s) {
  return l.n == strlen(s) && memcmp(l.p, s, l.n) == 0;
}

static bool starts(span l, const char *s) {
  size_t k = strlen(s);
  return l.n >= k && memcmp(l.p, s, k) == 0;
}

static bool ends(span l, const char *s) {
  size_t k = strlen(s);
  return l.n >= k && memcmp(l.p + l.n - k, s, k) == 0;
}

/* `static T w2c_NAME(`: the start of a function's prototype or definition
 * (T has no parenthesis; wasm2c's own helpers are not named w2c_). */
static bool w2c_function(span l) {
  const char *name, *paren;

  if (!starts(l, "static ") || memchr(l.p, '\n', l.n))
    return false;
  paren = memchr(l.p, '(', l.n);
  if (!paren)
    return false;
  for (name = paren; name > l.p && name[-1] != ' '; name--)
    ;
  return paren - name > 4 && memcmp(name, "w2c_", 4) == 0;
}

/* `static const T NAME[] = {`: a data or element segment that functions
 * of every unit may read (memory.init, table.init). */
static bool segment_array(span l) {
  return (starts(l, "static const u8 data_segment_data_") ||
          starts(l, "static const wasm_elem_segment_expr_t "
                    "elem_segment_exprs_")) &&
         ends(l, "[] = {");
}

/* A data segment moved out of the C (data.c): a one-line declaration. */
static bool segment_decl(span l) {
  return starts(l, "extern const u8 data_segment_data_") && ends(l, ";");
}

static bool prototype(span l) {
  return w2c_function(l) && ends(l, ");");
}
/* A definition's first line: wasm2c wraps a head of more than eight
 * parameters after "u32 w2c_p7, ", the rest on the next line. */
static bool definition(span l) {
  return w2c_function(l) && (ends(l, ") {") || ends(l, ", "));
}

/* The file's four parts, or false when the layout is not the one above. */
typedef struct layout {
  span prelude, setup, defs, tail;
} layout;

static bool find_layout(const char *text, size_t len, layout *lay) {
  enum { PRELUDE, SETUP, BETWEEN, IN_DEF, TAIL } state = PRELUDE;
  const char *setup = NULL, *defs = NULL, *defs_end = NULL;
  size_t at = 0;

  while (at < len) {
    const char *start = text + at;
    span l = next_line(text, len, &at);
    switch (state) {
    case PRELUDE:
      if (is(l, "static bool s_module_initialized = false;")) {
        setup = start;
        state = SETUP;
      }
      break;
    case SETUP:
    case BETWEEN:
      if (definition(l)) {
        if (!defs)
          defs = start;
        state = IN_DEF;
      } else if (state == BETWEEN && l.n > 0) {
        state = TAIL;
      }
      break;
    case IN_DEF:
      if (is(l, "}")) {
        defs_end = text + at;
        state = BETWEEN;
      }
      break;
    case TAIL:
      if (definition(l))
        return false; /* a definition after the tail began: unknown */
      break;
    }
  }
  if (!defs || state == IN_DEF)
    return false;
  lay->prelude = (span){text, (size_t)(setup - text)};
  lay->setup = (span){setup, (size_t)(defs - setup)};
  lay->defs = (span){defs, (size_t)(defs_end - defs)};
  lay->tail = (span){defs_end, (size_t)(text + len - defs_end)};
  return true;
}

/* ---- the declarations a unit may need ---------------------------------- */

/* One declaration of the setup: a function's prototype or a segment, by
 * its C name, in the setup's order. */
typedef struct decl {
  span name, line;
  size_t stamp; /* the last unit that named it, plus one */
} decl;

typedef struct decls {
  decl *v;
  size_t n;
  uint32_t *slots; /* open addressing: index + 1, 0 empty */
  size_t mask;
  size_t *used; /* the current unit's, n at most */
  size_t nused;
} decls;

static bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

static size_t hash(const char *p, size_t n) {
  uint64_t h = 14695981039346656037u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)p[i]) * 1099511628211u;
  return (size_t)(h ^ (h >> 29));
}

/* The slot of name: its entry's, or the empty one where it would go. */
static uint32_t *slot_of(const decls *t, const char *p, size_t n) {
  size_t i = hash(p, n) & t->mask;
  for (;; i = (i + 1) & t->mask) {
    uint32_t *s = &t->slots[i];
    if (*s == 0)
      return s;
    const span *k = &t->v[*s - 1].name;
    if (k->n == n && memcmp(k->p, p, n) == 0)
      return s;
  }
}

/* The declared name of a setup line: a prototype's function, a segment's
 * array; empty for any other line. */
static span declared_name(span l) {
  const char *end, *p;

  if (prototype(l))
    end = memchr(l.p, '(', l.n);
  else if (segment_array(l) || segment_decl(l))
    end = memchr(l.p, '[', l.n);
  else
    return (span){0};
  for (p = end; p > l.p && ident_char(p[-1]); p--)
    ;
  return (span){p, (size_t)(end - p)};
}

static void decls_free(decls *t) {
  free(t->v);
  free(t->slots);
  free(t->used);
  *t = (decls){0};
}

static void decls_add(decls *t, span name, span line) {
  uint32_t *s = slot_of(t, name.p, name.n);

  if (*s) /* declared twice: the first serves */
    return;
  t->v[t->n] = (decl){name, line, 0};
  *s = (uint32_t)++t->n;
}

/* Every declaration of the setup, in its order. */
static int decls_read(decls *t, span setup) {
  size_t at = 0, lines = 0, cap = 16;

  for (size_t i = 0; i < setup.n; i++)
    lines += setup.p[i] == '\n';
  if (lines >= UINT32_MAX / 4)
    return -1;
  while (cap < 2 * lines + 2)
    cap *= 2;
  t->v = malloc((lines + 1) * sizeof *t->v);
  t->used = malloc((lines + 1) * sizeof *t->used);
  t->slots = calloc(cap, sizeof *t->slots);
  t->mask = cap - 1;
  if (!t->v || !t->used || !t->slots)
    return -1;
  while (at < setup.n) {
    span l = next_line(setup.p, setup.n, &at), name = declared_name(l);
    if (name.n)
      decls_add(t, name, l);
  }
  return 0;
}

static bool declarable(const char *p, size_t n) {
  return (n > 4 && memcmp(p, "w2c_", 4) == 0) ||
         (n > 18 && memcmp(p, "data_segment_data_", 18) == 0) ||
         (n > 19 && memcmp(p, "elem_segment_exprs_", 19) == 0);
}

/* Marks what text names (whole identifiers only) as used by unit k. */
static void decls_scan(decls *t, span text, size_t k) {
  const char *p = text.p, *end = text.p + text.n;

  while (p < end) {
    if (!ident_char(*p)) {
      p++;
      continue;
    }
    const char *q = p;
    while (q < end && ident_char(*q))
      q++;
    if (declarable(p, (size_t)(q - p))) {
      uint32_t s = *slot_of(t, p, (size_t)(q - p));
      if (s && t->v[s - 1].stamp != k + 1) {
        t->v[s - 1].stamp = k + 1;
        t->used[t->nused++] = s - 1;
      }
    }
    p = q;
  }
}

static int by_index(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* The head of a unit: the prelude, then func_types and what the unit
 * names (decls_scan) declared extern and hidden, in the setup's order so
 * that the same definitions always give the same text (the cache's key). */
static void put_header(dgc_buf *b, const layout *lay, decls *t) {
  dgc_buf_put(b, lay->prelude.p, lay->prelude.n);
  puts_buf(b, "/* ---- daggercc: declarations from the module's other units "
              "(compiler/shard.c) ---- */\n"
              "#pragma GCC visibility push(hidden)\n"
              "extern u32 func_types[];\n");
  qsort(t->used, t->nused, sizeof *t->used, by_index);
  for (size_t i = 0; i < t->nused; i++) {
    span l = t->v[t->used[i]].line;
    if (prototype(l)) {
      puts_buf(b, "extern ");
      dgc_buf_put(b, l.p + strlen("static "), l.n - strlen("static "));
    } else if (segment_array(l)) {
      puts_buf(b, "extern ");
      dgc_buf_put(b, l.p + strlen("static "),
                  l.n - strlen("static ") - strlen(" = {"));
      puts_buf(b, ";");
    } else {
      dgc_buf_put(b, l.p, l.n); /* segment_decl: already extern */
    }
    puts_buf(b, "\n");
  }
  t->nused = 0;
  puts_buf(b, "#pragma GCC visibility pop\n\n");
}

/* ---- the units ---------------------------------------------------------- */

typedef struct cutter {
  const layout *lay;
  decls names;
  dgc_buf body, unit; /* reused from unit to unit */
  dgc_unit_sink sink;
  void *ctx;
  size_t k; /* units given to the sink */
} cutter;

/* The unit of c->body, with the declarations of what it names, to the
 * sink. */
static int emit(cutter *c) {
  int rc;

  decls_scan(&c->names, (span){c->body.p, c->body.n}, c->k);
  c->unit.n = 0;
  put_header(&c->unit, c->lay, &c->names);
  dgc_buf_put(&c->unit, c->body.p, c->body.n);
  dgc_buf_put(&c->unit, "", 1); /* a C string for the sink */
  if (c->unit.oom || c->body.oom)
    return 1;
  rc = c->sink(c->ctx, c->k, c->unit.p, c->unit.n - 1);
  c->k++;
  c->body.n = 0;
  return rc == 0 ? 0 : -1;
}

/* Shard 0: the setup without its prototypes and with func_types defined
 * for the other units, then the tail. */
static int put_main(cutter *c) {
  const layout *lay = c->lay;
  size_t at = 0;

  while (at < lay->setup.n) {
    span l = next_line(lay->setup.p, lay->setup.n, &at);
    if (prototype(l))
      continue;
    if (starts(l, "static u32 func_types[") || segment_array(l))
      l = (span){l.p + strlen("static "), l.n - strlen("static ")};
    dgc_buf_put(&c->body, l.p, l.n);
    puts_buf(&c->body, "\n");
  }
  dgc_buf_put(&c->body, lay->tail.p, lay->tail.n);
  return emit(c);
}

/* The definitions cut into runs of about target bytes each, every run a
 * unit, without `static`. */
static int put_units(cutter *c, size_t target) {
  const layout *lay = c->lay;
  size_t at = 0;
  int rc = 0;

  while (rc == 0 && at < lay->defs.n) {
    span l = next_line(lay->defs.p, lay->defs.n, &at);
    bool def = definition(l);
    if (def && c->body.n >= target)
      rc = emit(c);
    if (def)
      l = (span){l.p + strlen("static "), l.n - strlen("static ")};
    dgc_buf_put(&c->body, l.p, l.n);
    puts_buf(&c->body, "\n");
    if (c->body.oom)
      rc = 1;
  }
  if (rc == 0 && c->body.n)
    rc = emit(c);
  return rc;
}

int dgc_shard_split(const char *text, size_t len, size_t target,
                    size_t max_units, dgc_unit_sink sink, void *ctx,
                    size_t *nunits, dgc_diag *d) {
  layout lay;
  cutter c = {.lay = &lay, .sink = sink, .ctx = ctx};
  int rc;

  *nunits = 0;
  if (target == 0)
    target = 1;
  /* Small modules stay one unit: calls between shards are not inlined. A
   * NUL (names.wast copies one into a comment) or exception tags (their
   * symbols are static to the setup) keep the module whole as well. */
  if (len < 2 * target || strlen(text) != len ||
      strstr(text, "wasm_rt_register_tag") || !find_layout(text, len, &lay))
    return 0;
  if (lay.defs.n < target)
    return 0;
  if (max_units && lay.defs.n / max_units + 1 > target)
    target = lay.defs.n / max_units + 1;
  rc = decls_read(&c.names, lay.setup) != 0 ? 1 : put_main(&c);
  if (rc == 0)
    rc = put_units(&c, target);
  decls_free(&c.names);
  free(c.body.p);
  free(c.unit.p);
  if (rc == 1)
    return dgc_fail(d, "out of memory");
  *nunits = c.k - 1;
  return rc;
}
