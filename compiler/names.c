/* wasm2c 1.0.32's naming: the one place that knows how wasm2c names the C
 * symbols, files and struct fields it generates. Newer wabt (1.0.33+)
 * renamed everything (w2c_ prefixes, wasm2c_<mod>_instantiate); a port to it
 * changes this file and the DGC_W2C_* macros in compiler.h only.
 *
 * Measured on 1.0.32 (compiler/tests check it again against wasm2c):
 *  - a name X becomes "Z_" + mangle(X); mangle keeps [A-Za-z0-9_] except 'Z'
 *    and writes every other byte as 'Z' + two upper-case hex digits, so a
 *    literal 'Z' becomes "Z5A";
 *  - an imported function or memory: Z_<module>Z_<name>, whose first
 *    parameter is a struct Z_<module>_instance_t * the host defines;
 *  - instantiate takes one such pointer per imported module, in byte order
 *    of the module names (not in import order);
 *  - a defined memory is a `wasm_rt_memory_t w2c_<something>;` field of the
 *    instance struct whose name depends on export and debug names, so it is
 *    read from the generated header. */
#include "compiler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keeps(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Y') ||
         (c >= '0' && c <= '9') || c == '_';
}

char *dgc_mangle(const char *name) {
  size_t n = 0;
  char *out, *p;

  for (const char *s = name; *s; s++)
    n += keeps((unsigned char)*s) ? 1 : 3;
  out = malloc(n + 1);
  if (!out)
    return NULL;
  p = out;
  for (const char *s = name; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (keeps(c))
      *p++ = (char)c;
    else
      p += sprintf(p, "Z%02X", c);
  }
  *p = '\0';
  return out;
}

/* prefix + mangle(a) + middle + mangle(b) + suffix; b may be NULL. */
static char *join(const char *prefix, const char *a, const char *middle,
                  const char *b, const char *suffix) {
  char *ma = dgc_mangle(a), *mb = b ? dgc_mangle(b) : NULL, *out = NULL;
  size_t n;

  if (ma && (mb || !b)) {
    n = strlen(prefix) + strlen(ma) + strlen(middle) + (mb ? strlen(mb) : 0) +
        strlen(suffix) + 1;
    out = malloc(n);
    if (out)
      snprintf(out, n, "%s%s%s%s%s", prefix, ma, middle, mb ? mb : "", suffix);
  }
  free(ma);
  free(mb);
  return out;
}

char *dgc_w2c_import(const char *module, const char *name) {
  return join("Z_", module, "Z_", name, "");
}

char *dgc_w2c_import_struct(const char *module) {
  return join("Z_", module, "_instance_t", NULL, "");
}

