/* Instruction names of the WebAssembly text format before 2019, which
 * wabt 1.0.32's wat2wasm refuses ("unexpected token get_local"): the
 * original Dagger's test modules (2018-2019) are written with them. The
 * spec renamed them in 2018 (get_local became local.get, the conversions
 * i32.wrap/i64 and friends took the i32.wrap_i64 form, anyfunc became
 * funcref); the meaning of each is unchanged, so they are rewritten token
 * by token before the text reaches wat2wasm (daggercc) or wabt's parser
 * (dagger-interp). A token is replaced only when it is the whole legacy
 * name: never inside a string, a comment or an identifier ($get_local).
 * Every new name is at most as long as the old one; lines do not move. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

static const struct {
  const char *old, *now;
} legacy[] = {
    {"get_local", "local.get"},
    {"set_local", "local.set"},
    {"tee_local", "local.tee"},
    {"get_global", "global.get"},
    {"set_global", "global.set"},
    {"current_memory", "memory.size"},
    {"grow_memory", "memory.grow"},
    {"anyfunc", "funcref"},
    {"i32.wrap/i64", "i32.wrap_i64"},
    {"i64.extend_s/i32", "i64.extend_i32_s"},
    {"i64.extend_u/i32", "i64.extend_i32_u"},
    {"i32.trunc_s/f32", "i32.trunc_f32_s"},
    {"i32.trunc_s:sat/f32", "i32.trunc_sat_f32_s"},
    {"i32.trunc_u/f32", "i32.trunc_f32_u"},
    {"i32.trunc_u:sat/f32", "i32.trunc_sat_f32_u"},
    {"i32.trunc_s/f64", "i32.trunc_f64_s"},
    {"i32.trunc_s:sat/f64", "i32.trunc_sat_f64_s"},
    {"i32.trunc_u/f64", "i32.trunc_f64_u"},
    {"i32.trunc_u:sat/f64", "i32.trunc_sat_f64_u"},
    {"i64.trunc_s/f32", "i64.trunc_f32_s"},
    {"i64.trunc_s:sat/f32", "i64.trunc_sat_f32_s"},
    {"i64.trunc_u/f32", "i64.trunc_f32_u"},
    {"i64.trunc_u:sat/f32", "i64.trunc_sat_f32_u"},
    {"i64.trunc_s/f64", "i64.trunc_f64_s"},
    {"i64.trunc_s:sat/f64", "i64.trunc_sat_f64_s"},
    {"i64.trunc_u/f64", "i64.trunc_f64_u"},
    {"i64.trunc_u:sat/f64", "i64.trunc_sat_f64_u"},
    {"f32.convert_s/i32", "f32.convert_i32_s"},
    {"f32.convert_u/i32", "f32.convert_i32_u"},
    {"f32.convert_s/i64", "f32.convert_i64_s"},
    {"f32.convert_u/i64", "f32.convert_i64_u"},
    {"f64.convert_s/i32", "f64.convert_i32_s"},
    {"f64.convert_u/i32", "f64.convert_i32_u"},
    {"f64.convert_s/i64", "f64.convert_i64_s"},
    {"f64.convert_u/i64", "f64.convert_i64_u"},
    {"f32.demote/f64", "f32.demote_f64"},
    {"f64.promote/f32", "f64.promote_f32"},
    {"i32.reinterpret/f32", "i32.reinterpret_f32"},
    {"i64.reinterpret/f64", "i64.reinterpret_f64"},
    {"f32.reinterpret/i32", "f32.reinterpret_i32"},
    {"f64.reinterpret/i64", "f64.reinterpret_i64"},
};

/* WAT idchars: printable ASCII but space, '"', ',', ';', '(', ')', '[',
 * ']', '{' and '}'. */
static bool is_idchar(char c) {
  return c > 0x20 && c < 0x7f && !strchr("\",;()[]{}", c);
}

/* The legacy entry that the token [tok, tok+n) is, or -1. */
static int find_legacy(const char *tok, size_t n) {
  for (size_t i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
    if (strlen(legacy[i].old) == n && memcmp(tok, legacy[i].old, n) == 0)
      return (int)i;
  return -1;
}

/* Where the string, line comment or block comment starting at p ends
 * (past its last byte); p when none starts there. */
static size_t skip_literal(const char *s, size_t n, size_t p) {
  if (s[p] == '"') {
    for (p++; p < n && s[p] != '"'; p++)
      if (s[p] == '\\')
        p++;
    return p < n ? p + 1 : n;
  }
  if (p + 1 < n && s[p] == ';' && s[p + 1] == ';') {
    const char *nl = memchr(s + p, '\n', n - p);
    return nl ? (size_t)(nl - s) : n;
  }
  if (p + 1 < n && s[p] == '(' && s[p + 1] == ';') {
    int depth = 0;
    while (p + 1 < n) {
      if (s[p] == '(' && s[p + 1] == ';')
        depth++, p += 2;
      else if (s[p] == ';' && s[p + 1] == ')') {
        p += 2;
        if (--depth == 0)
          return p;
      } else
        p++;
    }
    return n;
  }
  return p;
}

char *dgc_wat_modernise(const char *src, size_t n, size_t *out_n, size_t *count,
                        const char **first) {
  char *out = malloc(n + 1);
  size_t o = 0, p = 0;

  *count = 0;
  if (first)
    *first = NULL;
  if (!out)
    return NULL;
  while (p < n) {
    size_t end = skip_literal(src, n, p), q = p;
    if (end == p) {
      while (q < n && is_idchar(src[q]))
        q++;
      int k = q > p ? find_legacy(src + p, q - p) : -1;
      if (k >= 0) {
        const char *now = legacy[k].now;
        if (first && !*first)
          *first = legacy[k].old;
        memcpy(out + o, now, strlen(now));
        o += strlen(now), p = q, ++*count;
        continue;
      }
      end = q > p ? q : p + 1;
    }
    memcpy(out + o, src + p, end - p);
    o += end - p, p = end;
  }
  out[o] = '\0';
  *out_n = o;
  return out;
}
