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
 * Every unit starts with the same header: the prelude, then func_types,
 * every function and every data and element segment declared extern with
 * hidden visibility (visible to the other units, never outside the
 * executable): a function of any unit may call any other, and
 * memory.init and table.init read a segment. The main unit (shard 0, which
 * the glue includes in place of the module's C) is the header, the setup
 * with func_types defined and the prototypes dropped, and the tail; each
 * other unit is the header and a run of definitions with `static` dropped,
 * cut at a size of C text (not a count of functions: wasm functions range
 * from a few bytes to megabytes).
 *
 * Anything else at the top level of the definitions (a layout this stage
 * does not know) means no split: the module compiles as one unit, as
 * before, which is always correct. */
#include "compiler.h"

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

/* The header every unit starts with: the prelude, then func_types and the
 * functions declared extern and hidden (from the setup's prototypes). */
static void put_header(dgc_buf *b, const layout *lay) {
  size_t at = 0;

  dgc_buf_put(b, lay->prelude.p, lay->prelude.n);
  puts_buf(b, "/* ---- daggercc: declarations shared by the module's units "
              "(compiler/shard.c) ---- */\n"
              "#pragma GCC visibility push(hidden)\n"
              "extern u32 func_types[];\n");
  while (at < lay->setup.n) {
    span l = next_line(lay->setup.p, lay->setup.n, &at);
    if (prototype(l)) {
      puts_buf(b, "extern ");
      dgc_buf_put(b, l.p + strlen("static "), l.n - strlen("static "));
      puts_buf(b, "\n");
    } else if (segment_array(l)) {
      puts_buf(b, "extern ");
      dgc_buf_put(b, l.p + strlen("static "),
                  l.n - strlen("static ") - strlen(" = {"));
      puts_buf(b, ";\n");
    } else if (segment_decl(l)) {
      dgc_buf_put(b, l.p, l.n);
      puts_buf(b, "\n");
    }
  }
  puts_buf(b, "#pragma GCC visibility pop\n\n");
}

/* Shard 0: the header, the setup without its prototypes and with
 * func_types defined for the other units, the tail. */
static void put_main(dgc_buf *b, const layout *lay) {
  size_t at = 0;

  put_header(b, lay);
  while (at < lay->setup.n) {
    span l = next_line(lay->setup.p, lay->setup.n, &at);
    if (prototype(l))
      continue;
    if (starts(l, "static u32 func_types[") || segment_array(l))
      dgc_buf_put(b, l.p + strlen("static "), l.n - strlen("static "));
    else
      dgc_buf_put(b, l.p, l.n);
    puts_buf(b, "\n");
  }
  dgc_buf_put(b, lay->tail.p, lay->tail.n);
}

/* The definitions cut into runs of about target bytes each, every run a
 * unit: the header, then the definitions without `static`. */

/* Appends unit b to out's list (b is emptied; freed on failure). */
static int push_unit(dgc_shards *out, dgc_buf *b) {
  char **u = realloc(out->units, (out->nunits + 1) * sizeof *u);

  if (u)
    out->units = u;
  if (!u || b->oom) {
    free(b->p);
    *b = (dgc_buf){0};
    return -1;
  }
  out->units = u;
  out->units[out->nunits++] = b->p;
  *b = (dgc_buf){0};
  return 0;
}

static int put_units(dgc_shards *out, const layout *lay, size_t target) {
  size_t at = 0, body = 0; /* bytes of definitions in the current unit */
  dgc_buf b = {0};

  while (at < lay->defs.n) {
    span l = next_line(lay->defs.p, lay->defs.n, &at);
    bool def = definition(l);
    if (def && (b.n == 0 || body >= target)) {
      if (b.n && push_unit(out, &b) != 0)
        return -1;
      put_header(&b, lay);
      body = 0;
    }
    if (def)
      l = (span){l.p + strlen("static "), l.n - strlen("static ")};
    dgc_buf_put(&b, l.p, l.n);
    puts_buf(&b, "\n");
    body += l.n + 1;
    if (b.oom) {
      free(b.p);
      return -1;
    }
  }
  return b.n ? push_unit(out, &b) : 0;
}

void dgc_shards_free(dgc_shards *s) {
  free(s->main);
  for (size_t i = 0; i < s->nunits; i++)
    free(s->units[i]);
  free(s->units);
  *s = (dgc_shards){0};
}

int dgc_shard_split(const char *text, size_t len, size_t target,
                    dgc_shards *out, dgc_diag *d) {
  layout lay;
  dgc_buf main = {0};

  *out = (dgc_shards){0};
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
  put_main(&main, &lay);
  if (main.oom || put_units(out, &lay, target) != 0) {
    free(main.p);
    dgc_shards_free(out);
    return dgc_fail(d, "out of memory");
  }
  out->main = main.p;
  return 0;
}