char *dgc_w2c_export(const char *name) {
  return join("Z_", DGC_W2C_MODULE, "Z_", name, "");
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t dgc_w2c_import_modules(const dgc_abi *abi, const char **out) {
  size_t n = 0, k = 0;

  for (uint32_t i = 0; i < abi->nbindings; i++)
    out[n++] = abi->bindings[i].module;
  if (abi->memory == DGC_MEM_IMPORTED)
    out[n++] = abi->memory_module;
  if (n == 0)
    return 0;
  qsort(out, n, sizeof *out, cmp_names);
  for (size_t i = 1; i < n; i++)
    if (strcmp(out[i], out[k]) != 0)
      out[++k] = out[i];
  return k + 1;
}

/* The body of `typedef struct NAME {` ... `} NAME;` in header, as [*b, *e). */
static int instance_body(const char *header, const char **b, const char **e) {
  const char *open = "typedef struct " DGC_W2C_INSTANCE_T " {";
  const char *close = "} " DGC_W2C_INSTANCE_T ";";

  *b = strstr(header, open);
  if (!*b)
    return -1;
  *b += strlen(open);
  *e = strstr(*b, close);
  return *e ? 0 : -1;
}

int dgc_w2c_memory_field(const char *header, char *field, size_t size,
                         dgc_diag *d) {
  static const char decl[] = "wasm_rt_memory_t w2c_";
  const char *b, *e, *p, *end;

  if (instance_body(header, &b, &e) != 0)
    return dgc_fail(d, "wasm2c output: no struct " DGC_W2C_INSTANCE_T);
  /* Memory 0 is the first field of type wasm_rt_memory_t (not a pointer:
   * that one is an imported memory). */
  for (p = strstr(b, decl); p && p < e; p = strstr(p + 1, decl)) {
    if (p > b && p[-1] != ' ' && p[-1] != '\n')
      continue;
    p += strlen(decl) - strlen("w2c_");
    for (end = p; keeps((unsigned char)*end) || *end == 'Z'; end++)
      ;
    if (*end != ';' || (size_t)(end - p) >= size)
      break;
    memcpy(field, p, (size_t)(end - p));
    field[end - p] = '\0';
    return 0;
  }
  return dgc_fail(d, "wasm2c output: no memory field in " DGC_W2C_INSTANCE_T);
}

/* wasm2c 1.0.32's memory.fill and memory.copy forget its own big-endian
 * layout (guest byte i at data[size - 1 - i]): they address data + i as if
 * memory were little-endian, so on s390x they fill and copy the wrong
 * bytes. Each faulty line gets a WABT_BIG_ENDIAN alternative that addresses
 * the reversed block [size - i - n, size - i); the fixed text is right for
 * either byte order, so it is applied for every target. */
static const struct {
  const char *line, *big_endian;
} be_fixes[] = {
    {"  memset(mem->data + d, val, n);\n",
     "  memset(mem->data + mem->size - d - n, val, n);\n"},
    {"  memmove(dest->data + dest_addr, src->data + src_addr, n);\n",
     "  memmove(dest->data + dest->size - dest_addr - n,\n"
     "          src->data + src->size - src_addr - n, n);\n"},
};

/* text with old (found at at) replaced by fix; with cond, by the fixed text
 * under #if cond and the original under #else. NULL when out of memory. */
static char *replace_once(const char *text, const char *at, const char *old,
                          const char *cond, const char *fix) {
  static const char mid[] = "#else\n", tail[] = "#endif\n";
  size_t pre = (size_t)(at - text), k = strlen(old);
  size_t size = strlen(text) - k + strlen(fix);
  char *out;

  if (cond)
    size += strlen(cond) + strlen(mid) + k + strlen(tail);
  out = malloc(size + 1);
  if (out)
    snprintf(out, size + 1, "%.*s%s%s%s%s%s%s", (int)pre, text,
             cond ? cond : "", fix, cond ? mid : "", cond ? old : "",
             cond ? tail : "", at + k);
  return out;
}

/* Replaces *text by the same text with the first old replaced as above;
 * fails naming the line when old is missing (not what 1.0.32 writes). */
static int fix_once(char **text, const char *old, const char *cond,
                    const char *fix, dgc_diag *d) {
  const char *at = strstr(*text, old);
  char *fixed;

  if (!at)
    return dgc_fail(d, "wasm2c output: no line \"%.*s\" to fix",
                    (int)strcspn(old, "\n"), old);
  fixed = replace_once(*text, at, old, cond, fix);
  if (!fixed)
    return dgc_fail(d, "out of memory");
  free(*text);
  *text = fixed;
  return 0;
}

/* The line before which templates/module-access.c goes: wasm2c's first
 * use of DEFINE_LOAD, after its own definitions. */
static const char access_anchor[] = "DEFINE_LOAD(i32_load, u32, u32, u32)\n";

int dgc_w2c_fix_module(char **text, dgc_diag *d) {
  static const char cond[] = "#if WABT_BIG_ENDIAN /* fixed by daggercc */\n";
  static const char head[] = "/* daggercc: templates/module-access.c */\n";
  size_t n = strlen(head) + dgc_template_module_access_size;
  char *access;
  int rc;

  for (size_t i = 0; i < sizeof be_fixes / sizeof be_fixes[0]; i++)
    if (fix_once(text, be_fixes[i].line, cond, be_fixes[i].big_endian, d) != 0)
      return -1;
  access = malloc(n + strlen(access_anchor) + 1);
  if (!access)
    return dgc_fail(d, "out of memory");
  memcpy(access, head, strlen(head));
  memcpy(access + strlen(head), dgc_template_module_access,
         dgc_template_module_access_size);
  strcpy(access + n, access_anchor);
  rc = fix_once(text, access_anchor, NULL, access, d);
  free(access);
  return rc;
}

/* One line of wasm2c's prototypes, "static T w2c_NAME(Z_m_instance_t*...);":
 * the C name, malloc'd, or NULL when the line is none. */
static char *prototype_name(const char *line, size_t n) {
  static const char inst[] = "(" DGC_W2C_INSTANCE_T "*";
  const char *name, *open, *end = line + n;

  if (n < 2 || strncmp(line, "static ", 7) != 0 || end[-1] != ';' ||
      end[-2] != ')')
    return NULL;
  open = memchr(line, '(', n);
  if (!open || (size_t)(end - open) < strlen(inst) ||
      strncmp(open, inst, strlen(inst)) != 0)
    return NULL;
  for (name = open; name > line && name[-1] != ' ';)
    name--;
  if (strncmp(name, "w2c_", 4) != 0)
    return NULL;
  return strndup(name, (size_t)(open - name));
}

int dgc_w2c_func_cnames(const char *text, uint32_t nfuncs, char ***out,
                        dgc_diag *d) {
  char **names = calloc(nfuncs ? nfuncs : 1, sizeof *names);
  uint32_t k = 0;

  *out = NULL;
  if (!names)
    return dgc_fail(d, "out of memory");
  for (const char *p = text; *p && k < nfuncs;) {
    size_t n = strcspn(p, "\n");
    names[k] = prototype_name(p, n);
    if (names[k])
      k++;
    p += n + (p[n] == '\n');
  }
  if (k == nfuncs) {
    *out = names;
    return 0;
  }
  dgc_w2c_free_names(names, k);
  return 0; /* a layout not 1.0.32's: no names, no error */
}

void dgc_w2c_free_names(char **names, uint32_t n) {
  for (uint32_t i = 0; names && i < n; i++)
    free(names[i]);
  free(names);
}
